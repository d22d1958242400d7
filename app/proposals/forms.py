from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, MultipleFileField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from app.domain.evidence import LINKS_HINT
from app.domain.proposals import DECISION, LINKS, NOTE, REASON, Kind
from app.web.forms import HIDDEN_VALUE, PlainText, PlanDateField

FILES_HINT = (
    "PDF, Word, Excel, CSV, text, PNG, JPEG or email (.eml, .msg), each smaller than {limit}. "
    "You can choose several files."
)


HEADINGS = {
    Kind.COMPLETION: "Propose completion",
    Kind.DATE_CHANGE: "Ask for a revised date",
    Kind.REMOVAL: "Ask to remove this milestone",
}


class ProposalForm(FlaskForm):
    """One form for the three kinds; the page shows only the fields of its kind."""

    completion_date = PlanDateField("Date completed", description="For example, 19/04/2021 or 2021-04-19")
    new_due = PlanDateField("New date due", description="For example, 30/06/2021 or June 2021")
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[Optional(), PlainText(REASON)])
    note = TextAreaField("What was done", widget=GovTextArea(), validators=[Optional(), PlainText(NOTE)])
    files = MultipleFileField("Upload evidence", widget=GovFileInput(multiple=True))
    links = TextAreaField(
        "Links to evidence", description=LINKS_HINT, widget=GovTextArea(), validators=[Optional(), PlainText(LINKS)]
    )
    submit = SubmitField("Send for approval", widget=GovSubmitInput())

    def configure(self, kind: Kind, limit_label: str) -> None:
        self.files.description = FILES_HINT.format(limit=limit_label)
        if kind is Kind.DATE_CHANGE:
            self.reason.label.text = "Reason for delay"
            self.reason.description = "This is added to the milestone's comments when the new date is approved"
            self.note.label.text = "Anything else the approver should know (optional)"
        elif kind is Kind.REMOVAL:
            self.reason.label.text = "Reason for removing this milestone"
            self.note.label.text = "Anything else the approver should know (optional)"
        else:
            self.note.description = "Say what was delivered and where the evidence shows it"


class EvidenceForm(FlaskForm):
    files = MultipleFileField("Upload more evidence", widget=GovFileInput(multiple=True))
    links = TextAreaField(
        "Links to evidence", description=LINKS_HINT, widget=GovTextArea(), validators=[Optional(), PlainText(LINKS)]
    )
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), PlainText(NOTE)])
    submit = SubmitField("Add evidence", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """Read from the decide buttons: ``decision`` is the button pressed (approve or reject)."""

    decision = StringField(validators=[Optional(), PlainText(DECISION)])
    reason = TextAreaField(validators=[Optional(), PlainText(REASON)])
    version = HiddenField(validators=[PlainText(HIDDEN_VALUE)])
    came_from = HiddenField(validators=[PlainText(HIDDEN_VALUE)])


class WithdrawForm(FlaskForm):
    pass


class MarkReadForm(FlaskForm):
    notification_id = HiddenField(validators=[PlainText(HIDDEN_VALUE)])
