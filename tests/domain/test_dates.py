from datetime import date, datetime

import pytest

from app.domain.dates import (
    format_plan_date,
    format_timestamp,
    month_end,
    parse_as_of,
    parse_paper_date,
    parse_plan_date,
    plan_date_text,
)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2021, 1, date(2021, 1, 31)),
        (2021, 2, date(2021, 2, 28)),
        (2024, 2, date(2024, 2, 29)),
        (1900, 2, date(1900, 2, 28)),
        (2000, 2, date(2000, 2, 29)),
        (2021, 3, date(2021, 3, 31)),
        (2021, 4, date(2021, 4, 30)),
        (2021, 12, date(2021, 12, 31)),
    ],
)
def test_month_end_is_last_day_of_month(year, month, expected):
    assert month_end(year, month) == expected


@pytest.mark.parametrize("month", [0, 13])
def test_month_end_rejects_month_out_of_range(month):
    with pytest.raises(ValueError):
        month_end(2021, month)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-04-19", date(2021, 4, 19)),
        ("  2021-04-19\t", date(2021, 4, 19)),
        ("2024-02-29", date(2024, 2, 29)),
        ("19/04/2021", date(2021, 4, 19)),
        ("1/4/2021", date(2021, 4, 1)),
        ("01/04/2021", date(2021, 4, 1)),
        (" 31/12/2021 ", date(2021, 12, 31)),
    ],
)
def test_parse_plan_date_reads_day_precision_dates(text, expected):
    assert parse_plan_date(text) == (expected, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2021", date(2021, 3, 31)),
        ("march 2021", date(2021, 3, 31)),
        ("MARCH 2021", date(2021, 3, 31)),
        ("Mar 2021", date(2021, 3, 31)),
        ("  mar   2021  ", date(2021, 3, 31)),
        ("April 2021", date(2021, 4, 30)),
        ("Feb 2024", date(2024, 2, 29)),
        ("February 2021", date(2021, 2, 28)),
        ("September 2021", date(2021, 9, 30)),
        ("Sep 2021", date(2021, 9, 30)),
        ("December 2023", date(2023, 12, 31)),
        ("January 2021", date(2021, 1, 31)),
    ],
)
def test_parse_plan_date_reads_month_as_its_last_day(text, expected):
    assert parse_plan_date(text) == (expected, True)


def test_parse_plan_date_accepts_date_objects():
    assert parse_plan_date(date(2021, 4, 19)) == (date(2021, 4, 19), False)


def test_parse_plan_date_accepts_datetime_objects_as_their_date():
    parsed, month_only = parse_plan_date(datetime(2021, 4, 19, 13, 45))
    assert parsed == date(2021, 4, 19)
    assert type(parsed) is date
    assert month_only is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "soon",
        "2021",
        "2021/04/19",
        "19-04-2021",
        "04/19/21",
        "19/04/21",
        "2021-4-19",
        "Marchh 2021",
        "Ma 2021",
        "March",
        "March 21",
        "2021 March",
        "19 April 2021",
        "19.4.2021",
    ],
)
def test_parse_plan_date_rejects_other_formats_naming_the_text(text):
    with pytest.raises(ValueError, match="Enter a date as YYYY-MM-DD, DD/MM/YYYY or Month YYYY") as error:
        parse_plan_date(text)
    assert f'"{text.strip()}"' in str(error.value)


@pytest.mark.parametrize("text", ["31/02/2021", "2021-02-29", "2021-13-01", "00/01/2021", "32/01/2021", "0000-01-01"])
def test_parse_plan_date_rejects_days_that_do_not_exist(text):
    with pytest.raises(ValueError, match="Enter a real date") as error:
        parse_plan_date(text)
    assert text in str(error.value)


@pytest.mark.parametrize("value", [None, 44300, 3.5])
def test_parse_plan_date_rejects_values_that_are_not_text_or_dates(value):
    with pytest.raises(ValueError, match="Enter a date as"):
        parse_plan_date(value)


@pytest.mark.parametrize(
    ("d", "month_only", "expected"),
    [
        (date(2021, 3, 31), True, "March 2021"),
        (date(2021, 4, 19), False, "19 April 2021"),
        (date(2021, 4, 1), False, "1 April 2021"),
        (date(2023, 12, 31), True, "December 2023"),
        (None, True, ""),
        (None, False, ""),
    ],
)
def test_format_plan_date_shows_month_or_day(d, month_only, expected):
    assert format_plan_date(d, month_only) == expected


@pytest.mark.parametrize("text", ["March 2021", "Feb 2024", "sep 2021"])
def test_formatted_month_parses_back_to_the_same_month(text):
    parsed, month_only = parse_plan_date(text)
    assert parse_plan_date(format_plan_date(parsed, month_only)) == (parsed, True)


def test_an_as_of_date_is_iso_within_the_calendar_the_rag_can_count_in():
    assert parse_as_of("2021-04-19") == date(2021, 4, 19)
    assert parse_as_of("1900-01-01") == date(1900, 1, 1)
    assert parse_as_of("2999-12-31") == date(2999, 12, 31)
    for text, message in (
        ("19/04/2021", "as_of must be a date as YYYY-MM-DD"),
        ("2021-4-19", "as_of must be a date as YYYY-MM-DD"),
        ("2021-02-30", "that day does not exist"),
        ("1899-12-31", "between 1900-01-01 and 2999-12-31"),
        ("9999-12-31", "between 1900-01-01 and 2999-12-31"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_as_of(text)


def test_a_timestamp_reads_to_the_minute_with_the_month_in_words():
    assert format_timestamp(datetime(2021, 4, 9, 7, 5)) == "9 April 2021 07:05"
    assert format_timestamp(datetime(2021, 12, 31, 23, 59)) == "31 December 2021 23:59"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19.4.21", (date(2021, 4, 19), False, "")),
        ("15.2.21", (date(2021, 2, 15), False, "")),
        ("1/4/2021", (date(2021, 4, 1), False, "")),
        ("19 April 2021", (date(2021, 4, 19), False, "")),
        ("19th Apr 2021", (date(2021, 4, 19), False, "")),
        ("March 2021", (date(2021, 3, 31), True, "")),
        ("2021-04-19", (date(2021, 4, 19), False, "")),
        ("March 2023 (Completion of the Programme)", (date(2023, 3, 31), True, "(Completion of the Programme)")),
    ],
)
def test_a_papers_dates_are_read_as_people_type_them(text, expected):
    assert parse_paper_date(text) == expected


@pytest.mark.parametrize(("text", "message"), [("soon", "Enter a date such as"), ("31.2.21", "Enter a real date")])
def test_a_papers_cell_that_is_not_a_date_is_refused_naming_it(text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_paper_date(text)
    assert text in str(error.value)


def test_plan_date_text_is_what_parse_plan_date_reads_back():
    for value, is_month in ((date(2021, 3, 31), True), (date(2021, 4, 19), False)):
        assert parse_plan_date(plan_date_text(value, is_month)) == (value, is_month)
    assert plan_date_text(None, False) == ""
