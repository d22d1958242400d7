"""Which area of the service navigation a page belongs to, so that the highlighted tab says where you are."""

# The tabs, by name: app/templates' base.html draws them.
DASHBOARD, DECISIONS, NOTIFICATIONS, REPORTS, ADMIN = "dashboard", "decisions", "notifications", "reports", "admin"

# Pages whose area is not their blueprint's. A page not listed here or below (the plan, a milestone, the risk
# register, a proposal being made) is in no tab's area: none is highlighted.
_BY_ENDPOINT = {
    "proposals.queue": DECISIONS,
    "proposals.notifications": NOTIFICATIONS,
    "proposals.mine": DASHBOARD,
    "imports.new_workstream": ADMIN,
    "imports.new_workstream_preview": ADMIN,
    "imports.new_workstream_confirm": ADMIN,
}
_BY_BLUEPRINT = {"dashboard": DASHBOARD, "reports": REPORTS, "admin": ADMIN}


def area_of(endpoint: str | None) -> str | None:
    """The tab a page's endpoint belongs under, or None. A proposal's own page says its area itself (the decider's
    queue, or the proposer's dashboard), since that depends on who is reading it."""
    if not endpoint:
        return None
    if endpoint in _BY_ENDPOINT:
        return _BY_ENDPOINT[endpoint]
    return _BY_BLUEPRINT.get(endpoint.partition(".")[0])
