"""Moving the seed's dates into today's week: whole months, precision kept, the meeting 14 to 42 days away."""

from datetime import date, timedelta

import pytest

from app.domain.dates import add_months
from app.domain.demo import BOARD_EARLIEST_DAYS, BOARD_LATEST_DAYS, as_published, demo_calendar, ordinal

SEED_MEETING = date(2021, 4, 19)


@pytest.mark.parametrize(
    ("start", "months", "month_only", "expected"),
    [
        (date(2021, 3, 31), 1, True, date(2021, 4, 30)),  # a month stays a month: its last day
        (date(2021, 2, 28), 12, True, date(2022, 2, 28)),
        (date(2021, 2, 28), 36, True, date(2024, 2, 29)),  # a leap February's last day
        (date(2021, 1, 31), 1, False, date(2021, 2, 28)),  # a day is clamped to a shorter month's end
        (date(2024, 1, 31), 1, False, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, False, date(2025, 2, 28)),
        (date(2021, 4, 19), 68, False, date(2026, 12, 19)),  # a day keeps its day
        (date(2021, 11, 30), 2, True, date(2022, 1, 31)),  # across a year end
        (date(2021, 4, 19), -4, False, date(2020, 12, 19)),  # backwards
        (date(2021, 5, 31), 0, False, date(2021, 5, 31)),
    ],
)
def test_add_months_keeps_precision(start, months, month_only, expected):
    assert add_months(start, months, month_only) == expected


def every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_the_meeting_falls_14_to_42_days_after_every_day_of_five_years():
    # 2024 and 2028 are leap years; every month end and every day between is a run date.
    for today in every_day(date(2024, 1, 1), date(2028, 12, 31)):
        calendar = demo_calendar(SEED_MEETING, today)
        assert BOARD_EARLIEST_DAYS <= (calendar.meeting - today).days <= BOARD_LATEST_DAYS, today
        whole_months = add_months(SEED_MEETING, calendar.months, False)
        # The meeting is the seed's moved by whole months; on the few days no whole month reaches the window,
        # one day further, in the same month.
        assert (calendar.meeting.year, calendar.meeting.month) == (whole_months.year, whole_months.month), today
        assert abs((calendar.meeting - whole_months).days) <= 2, today


@pytest.mark.parametrize(
    ("today", "months", "meeting"),
    [
        (date(2026, 11, 30), 68, date(2026, 12, 19)),  # a month end
        (date(2026, 1, 31), 58, date(2026, 2, 19)),  # the end of a long month before a short one
        (date(2024, 2, 29), 35, date(2024, 3, 19)),  # a leap day
        (date(2025, 12, 31), 57, date(2026, 1, 19)),  # a year end
        (date(2026, 3, 5), 59, date(2026, 3, 19)),  # exactly 14 days
        (date(2026, 3, 8), 60, date(2026, 4, 19)),  # exactly 42 days
        (date(2026, 2, 5), 58, date(2026, 2, 19)),  # both 19ths fit around a short February: the sooner
    ],
)
def test_the_meeting_keeps_its_day_when_whole_months_reach_the_window(today, months, meeting):
    calendar = demo_calendar(SEED_MEETING, today)
    assert (calendar.months, calendar.meeting) == (months, meeting)
    assert calendar.meeting == add_months(SEED_MEETING, months, False)


def test_where_no_whole_month_reaches_the_window_the_meeting_moves_one_day_into_it():
    # 6 January: the 19th of January is 13 days away and the 19th of February 44 days away.
    today = date(2026, 1, 6)
    calendar = demo_calendar(SEED_MEETING, today)
    assert calendar.months == 57
    assert calendar.meeting == date(2026, 1, 20)
    assert (calendar.meeting - today).days == BOARD_EARLIEST_DAYS


def test_dates_move_with_their_precision():
    calendar = demo_calendar(SEED_MEETING, date(2026, 11, 30))
    assert calendar.move(date(2021, 3, 31), True) == date(2026, 11, 30)
    assert calendar.move(date(2021, 2, 28), True) == date(2026, 10, 31)
    assert calendar.move(date(2021, 2, 15), False) == date(2026, 10, 15)
    assert calendar.move(date(2023, 3, 31), True) == date(2028, 11, 30)


def test_dates_written_in_text_move_in_the_same_form():
    calendar = demo_calendar(SEED_MEETING, date(2026, 11, 30))  # 68 months on
    text = (
        "The previous board was held on 15.2.21. The first panel met on the 19.1.2021. Sessions were "
        "completed w/c 22nd February. Published in April 2021; revised to March 2023. References 1.4 and 2.11 "
        "and 5-10 KPIs stay as they are."
    )
    assert calendar.move_text(text) == (
        "The previous board was held on 15.10.26. The first panel met on the 19.9.2026. Sessions were "
        "completed w/c 22nd October. Published in December 2026; revised to November 2028. References 1.4 and "
        "2.11 and 5-10 KPIs stay as they are."
    )


def test_a_day_in_text_is_clamped_to_a_shorter_month():
    calendar = demo_calendar(SEED_MEETING, date(2025, 12, 1))  # 56 months on: March → November
    assert calendar.months == 56
    assert calendar.move_text("met on 31.3.21, w/c 31st March") == "met on 30.11.25, w/c 30th November"


def test_as_published_moves_nothing():
    calendar = as_published(SEED_MEETING)
    assert (calendar.months, calendar.meeting) == (0, SEED_MEETING)
    assert calendar.move(date(2021, 3, 31), True) == date(2021, 3, 31)
    assert calendar.move_text("held on 15.2.21, April 2021") == "held on 15.2.21, April 2021"


@pytest.mark.parametrize(
    ("day", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st"),
     (22, "22nd"), (23, "23rd"), (30, "30th"), (31, "31st")],
)  # fmt: skip
def test_ordinal(day, text):
    assert ordinal(day) == text
