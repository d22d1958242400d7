"""Who may use each report route on workstream A's objects (its report in tests/world.py is a draft)."""

from tests.roles import ADMIN, LEAD, MEMBERS, SIGNED_IN, SPONSOR, WORKERS

READ_DRAFT = WORKERS | {ADMIN}

EXPECTED = {
    "reports.index": SIGNED_IN,
    "reports.workstream": MEMBERS | {ADMIN},
    "reports.new": {LEAD},
    "reports.detail": READ_DRAFT,
    "reports.edit": {LEAD},
    "reports.autosave": {LEAD},
    "reports.add_decision": {LEAD},
    "reports.save_decision": {LEAD},
    "reports.submit": {LEAD},
    "reports.withdraw": {LEAD},
    "reports.return_report": {SPONSOR},
    "reports.sign_off": {SPONSOR},
    "reports.print_layout": READ_DRAFT,
    "reports.download_docx": READ_DRAFT,
    "reports.download_pdf": READ_DRAFT,
    "reports.report_json": READ_DRAFT,
    "reports.snapshot_json": READ_DRAFT,
    "reports.live_json": READ_DRAFT,
    # Every member of the programme's workstreams reads the pack: outsider leads workstream B of it.
    "reports.board_pack": SIGNED_IN,
    "reports.board_pack_pdf": SIGNED_IN,
    "reports.board_pack_docx": SIGNED_IN,
}
