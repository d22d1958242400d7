"""Plan dates: ISO, UK day-first and month-precision ("March 2021") dates.

A date given as a month displays as that month and counts as the month's last day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

# Spelled out rather than taken from calendar.month_name, which follows the process locale.
MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
}

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\s+(\d{4})", re.ASCII)

FORMAT_HINT = "Enter a date as YYYY-MM-DD, DD/MM/YYYY or Month YYYY"
# The as-at dates a plan or report may be read at: far enough either side of any plan, near enough that the RAG's
# date arithmetic (a day after, windows of days) never leaves the calendar.
EARLIEST_AS_OF = date(1900, 1, 1)
LATEST_AS_OF = date(2999, 12, 31)


def month_end(year: int, month: int) -> date:
    """Return the last day of ``month`` in ``year``.

    Raises ValueError if the month is not 1-12 or the year is out of range.
    """
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int, month_only: bool) -> date:
    """``d`` moved by a whole number of months (negative moves back), keeping its precision.

    A month stays a month (its last day); a day keeps its day of the month, or the month's last day when the
    month is shorter (31 January + 1 month is 28 or 29 February). Raises ValueError past year 1 or 9999.
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, last if month_only else min(d.day, last))


def parse_plan_date(text: str | date) -> tuple[date, bool]:
    """Parse a plan date, returning ``(date, month_only)``.

    Accepts ``YYYY-MM-DD``, ``DD/MM/YYYY`` and ``Month YYYY`` (full or three-letter English month,
    any case, surrounding whitespace ignored), and ``date``/``datetime`` objects as spreadsheets give them.
    A month gives its last day and ``month_only=True``.

    Raises ValueError, with a message naming the offending text, for anything else or for a day that does
    not exist (31/02/2021).
    """
    if isinstance(text, datetime):
        return text.date(), False
    if isinstance(text, date):
        return text, False
    if not isinstance(text, str):
        raise ValueError(f'{FORMAT_HINT}, not "{text}"')

    cleaned = text.strip()
    try:
        if match := _ISO.fullmatch(cleaned):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day), False
        if match := _DAY_FIRST.fullmatch(cleaned):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day), False
        if (match := _MONTH_YEAR.fullmatch(cleaned)) and (month := _MONTH_NUMBERS.get(match.group(1).lower())):
            return month_end(int(match.group(2)), month), True
    except ValueError:
        raise ValueError(f'Enter a real date: "{cleaned}" does not exist') from None
    raise ValueError(f'{FORMAT_HINT}, not "{cleaned}"')


def parse_as_of(text: str) -> date:
    """An as-at date written YYYY-MM-DD, from 1900 to 2999.

    Raises ValueError, with a message naming the parameter, for another form, a day that does not exist, or a date
    outside that range.
    """
    match = _ISO.fullmatch(text)
    if not match:
        raise ValueError("as_of must be a date as YYYY-MM-DD")
    try:
        value = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError("as_of must be a real date as YYYY-MM-DD: that day does not exist") from None
    if not EARLIEST_AS_OF <= value <= LATEST_AS_OF:
        raise ValueError(f"as_of must be between {EARLIEST_AS_OF.isoformat()} and {LATEST_AS_OF.isoformat()}")
    return value


def format_plan_date(d: date | None, month_only: bool) -> str:
    """Format a plan date for people: "March 2021" for a month, "19 April 2021" for a day, "" for None."""
    if d is None:
        return ""
    if month_only:
        return f"{MONTH_NAMES[d.month - 1]} {d.year}"
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def format_timestamp(moment: datetime) -> str:
    """A moment for people, to the minute: "19 April 2021 14:05" (in the moment's own time zone)."""
    return f"{format_plan_date(moment, False)} {moment.hour:02d}:{moment.minute:02d}"
