from flask import render_template
from flask_login import current_user

from app.dashboard import bp
from app.domain.permissions import Permission
from app.extensions import db
from app.services.dashboard import build_dashboard
from app.services.proposals import describe
from app.web.dates import today
from app.web.permissions import permission_required, public


@bp.route("/")
@permission_required(Permission.SIGNED_IN)
def index():
    dashboard = build_dashboard(db.session, current_user, today())
    return render_template("dashboard/index.html", dashboard=dashboard, today=today(), describe=describe)


@bp.route("/health")
@public
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
