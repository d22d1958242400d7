"""Errors raised by domain rules, caught at the web and CLI edges."""


class DomainError(Exception):
    """A rule was broken. ``field`` names the form or CSV field it is about, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this."""
