"""Reading dates from query strings."""

from datetime import date

from flask import abort, request

from app.domain.dates import parse_as_of


def today() -> date:
    return date.today()


def as_of_arg(default: date | None = None) -> date:
    """``?as_of=YYYY-MM-DD`` or ``default`` (today). A malformed, impossible or out-of-range value is a 400 that
    names the parameter (app.domain.dates.parse_as_of)."""
    text = request.args.get("as_of")
    if not text:
        return default or today()
    try:
        return parse_as_of(text)
    except ValueError as error:
        abort(400, description=str(error))
