"""Values every template sees."""

from flask import current_app
from flask_login import current_user

from app.domain.permissions import Permission


def template_context() -> dict:
    context = {"council_name": current_app.config.get("COUNCIL_NAME"), "Permission": Permission}
    if current_user.is_authenticated:
        from app.services.notifications import unread_count
        from app.services.proposals_queue import pending_decisions_count

        context["pending_decisions_count"] = pending_decisions_count(current_user)
        context["unread_notifications_count"] = unread_count(current_user)
    return context
