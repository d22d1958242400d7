from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.domain.plan import MILESTONE_COMMENTS, MILESTONE_REFERENCE, MILESTONE_TEXT, SECTION_TITLE
from app.web.forms import PlainText, PlanDateField


class SectionForm(FlaskForm):
    number = IntegerField(
        "Section number",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the section number"),
            NumberRange(min=1, max=999, message="Enter a section number from 1 to 999"),
        ],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the section title"), PlainText(SECTION_TITLE)],
    )
    submit = SubmitField("Save section", widget=GovSubmitInput())


class MilestoneForm(FlaskForm):
    section_id = SelectField("Section", coerce=int, widget=GovSelect(), validators=[InputRequired("Select a section")])
    reference = StringField(
        "Reference",
        description="Numbers and dots, like 1.4. Unique in this workstream.",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the reference"), PlainText(MILESTONE_REFERENCE)],
    )
    text = TextAreaField(
        "Milestone",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter the milestone"), PlainText(MILESTONE_TEXT)],
    )
    owner_id = SelectField("Owner", coerce=int, widget=GovSelect(), validators=[Optional()])
    due = PlanDateField(
        "Date due",
        description="For example, 2021-04-19, 19/04/2021 or April 2021",
        required_message="Enter the date due",
    )
    revised_due = PlanDateField(
        "Revised date", description="Leave blank unless the date has moved. For example, June 2021"
    )
    comments = TextAreaField(
        "Comments or reason for delay", widget=GovTextArea(), validators=[Optional(), PlainText(MILESTONE_COMMENTS)]
    )
    submit = SubmitField("Save milestone", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "section_id": self.section_id.data,
            "reference": self.reference.data,
            "text": self.text.data,
            "owner_id": self.owner_id.data or None,
            "due": self.due.date,
            "due_is_month": self.due.is_month,
            "revised_due": self.revised_due.date,
            "revised_due_is_month": self.revised_due.is_month,
            "comments": self.comments.data,
        }
