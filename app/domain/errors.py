"""Errors raised by domain rules, caught at the web and CLI edges."""


class DomainError(Exception):
    """A rule was broken. ``field`` names the form or CSV field it is about, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this."""


class Conflict(DomainError):
    """Someone else acted first: the thing was decided, moved on or changed since the actor saw it (HTTP 409)."""
