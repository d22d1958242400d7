"""Dates in templates go through one filter, so month precision and the en-GB month names are decided once."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Every template: strftime's %-d works on glibc only and %B follows the process locale.
THROUGH_THE_FILTER = sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize(
    ("value", "arguments", "shown"),
    [
        (date(2021, 4, 19), "", "19 April 2021"),
        (date(2021, 4, 30), "(month_only=true)", "April 2021"),
        (datetime(2021, 4, 9, 7, 5, tzinfo=UTC), "(time=true)", "9 April 2021 07:05"),
        (datetime(2021, 4, 9, 7, 5, tzinfo=UTC), "", "9 April 2021"),
        (None, "", ""),
    ],
)
def test_the_date_filter_writes_en_gb_dates(app, value, arguments, shown):
    assert app.jinja_env.from_string(f"{{{{ value | plan_date{arguments} }}}}").render(value=value) == shown


@pytest.mark.parametrize("template", THROUGH_THE_FILTER, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_every_template_writes_every_date_through_the_filter(template):
    assert not re.search(r"strftime\(", template.read_text()), "use the plan_date filter"
