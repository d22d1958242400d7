"""The permission policy: which role may do what. One table, used by routes, templates and services."""

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """Roles held per workstream through a membership. Admin is a global flag on the user, not a role here."""

    LEAD = "lead"
    OWNER = "owner"
    SPONSOR = "sponsor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return {"lead": "Project lead", "owner": "Action owner", "sponsor": "Sponsor", "viewer": "Viewer"}[self.value]


class Permission(StrEnum):
    SIGNED_IN = "signed_in"  # any signed-in user: dashboard, notifications, own account
    VIEW_PLAN = "view_plan"
    EDIT_PLAN = "edit_plan"
    IMPORT_PLAN = "import_plan"
    PROPOSE_CHANGE = "propose_change"
    DECIDE_PROPOSAL = "decide_proposal"
    VIEW_EVIDENCE = "view_evidence"
    VIEW_RISKS = "view_risks"
    MANAGE_RISKS = "manage_risks"
    VIEW_LIVE_REPORT = "view_live_report"
    WRITE_REPORT = "write_report"
    SIGN_OFF_REPORT = "sign_off_report"
    VIEW_SIGNED_REPORT = "view_signed_report"
    VIEW_AUDIT = "view_audit"
    ADMINISTER = "administer"


_EVERY_MEMBER = frozenset(Role)
_WORKERS = frozenset({Role.LEAD, Role.OWNER, Role.SPONSOR})

POLICY: dict[Permission, frozenset[Role]] = {
    Permission.SIGNED_IN: _EVERY_MEMBER,
    Permission.VIEW_PLAN: _WORKERS,
    Permission.EDIT_PLAN: frozenset({Role.LEAD}),
    # Admins too, but only into a plan with no milestones yet (onboarding): see may_import_plan.
    Permission.IMPORT_PLAN: frozenset({Role.LEAD}),
    Permission.PROPOSE_CHANGE: frozenset({Role.OWNER, Role.LEAD}),
    # Sponsors decide only what a lead proposed (segregation of duties): see can_decide_proposal.
    Permission.DECIDE_PROPOSAL: frozenset({Role.LEAD, Role.SPONSOR}),
    Permission.VIEW_EVIDENCE: _EVERY_MEMBER,
    Permission.VIEW_RISKS: _WORKERS,
    Permission.MANAGE_RISKS: frozenset({Role.LEAD}),
    Permission.VIEW_LIVE_REPORT: _WORKERS,
    Permission.WRITE_REPORT: frozenset({Role.LEAD}),
    Permission.SIGN_OFF_REPORT: frozenset({Role.SPONSOR}),
    Permission.VIEW_SIGNED_REPORT: _EVERY_MEMBER,
    Permission.VIEW_AUDIT: frozenset({Role.LEAD}),
    Permission.ADMINISTER: frozenset(),
}

# Admins run the service and read everything, but take no part in the plan's decisions.
ADMIN_PERMISSIONS = frozenset(
    {
        Permission.SIGNED_IN,
        Permission.VIEW_PLAN,
        Permission.VIEW_RISKS,
        Permission.VIEW_LIVE_REPORT,
        Permission.VIEW_SIGNED_REPORT,
        Permission.VIEW_AUDIT,
        Permission.ADMINISTER,
        Permission.IMPORT_PLAN,
    }
)


def can(roles: Iterable[Role], permission: Permission, *, is_admin: bool = False) -> bool:
    """True if someone holding ``roles`` in a workstream (or an admin) has ``permission`` there."""
    if is_admin and permission in ADMIN_PERMISSIONS:
        return True
    allowed = POLICY[permission]
    return any(Role(r) in allowed for r in roles)


def can_anywhere(roles_by_workstream: Iterable[Iterable[Role]], permission: Permission, *, is_admin: bool) -> bool:
    """True if the permission is held in at least one workstream; routes check the object afterwards."""
    if permission is Permission.SIGNED_IN:
        return True
    return can((), permission, is_admin=is_admin) or any(can(roles, permission) for roles in roles_by_workstream)


def can_decide_proposal(
    actor_id: int, actor_roles: Iterable[Role], proposer_id: int, proposer_roles: Iterable[Role]
) -> bool:
    """Segregation of duties: nobody decides their own proposal.

    A lead decides proposals of others in the workstream. When the proposer is a lead, another lead or the
    workstream's sponsor decides.
    """
    if actor_id == proposer_id:
        return False
    actor_roles = {Role(r) for r in actor_roles}
    if Role.LEAD in actor_roles:
        return True
    return Role.SPONSOR in actor_roles and Role.LEAD in {Role(r) for r in proposer_roles}


def may_import_plan(roles: Iterable[Role], *, is_admin: bool, plan_is_empty: bool) -> bool:
    """A lead imports into their own workstream; an admin onboards: creates a workstream and imports its plan, so
    imports only into a workstream that has no milestones yet (later changes are the lead's, through the plan)."""
    if Role.LEAD in {Role(r) for r in roles}:
        return True
    return is_admin and plan_is_empty
