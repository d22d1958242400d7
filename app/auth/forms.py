from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, InputRequired

from app.domain.passwords import RULE_TEXT
from app.domain.text import EMAIL, PASSWORD, one_line
from app.web.forms import PlainText


def _email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        widget=GovTextInput(),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            InputRequired(message="Enter your email address"),
            PlainText(EMAIL),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )


class SignInForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), PlainText(PASSWORD)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


# A code from an authenticator app (6 digits) or a recovery code (10 characters), with room for spaces.
CODE = one_line("Code", 40)


def _new_password_field(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        description=RULE_TEXT,
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a password"), PlainText(PASSWORD)],
    )


def _code_field() -> StringField:
    return StringField(
        "Code",
        description="The 6-digit code your authenticator app shows, or one of your recovery codes",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the code from your authenticator app"), PlainText(CODE)],
    )


class ConfirmSecondFactorForm(FlaskForm):
    code = _code_field()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SecondFactorForm(ConfirmSecondFactorForm):
    remember = BooleanField("Do not ask again on this browser for 30 days", widget=GovCheckboxInput())


class SetUpForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        description="The 6-digit code the app shows for Highlight",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the 6-digit code from your authenticator app"), PlainText(CODE)],
    )
    submit = SubmitField("Set up", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = _new_password_field("Password")
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"), PlainText(PASSWORD)],
    )
    password = _new_password_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A form that is only a button (and its CSRF token)."""
