"""Values every template sees."""

from functools import cache

from flask import current_app, g
from flask_login import current_user
from sqlalchemy import Select, select

from app.domain.permissions import Permission
from app.web.navigation import area_of


def template_context() -> dict:
    context = {"council_name": current_app.config.get("COUNCIL_NAME"), "Permission": Permission, "area_of": area_of}
    if current_user.is_authenticated:
        context.update(_header_counts())
    return context


@cache
def _header_counts_query() -> Select:
    """Both badges in one statement, built once: every signed-in page runs it."""
    from app.services.notifications import UNREAD_COUNT
    from app.services.proposals_queue import DECIDABLE_COUNT

    return select(DECIDABLE_COUNT, UNREAD_COUNT)


def _header_counts() -> dict:
    """The header's badges, counted once per request: every form widget renders a template of its own, and
    each render runs the context processors again."""
    if "header_counts" not in g:
        from app.extensions import db
        from app.services.proposals_queue import decidable_params

        decisions, unread = db.session.execute(_header_counts_query(), decidable_params(current_user)).one()
        g.header_counts = {"pending_decisions_count": decisions, "unread_notifications_count": unread}
    return g.header_counts
