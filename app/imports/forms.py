from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired

from app.domain.plan import WORKSTREAM_NAME
from app.web.forms import HIDDEN_VALUE, PlainText

EXTENSIONS = ["xlsx", "csv", "docx"]
ACCEPT = ",".join(f".{extension}" for extension in EXTENSIONS)
WRONG_TYPE = "The selected file must be an Excel workbook (.xlsx), a CSV file or last period's report (.docx)"


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a spreadsheet or last period's report",
        description="An Excel workbook (.xlsx) or a CSV file (.csv) in the template's columns, or last period's "
        "highlight report (.docx) for a workstream with no milestones yet; up to 5 MB",
        widget=GovFileInput(),
        validators=[
            FileRequired(message="Select a spreadsheet to import"),
            FileAllowed(EXTENSIONS, message=WRONG_TYPE),
        ],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class NewWorkstreamForm(FlaskForm):
    """An admin creates a workstream from its plan: nothing is created until the import is confirmed."""

    programme_id = SelectField("Programme", coerce=int, widget=GovSelect(), validators=[InputRequired()])
    name = StringField(
        "Workstream name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the workstream name"), PlainText(WORKSTREAM_NAME)],
    )
    file = FileField(
        "Upload its plan or last period's report",
        description="An Excel workbook (.xlsx) or a CSV file (.csv) in the template's columns, or last period's "
        "highlight report (.docx); up to 5 MB",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select the plan to import"), FileAllowed(EXTENSIONS, message=WRONG_TYPE)],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    upload = HiddenField(validators=[PlainText(HIDDEN_VALUE)])
    submit = SubmitField("Import these changes", widget=GovSubmitInput())
