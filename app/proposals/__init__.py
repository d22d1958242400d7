from flask import Blueprint

from app.domain.evidence import format_size

bp = Blueprint("proposals", __name__)
bp.add_app_template_filter(format_size, "evidence_size")

from app.proposals import routes  # noqa: E402,F401
