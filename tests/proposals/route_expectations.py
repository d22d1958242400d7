"""Who may use each proposals route on workstream A's objects (see tests/web/test_permission_matrix.py).

A's owner proposed A's proposal, so only they may add evidence or withdraw it, and only A's lead may decide it
(the sponsor decides only a lead's proposal). Evidence downloads are for members of the workstream only.
"""

from tests.roles import ADMIN, LEAD, MEMBERS, OWNER, SIGNED_IN, WORKERS

EXPECTED = {
    "proposals.new": {OWNER},
    "proposals.detail": WORKERS | {ADMIN},
    "proposals.add_evidence": {OWNER},
    "proposals.withdraw": {OWNER},
    "proposals.decide": {LEAD},
    "proposals.queue": SIGNED_IN,
    "proposals.mine": SIGNED_IN,
    "proposals.download_evidence": MEMBERS,
    "proposals.notifications": SIGNED_IN,
    "proposals.mark_notifications_read": SIGNED_IN,
}
