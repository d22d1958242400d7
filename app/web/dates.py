"""Reading dates from query strings."""

from datetime import date

from flask import abort, request


def today() -> date:
    return date.today()


def as_of_arg(default: date | None = None) -> date:
    """``?as_of=YYYY-MM-DD`` or ``default`` (today). A malformed value is a 400 that names the parameter."""
    text = request.args.get("as_of")
    if not text:
        return default or today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400, description="as_of must be a date as YYYY-MM-DD")
