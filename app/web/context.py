"""Values every template sees."""

from flask import current_app, g
from flask_login import current_user

from app.domain.permissions import Permission


def template_context() -> dict:
    context = {"council_name": current_app.config.get("COUNCIL_NAME"), "Permission": Permission}
    if current_user.is_authenticated:
        context.update(_header_counts())
    return context


def _header_counts() -> dict:
    """The header's badges, counted once per request: every form widget renders a template of its own, and
    each render runs the context processors again."""
    if "header_counts" not in g:
        from app.services.notifications import unread_count
        from app.services.proposals_queue import pending_decisions_count

        g.header_counts = {
            "pending_decisions_count": pending_decisions_count(current_user),
            "unread_notifications_count": unread_count(current_user),
        }
    return g.header_counts
