"""Who may use the import and export routes (see tests/web/test_permission_matrix.py)."""

from tests.roles import ADMIN, LEAD, WORKERS

EXPECTED = {
    "imports.upload": {LEAD},
    "imports.preview": {LEAD},
    "imports.confirm": {LEAD},
    "imports.template": {LEAD},
    "imports.export": WORKERS | {ADMIN},
}
