"""Who may use the account pages and the admin's sign-in pages (see tests/web/test_permission_matrix.py)."""

from tests.roles import ADMIN, SIGNED_IN

EXPECTED = {
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.confirm_second_factor": SIGNED_IN,
    "auth.new_recovery_codes": SIGNED_IN,
    "auth.forget_devices": SIGNED_IN,
    "admin.resend_invitation": {ADMIN},
    "admin.reset_second_factor": {ADMIN},
    "admin.security_log": {ADMIN},
    "admin.security_log_csv": {ADMIN},
}
