from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, NumberRange, Optional

from app.domain.permissions import Role
from app.domain.plan import MEETING_NAME, WORKSTREAM_NAME, WORKSTREAM_TITLE
from app.domain.text import EMAIL, PERSON_NAME
from app.web.forms import PlainText, PlanDateField


class UserForm(FlaskForm):
    name = StringField(
        "Full name", widget=GovTextInput(), validators=[InputRequired("Enter the full name"), PlainText(PERSON_NAME)]
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the email address"),
            PlainText(EMAIL),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )
    is_admin = BooleanField("Administrator", widget=GovCheckboxInput())
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class SecurityLogForm(FlaskForm):
    """The security log's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    event = SelectField("Event", widget=GovSelect(), validators=[Optional()])
    person = StringField(
        "Person (email address, or part of it)", widget=GovTextInput(), validators=[Optional(), PlainText(EMAIL)]
    )
    since = PlanDateField("From", description="For example, 2021-04-19")
    until = PlanDateField("To", description="For example, 2021-04-30")
    submit = SubmitField("Filter", widget=GovSubmitInput())


class MembershipForm(FlaskForm):
    workstream_id = SelectField("Workstream", coerce=int, widget=GovSelect(), validators=[InputRequired()])
    role = SelectField(
        "Role",
        choices=[(r.value, r.label) for r in Role],
        widget=GovSelect(),
        validators=[InputRequired("Select a role")],
    )
    submit = SubmitField("Add role", widget=GovSubmitInput())


class ThresholdsForm(FlaskForm):
    amber_window_days = IntegerField(
        "Amber window (days)",
        description="An open milestone due within this many days is Amber",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the amber window in days"), NumberRange(0, 365, "Enter 0 to 365 days")],
    )
    red_overdue_days = IntegerField(
        "Red tolerance (days overdue)",
        description="A milestone overdue by more than this makes the workstream Red",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the red tolerance in days"), NumberRange(0, 365, "Enter 0 to 365 days")],
    )
    red_overdue_share = IntegerField(
        "Red share of overdue milestones (%)",
        description="More than this share of open milestones overdue makes the workstream Red",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the share as a percentage"), NumberRange(0, 100, "Enter 0 to 100")],
    )
    submit = SubmitField("Save thresholds", widget=GovSubmitInput())


class WorkstreamForm(FlaskForm):
    programme_id = SelectField("Programme", coerce=int, widget=GovSelect(), validators=[InputRequired()])
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the workstream name"), PlainText(WORKSTREAM_NAME)],
    )
    title = StringField("Report title", widget=GovTextInput(), validators=[PlainText(WORKSTREAM_TITLE)])
    submit = SubmitField("Create workstream", widget=GovSubmitInput())


class MeetingForm(FlaskForm):
    programme_id = SelectField("Programme", coerce=int, widget=GovSelect(), validators=[InputRequired()])
    name = StringField(
        "Name",
        default="Children's Improvement Board",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the name"), PlainText(MEETING_NAME)],
    )
    date = PlanDateField("Date", description="For example, 2021-04-19", required_message="Enter the meeting date")
    submit = SubmitField("Add meeting", widget=GovSubmitInput())
