"""A plan to import (.xlsx) or last period's paper (.docx) is checked as an Office package before any reader opens
it, by the same rules as evidence (app.domain.office): a small upload must not expand into gigabytes, hold a worker
on millions of parts, reach outside itself through XML, or carry macros or links to outside content.
"""

from __future__ import annotations

from app.domain.evidence_formats import Refused
from app.domain.office import Bounds, check_office

# A plan or a paper of a few thousand rows fits well inside these.
IMPORT_BOUNDS = Bounds(max_entries=1_000, max_uncompressed=64 * 1024 * 1024)


class UnsafePackage(ValueError):
    """The file is not a package that may be opened; the message says why, for people."""


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{max(n // 1024, 1)} KB"


def check_package(data: bytes, *, label: str, extension: str, max_bytes: int, bounds: Bounds = IMPORT_BOUNDS) -> None:
    """Check that ``data`` may be opened as ``label`` ("an Excel workbook (.xlsx)", extension "xlsx").

    Raises UnsafePackage, with a message for people that starts "The file", for a file over ``max_bytes`` or one
    that ``check_office`` refuses.
    """
    if len(data) > max_bytes:
        raise UnsafePackage(f"The file must be smaller than {_size(max_bytes)}")
    try:
        check_office(data, extension, label, bounds)
    except Refused as refused:
        raise UnsafePackage(f"The file {refused}") from refused
