"""The one view-model of a highlight report, and everything that makes it. Every output (HTML, print, Word, PDF,
JSON) is made from a ``ReportModel``.

- ``model``: the view-model itself, plain immutable values;
- ``live``: building it from the plan as at a date (a live view, or a draft);
- ``document``: the JSON contract, and the document (contract + presentation) stored at submission, both ways;
- ``integrity``: a stored snapshot read only after its hash check;
- ``snapshots``: the frozen document of a submitted or signed-off report, hash-checked on every read;
- ``board_pack``: one meeting's signed-off reports behind their cover.

The names below are this package's interface.
"""

from app.services.report_model.board_pack import BoardPack, BoardPackEntry, build_board_pack
from app.services.report_model.document import canonical_json, from_document, sha256_of, to_contract, to_document
from app.services.report_model.integrity import SnapshotIntegrityError, verified_body, verified_document
from app.services.report_model.live import (
    ReportExtras,
    build_live,
    draft_as_of,
    load_report,
    previous_rag_for,
    previous_rag_query,
    submission_as_of,
)
from app.services.report_model.model import (
    LIVE,
    NARRATIVE_FIELDS,
    ChangeLine,
    DecisionLine,
    MilestoneLine,
    Period,
    RagPart,
    ReportModel,
    RiskLine,
    SectionPart,
    Signature,
    SignedOff,
    narrative_blocks,
    report_state_label,
)
from app.services.report_model.snapshots import (
    build_for_report,
    document_for_submission,
    from_snapshot,
    latest_snapshot,
)

__all__ = [
    "LIVE",
    "NARRATIVE_FIELDS",
    "BoardPack",
    "BoardPackEntry",
    "ChangeLine",
    "DecisionLine",
    "MilestoneLine",
    "Period",
    "RagPart",
    "ReportExtras",
    "ReportModel",
    "RiskLine",
    "SectionPart",
    "Signature",
    "SignedOff",
    "SnapshotIntegrityError",
    "build_board_pack",
    "build_for_report",
    "build_live",
    "canonical_json",
    "document_for_submission",
    "draft_as_of",
    "from_document",
    "from_snapshot",
    "latest_snapshot",
    "load_report",
    "narrative_blocks",
    "previous_rag_for",
    "previous_rag_query",
    "report_state_label",
    "sha256_of",
    "submission_as_of",
    "to_contract",
    "to_document",
    "verified_body",
    "verified_document",
]
