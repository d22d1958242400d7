"""The security log: which audit events it holds, and their names in words. Every sign-in, failure, second-factor
event, single sign-on link, invitation, reset and change of access is one of these."""

SECURITY_EVENTS: dict[str, str] = {
    "sign_in.succeeded": "Signed in",
    "sign_in.failed": "Sign-in failed",
    "sign_out": "Signed out",
    "second_factor.failed": "Second factor wrong",
    "second_factor.unreadable": "Second factor could not be checked: its secret does not open with the key",
    "second_factor.resealed": "Second factors sealed again under the newest key",
    "second_factor.confirmed": "Second factor entered again for an action",
    "second_factor.set_up": "Second factor set up",
    "second_factor.recovery_code_used": "Recovery code used",
    "second_factor.recovery_codes_renewed": "New recovery codes made",
    "second_factor.reset": "Second factor removed by an administrator",
    "second_factor.device_remembered": "Browser remembered for the second factor",
    "second_factor.devices_forgotten": "Remembered browsers forgotten",
    "sso.linked": "Single sign-on linked to an account",
    "sso.account_created": "Account made at single sign-on",
    "sso.refused": "Single sign-on refused",
    "user.created": "Account created",
    "user.invited": "Invited",
    "user.invitation_sent": "Invitation sent again",
    "user.invitation_accepted": "Invitation accepted",
    "password.reset_requested": "Password reset asked for",
    "password.reset": "Password reset",
    "user.password_changed": "Password changed",
    "user.deactivated": "Deactivated",
    "user.reactivated": "Reactivated",
}


def event_label(action: str) -> str:
    return SECURITY_EVENTS.get(action, action)
