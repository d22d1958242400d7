"""Form fields and helpers shared by the feature forms."""

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import flash
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import StopValidation, ValidationError

from app.domain.dates import format_plan_date, parse_plan_date
from app.domain.errors import Conflict, DomainError, NotAllowed
from app.domain.text import TextRule, check_text, one_line
from app.extensions import db
from app.web.htmx import redirect_after_post


class Choice(NamedTuple):
    """An option of a GET filter's select (templates/components/filters.html)."""

    value: str
    text: str


class PlainText:
    """Validator: the field's text meets its ``TextRule`` (no control characters, one line where it must be, within
    its limit), and the error names the field's label. The service storing the value checks the same rule."""

    def __init__(self, rule: TextRule):
        self.rule = rule

    def __call__(self, form, field) -> None:
        value = field.data if isinstance(field.data, str) else ""
        try:
            check_text(value, field.name, label=field.label.text, limit=self.rule.limit, multiline=self.rule.multiline)
        except DomainError as error:
            raise ValidationError(error.message) from error


# A value the page sets rather than the person types (a version, an id, a token): short, one line.
HIDDEN_VALUE = one_line("Form value", 100)
# The longest plan date typed ("19 September 2021" or "September 2021" and spaces) with room to spare.
DATE_TEXT_LIMIT = 40


class PlanDateField(StringField):
    """A date typed as 2021-04-19, 19/04/2021 or "April 2021" (month precision). ``data`` is (date, is_month).

    A form posted without the field at all (a hand-made request; the proposal form leaves out the other kinds'
    dates) reads it as blank, except that it never silently clears a date the form was loaded with: that is an
    error on the field.
    """

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, required_message: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.parsed = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.parsed = None

    def pre_validate(self, form):
        self.parsed = None
        if not self.raw_data and self.object_data and not self.required_message:
            raise StopValidation(f"Enter the {self.label.text.lower()}, or clear it")
        try:
            text = check_text(
                self.raw_data[0] if self.raw_data else "",
                self.name,
                label=self.label.text,
                limit=DATE_TEXT_LIMIT,
                multiline=False,
            )
        except DomainError as error:
            raise StopValidation(error.message) from error
        if not text:
            if self.required_message:
                raise StopValidation(self.required_message)
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


def save_or_show_errors(
    form: FlaskForm,
    action: Callable[[], Any],
    success: str | Callable[[Any], str],
    next_url: str | Callable[[Any], str],
    default_field: str | None = None,
) -> Response | None:
    """A form view's save: run ``action`` (a service call), commit, flash ``success`` and redirect to ``next_url``.

    ``success`` and ``next_url`` may be functions of what ``action`` returned. A DomainError rolls back, is shown
    against the field it names, and returns None: the view renders the form again, nothing half-saved. A refusal
    (NotAllowed) or a conflict is not the form's to show: it rises to the app's handlers (403, 409).
    """
    try:
        result = action()
    except (NotAllowed, Conflict):
        raise
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error, default_field)
        return None
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return redirect_after_post(next_url(result) if callable(next_url) else next_url)


def act_and_flash(action: Callable[[], Any], done: str, next_url: str) -> Response:
    """A button's action: run ``action`` (a service call), commit and flash ``done``; a DomainError rolls back and
    is flashed as the reason instead. Either way, back to ``next_url``. A conflict rises to the caller or the app's
    handler (409)."""
    try:
        action()
    except Conflict:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect_after_post(next_url)
