"""Reading dates from query strings, and the templates' one date filter."""

from datetime import date, datetime

from flask import abort, request

from app.domain.dates import format_plan_date, format_timestamp, parse_as_of


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


def plan_date(value: date | datetime | None, month_only: bool = False, time: bool = False) -> str:
    """The templates' date filter (``{{ d | plan_date }}``): "19 April 2021", "April 2021" with ``month_only``,
    "19 April 2021 14:05" with ``time``; "" for None. En-GB month names whatever the process locale."""
    if value is None:
        return ""
    if time and isinstance(value, datetime):
        return format_timestamp(value)
    return format_plan_date(value, month_only)
