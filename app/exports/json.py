"""The report JSON contract (docs/rules.md, "Contracts"), serialised canonically: sorted keys, no spaces, UTF-8."""

from app.services.report_model import ReportModel, canonical_json, to_contract


def render_json(model: ReportModel) -> str:
    """The contract's fields exactly, as canonical JSON text."""
    return canonical_json(to_contract(model))
