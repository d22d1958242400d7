from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField

from app.web.forms import HIDDEN_VALUE, PlainText


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a spreadsheet",
        description="An Excel workbook (.xlsx) or a CSV file (.csv) in the template's columns, up to 5 MB",
        widget=GovFileInput(),
        validators=[
            FileRequired(message="Select a spreadsheet to import"),
            FileAllowed(["xlsx", "csv"], message="The selected file must be an Excel workbook (.xlsx) or a CSV file"),
        ],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    upload = HiddenField(validators=[PlainText(HIDDEN_VALUE)])
    submit = SubmitField("Import these changes", widget=GovSubmitInput())
