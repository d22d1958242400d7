"""Form fields and helpers shared by the feature forms."""

from typing import NamedTuple

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import StopValidation, ValidationError

from app.domain.dates import format_plan_date, parse_plan_date
from app.domain.errors import DomainError


class Choice(NamedTuple):
    """An option of a GET filter's select (templates/components/filters.html)."""

    value: str
    text: str


class PlanDateField(StringField):
    """A date typed as 2021-04-19, 19/04/2021 or "April 2021" (month precision). ``data`` is (date, is_month)."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, required_message: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.parsed = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.parsed = None

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text:
            if self.required_message:
                raise StopValidation(self.required_message)
            self.parsed = None
            return
        try:
            self.parsed = parse_plan_date(text)
        except ValueError as error:
            raise ValidationError(f"{self.label.text}: {error}") from error

    def set_date(self, value, is_month: bool) -> None:
        self.data = format_plan_date(value, is_month) if value else ""

    @property
    def date(self):
        return self.parsed[0] if self.parsed else None

    @property
    def is_month(self) -> bool:
        return bool(self.parsed and self.parsed[1])


def apply_domain_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    """Show a DomainError against the field it names (or the form's first field)."""
    name = error.field if error.field in form._fields else default_field
    if name is None:
        name = next(iter(n for n in form._fields if n != "csrf_token"))
    field = form._fields[name]
    field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
