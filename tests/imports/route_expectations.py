"""Who may use the import and export routes (see tests/web/test_permission_matrix.py)."""

from tests.roles import ADMIN, LEAD, WORKERS

# Admins import only into a workstream with no milestones yet (workstream A has some): see test_admin_onboarding.py.
EXPECTED = {
    "imports.upload": {LEAD},
    "imports.preview": {LEAD},
    "imports.confirm": {LEAD},
    "imports.template": {LEAD},
    "imports.export": WORKERS | {ADMIN},
    "imports.new_workstream": {ADMIN},
    "imports.new_workstream_preview": {ADMIN},
    "imports.new_workstream_confirm": {ADMIN},
    "imports.new_template": {ADMIN},
}
