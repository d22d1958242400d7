from flask import Blueprint

from app.domain.reports import rag_status_label
from app.services.report_model import narrative_blocks, report_state_label

bp = Blueprint("reports", __name__)
bp.add_app_template_global(narrative_blocks, "narrative_blocks")
bp.add_app_template_global(rag_status_label, "rag_status_label")
bp.add_app_template_global(report_state_label, "report_state_label")

from app.reports import routes  # noqa: E402,F401
