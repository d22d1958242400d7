"""Setting the demo in today's week: every date of the seed report moves by the same whole number of months.

The months are chosen so that the seed's board meeting falls 14 to 42 days after today. A month-only date stays a
month; a day keeps its day of the month (the month's last day when the month is shorter). Months differ in length,
so on a few days a year no whole number of months lands the meeting in that window: the meeting then moves by the
months that bring it nearest and one or two days more, staying in the same month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.dates import MONTH_NAMES, add_months

BOARD_EARLIEST_DAYS = 14
BOARD_LATEST_DAYS = 42

_MONTHS = "|".join(MONTH_NAMES)
_MONTH_YEAR = re.compile(rf"\b({_MONTHS}) (\d{{4}})\b")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\.?\d)")
_DAY_OF_MONTH = re.compile(rf"\b(\d{{1,2}})(st|nd|rd|th) ({_MONTHS})\b(?! \d)")


@dataclass(frozen=True)
class DemoCalendar:
    """How the demo moves the seed's dates: by ``months`` whole months; the seed's meeting lands on ``meeting``."""

    origin: date  # the seed's board meeting
    months: int
    meeting: date

    def move(self, d: date, month_only: bool) -> date:
        """A seed date moved by the calendar's months, keeping its precision."""
        return add_months(d, self.months, month_only)

    def move_text(self, text: str) -> str:
        """Dates written inside seed text moved the same way, in the same form.

        Reads "March 2021", "15.2.21" / "19.1.2021", and "22nd February" (a day without a year, taken to be in
        the seed meeting's year). Anything else is left as written.
        """
        if not self.months or not text:
            return text
        text = _MONTH_YEAR.sub(self._month_year, text)
        text = _DOTTED.sub(self._dotted, text)
        return _DAY_OF_MONTH.sub(self._day_of_month, text)

    def _month_year(self, match: re.Match) -> str:
        moved = self.move(date(int(match[2]), MONTH_NAMES.index(match[1]) + 1, 1), True)
        return f"{MONTH_NAMES[moved.month - 1]} {moved.year}"

    def _dotted(self, match: re.Match) -> str:
        day, month, year_text = int(match[1]), int(match[2]), match[3]
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        try:
            moved = self.move(date(year, month, day), False)
        except ValueError:
            return match[0]  # not a date (a reference such as 1.2.3 has no place here, but leave it be)
        shown_year = f"{moved.year % 100:02d}" if len(year_text) == 2 else str(moved.year)
        return f"{moved.day}.{moved.month}.{shown_year}"

    def _day_of_month(self, match: re.Match) -> str:
        try:
            moved = self.move(date(self.origin.year, MONTH_NAMES.index(match[3]) + 1, int(match[1])), False)
        except ValueError:
            return match[0]
        return f"{ordinal(moved.day)} {MONTH_NAMES[moved.month - 1]}"


def ordinal(day: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd, 23rd … 31st."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def as_published(origin: date) -> DemoCalendar:
    """The seed's own dates: nothing moves."""
    return DemoCalendar(origin, 0, origin)


def demo_calendar(origin: date, today: date) -> DemoCalendar:
    """The whole months that put the seed's meeting (``origin``) 14 to 42 days after ``today``.

    Where two do (a short February), the sooner meeting is taken. Where none does, the months that bring the
    meeting nearest the window, and the meeting itself one or two days further, into the window. Raises nothing.
    """
    earliest, latest = today + timedelta(days=BOARD_EARLIEST_DAYS), today + timedelta(days=BOARD_LATEST_DAYS)
    base = (today.year - origin.year) * 12 + today.month - origin.month
    nearest: tuple[int, int, date] | None = None
    for months in range(base - 1, base + 4):
        moved = add_months(origin, months, False)
        if earliest <= moved <= latest:
            return DemoCalendar(origin, months, moved)
        gap = (earliest - moved).days if moved < earliest else (moved - latest).days
        if nearest is None or gap < nearest[0]:
            nearest = (gap, months, moved)
    assert nearest is not None  # the range above always has five months
    _, months, moved = nearest
    return DemoCalendar(origin, months, min(max(moved, earliest), latest))
