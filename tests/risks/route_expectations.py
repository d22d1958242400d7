"""Who may use the risk register's routes (see tests/web/test_permission_matrix.py)."""

from tests.roles import ADMIN, LEAD, WORKERS

EXPECTED = {
    "risks.index": WORKERS | {ADMIN},
    "risks.detail": WORKERS | {ADMIN},
    "risks.new": {LEAD},
    "risks.edit": {LEAD},
    "risks.close": {LEAD},
    "risks.reopen": {LEAD},
}
