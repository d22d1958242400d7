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
        if (match := _MONTH_YEAR.fullmatch(cleaned)) and (named := _MONTH_NUMBERS.get(match.group(1).lower())):
            return month_end(int(match.group(2)), named), True
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


# A paper's dates, as people type them in Word: "19.4.21", "15/2/2021", "19 April 2021", "19th Apr 2021", "March
# 2021", "2021-04-19", at the start of a cell that may say more ("March 2023 (Completion of the Programme)").
_PAPER_DATES = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})\b", re.ASCII), "ymd"),
    (re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})\b", re.ASCII), "d month y"),
    (re.compile(r"([A-Za-z]+)\.?,?\s+(\d{4})\b", re.ASCII), "month y"),
    (re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\d./-])", re.ASCII), "d.m.y"),
)


def parse_paper_date(text: str) -> tuple[date, bool, str]:
    """Read the date at the start of a paper's cell: ``(date, month_only, the rest of the text)``.

    Beside the plan formats it reads day-first dates with dots, slashes or dashes and two- or four-digit years
    ("19.4.21" is 19 April 2021) and days with month names ("19 April 2021", "19th Apr 2021"). Raises ValueError,
    naming the text, when the cell does not start with a date or names a day that does not exist.
    """
    cleaned = " ".join(str(text or "").split())
    for pattern, shape in _PAPER_DATES:
        match = pattern.match(cleaned)
        if not match:
            continue
        rest = cleaned[match.end() :].strip(" ,;:-–")
        try:
            if shape == "ymd":
                year, month, day = (int(part) for part in match.groups())
                return date(year, month, day), False, rest
            if shape == "d.m.y":
                day, month, year = (int(part) for part in match.groups())
                return date(year + 2000 if year < 100 else year, month, day), False, rest
            if shape == "d month y":
                named = _MONTH_NUMBERS.get(match.group(2).lower())
                if named:
                    return date(int(match.group(3)), named, int(match.group(1))), False, rest
                continue
            named = _MONTH_NUMBERS.get(match.group(1).lower())
            if named:
                return month_end(int(match.group(2)), named), True, rest
        except ValueError:
            raise ValueError(f'Enter a real date: "{cleaned}" does not exist') from None
    raise ValueError(f'Enter a date such as 19.4.21, 19 April 2021 or April 2021, not "{cleaned}"')


def plan_date_text(value: date | None, is_month: bool) -> str:
    """A plan date as ``parse_plan_date`` reads it back: "March 2021" for a month, ISO for a day, "" for none."""
    if value is None:
        return ""
    return format_plan_date(value, True) if is_month else value.isoformat()
