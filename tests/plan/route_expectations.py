"""Who may use the programme overview (see tests/web/test_permission_matrix.py). The outsider leads a workstream
of the same programme, so reaches the overview, but sees only their own workstream."""

from tests.roles import ADMIN, OUTSIDER, WORKERS

EXPECTED = {
    "plan.overview": WORKERS | {ADMIN, OUTSIDER},
}
