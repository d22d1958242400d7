"""Names of the parts played in the permission matrix (see tests/world.py)."""

ANON, VIEWER, OWNER, LEAD, SPONSOR = "anonymous", "viewer", "owner", "lead", "sponsor"
ADMIN, OUTSIDER = "admin", "outsider"
ROLES = [ANON, VIEWER, OWNER, LEAD, SPONSOR, ADMIN, OUTSIDER]
SIGNED_IN = {VIEWER, OWNER, LEAD, SPONSOR, ADMIN, OUTSIDER}
WORKERS = {OWNER, LEAD, SPONSOR}
MEMBERS = WORKERS | {VIEWER}
