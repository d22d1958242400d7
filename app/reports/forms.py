from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import IntegerField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput

from app.domain.paper import DECISION_OUTCOME, DECISION_TEXT
from app.domain.rag import Rag
from app.domain.reports import INTRODUCTION, NARRATIVES, OVERRIDE_JUSTIFICATION, RAG_REASON, RETURN_COMMENTS
from app.services.report_model import NARRATIVE_FIELDS
from app.services.reports import section_field
from app.web.forms import PlainText, PlanDateField

MONTH_HINT = "For example, January 2021 or 31/03/2021"
BULLET_HINT = 'Start a line with "- " to make it a bullet point'


class StartReportForm(FlaskForm):
    meeting_id = RadioField(
        "Which board meeting is the report for?",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a board meeting")],
    )
    submit = SubmitField("Start the report", widget=GovSubmitInput())


class ReportForm(FlaskForm):
    """The draft's header and RAG; ``for_sections`` adds each section's four narrative boxes."""

    period_from = PlanDateField("Progress to date: from", description=MONTH_HINT)
    period_to = PlanDateField("Progress to date: to", description=MONTH_HINT)
    next_from = PlanDateField("Activity for the next period: from", description=MONTH_HINT)
    next_to = PlanDateField("Activity for the next period: to", description=MONTH_HINT)
    introduction = TextAreaField("Introduction", widget=GovTextArea(), validators=[Optional(), PlainText(INTRODUCTION)])
    completed_by_id = SelectField("Report completed by", coerce=int, widget=GovSelect(), validators=[Optional()])
    reported_rag = RadioField("Reported RAG status", widget=GovRadioInput(), validators=[Optional()])
    override_justification = TextAreaField(
        "Why you report a RAG other than the computed one",
        description="Required when the reported RAG differs from the computed RAG. The report shows both.",
        widget=GovTextArea(),
        validators=[Optional(), PlainText(OVERRIDE_JUSTIFICATION)],
    )
    rag_reason = TextAreaField("Reason for RAG", widget=GovTextArea(), validators=[Optional(), PlainText(RAG_REASON)])
    submit = SubmitField("Save draft", widget=GovSubmitInput())

    @classmethod
    def for_sections(cls, sections) -> type["ReportForm"]:
        """A form class with ``s<section id>_<field>`` text boxes for each section."""
        attrs = {}
        for section in sections:
            for name in NARRATIVE_FIELDS:
                attrs[section_field(section.id, name)] = TextAreaField(
                    f"{NARRATIVES[name].label} (section {section.number})",
                    description=BULLET_HINT if name in ("progress", "next_activity") else None,
                    widget=GovTextArea(),
                    validators=[Optional(), PlainText(NARRATIVES[name])],
                )
        return type("SectionedReportForm", (cls,), attrs)

    def rag_choices(self, computed: Rag, computed_label: str) -> None:
        """Each RAG once, in order: the computed one (named ``computed_label``, "Amber" or "No plan yet") is "as
        computed", stored as no override; a value that equals it now reads as that choice."""
        self.reported_rag.choices = [
            ("", f"{computed_label} (as computed)") if r is computed else (r.value, r.label) for r in Rag
        ]
        if self.reported_rag.data == computed.value:
            self.reported_rag.data = ""


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token travels."""


class ReturnForm(FlaskForm):
    comments = TextAreaField(
        "Comments for the project lead",
        description="Say what needs to change before you can sign the report off",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter your comments for the project lead"), PlainText(RETURN_COMMENTS)],
    )
    submit = SubmitField("Return with comments", widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    snapshot_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField("Sign off this report", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """A decision needed from the board, and (once the board has given it) its answer. Each decision on the page
    has its own prefix, so its fields keep their own ids."""

    text = TextAreaField(
        "Decision needed from the board",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter the decision the board is asked to make"), PlainText(DECISION_TEXT)],
    )
    outcome = TextAreaField(
        "The board's answer",
        description="Record it on the report for the meeting after the board gave it. Later reports no longer "
        "carry the decision.",
        widget=GovTextArea(),
        validators=[Optional(), PlainText(DECISION_OUTCOME)],
    )
    submit = SubmitField("Save the decision", widget=GovSubmitInput())


class NewDecisionForm(FlaskForm):
    text = TextAreaField(
        "Decision needed from the board",
        description="It stays on every later report until you record the board's answer.",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter the decision the board is asked to make"), PlainText(DECISION_TEXT)],
    )
    submit = SubmitField("Add the decision", widget=GovSubmitInput())
