"""Redirect targets: only local paths are followed."""

from urllib.parse import urlsplit


def is_local_path(target: str | None) -> bool:
    """True for ``/path?query`` on this site; false for ``//host``, ``https:host``, ``javascript:`` and the like."""
    if not target or not target.startswith("/") or target.startswith("//") or target.startswith("/\\"):
        return False
    if any(ord(c) < 32 or c == "\\" for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    if target and not target.startswith("/"):
        # A full referrer URL: keep only its path if it is ours (the Referer of a same-origin post).
        parts = urlsplit(target)
        target = parts.path + (f"?{parts.query}" if parts.query else "") if parts.netloc else None
    return target if is_local_path(target) else default
