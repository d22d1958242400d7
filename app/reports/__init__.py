from flask import Blueprint

from app.domain.reports import rag_status_label
from app.exports import paper
from app.services.report_model import narrative_blocks, report_state_label

bp = Blueprint("reports", __name__)
bp.add_app_template_global(narrative_blocks, "narrative_blocks")
bp.add_app_template_global(rag_status_label, "rag_status_label")
bp.add_app_template_global(report_state_label, "report_state_label")
# What the paper says about itself, in the words every rendering shares.
bp.add_app_template_global(paper.unsigned_mark, "unsigned_mark")
bp.add_app_template_global(paper.state_note, "paper_state_note")
bp.add_app_template_global(paper.verification, "paper_verification")
bp.add_app_template_global(paper.as_at, "paper_as_at")
bp.add_app_template_global(paper.travel, "pack_travel")
bp.add_app_template_global(paper.paper_state, "pack_paper_state")

from app.reports import routes  # noqa: E402,F401
