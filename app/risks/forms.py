from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.domain.risk import MITIGATION, RISK_DESCRIPTION, RISK_REFERENCE, RISK_TITLE, Impact, Likelihood
from app.services.risks import REGISTER_FILTERS
from app.web.forms import PlainText, PlanDateField


class RiskForm(FlaskForm):
    reference = StringField(
        "Reference",
        description="A short name, unique in this workstream. For example, Resourcing",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the risk reference"), PlainText(RISK_REFERENCE)],
    )
    title = TextAreaField(
        "Risk", widget=GovTextArea(), validators=[InputRequired(message="Enter the risk"), PlainText(RISK_TITLE)]
    )
    description = TextAreaField(
        "Description", widget=GovTextArea(), validators=[Optional(), PlainText(RISK_DESCRIPTION)]
    )
    likelihood = RadioField(
        "Likelihood of occurrence",
        choices=[(item.value, item.label) for item in Likelihood],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the likelihood")],
    )
    impact = RadioField(
        "Impact",
        choices=[(item.value, item.label) for item in Impact],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the impact")],
    )
    owner_id = SelectField("Risk owner", coerce=int, widget=GovSelect(), validators=[Optional()])
    mitigation = TextAreaField("Mitigation", widget=GovTextArea(), validators=[Optional(), PlainText(MITIGATION)])
    mitigation_date = PlanDateField("Date for mitigation", description="For example, 2021-04-30 or April 2021")
    submit = SubmitField("Save risk", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "reference": self.reference.data,
            "title": self.title.data,
            "description": self.description.data,
            "likelihood": self.likelihood.data,
            "impact": self.impact.data,
            "owner_id": self.owner_id.data or None,
            "mitigation": self.mitigation.data,
            "mitigation_date": self.mitigation_date.date,
            "mitigation_date_is_month": self.mitigation_date.is_month,
        }


class RegisterFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: nothing changes

    status = SelectField(
        "Show", choices=list(REGISTER_FILTERS.items()), default="open", widget=GovSelect(), validators=[Optional()]
    )


class RiskStateForm(FlaskForm):
    """Close or reopen: a button and the CSRF token."""
