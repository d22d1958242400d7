"""Who a single sign-on identity is: the provider's subject is the identity, once linked; before that an account is
found only by an email address the provider says it has verified."""

from dataclasses import dataclass

from app.domain.errors import DomainError


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def identity_from_claims(claims: dict) -> Identity:
    """The identity an ID token's (already verified) claims name. The email counts as verified when the token says
    so: ``email_verified`` (the OpenID Connect claim) or ``xms_edov`` (Microsoft Entra ID's "email domain owner
    verified", an optional claim the app registration adds)."""
    claimed_email, claimed_name = claims.get("email"), claims.get("name")
    email = claimed_email if isinstance(claimed_email, str) else ""
    name = claimed_name if isinstance(claimed_name, str) else ""
    return Identity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=email.strip().lower(),
        email_verified=bool(email) and (_true(claims.get("email_verified")) or _true(claims.get("xms_edov"))),
        name=name.strip() or email.strip(),
    )


class NotSetUp(DomainError):
    """Nobody has set this person up in Highlight (or their account cannot be matched safely): ``reason`` is for the
    security log, the page only says to ask an administrator."""

    def __init__(self, reason: str) -> None:
        super().__init__("Your account has not been set up in Highlight", field="sso")
        self.reason = reason
