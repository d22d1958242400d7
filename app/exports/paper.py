"""What the paper says about itself, in the same words in every rendering (report page, print HTML, PDF, Word):
whether it is signed, how a reader verifies a signed one, its running header, and the board pack's cover lines.

The words need an application context (the site's public address and the report's routes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app

from app.domain.dates import format_plan_date
from app.domain.rag import direction_of_travel
from app.domain.reports import ReportState
from app.services.notifications import absolute_url, app_path
from app.services.report_model import LIVE, BoardPackEntry, ReportModel

SHORT_HASH = 12  # hex characters of the sha256 printed on the paper

# Printed in large type on page 1 of an unsigned paper and across the top of every page.
UNSIGNED_MARKS = {
    LIVE: "DRAFT: LIVE VIEW, NOT SUBMITTED",
    ReportState.DRAFT.value: "DRAFT",
    ReportState.AWAITING_SIGN_OFF.value: "DRAFT: AWAITING SIGN-OFF",
}


def title(model: ReportModel) -> str:
    """The paper's title, as its heading and the board pack's contents name it."""
    return f"{model.workstream} highlight report"


def unsigned_mark(model: ReportModel) -> str | None:
    """The words an unsigned paper carries on page 1 and every page; None once it is signed off."""
    if model.signed_off is not None:
        return None
    return UNSIGNED_MARKS.get(model.state, UNSIGNED_MARKS[ReportState.DRAFT.value])


def as_at(model: ReportModel) -> str:
    """ "as at 19 April 2021": written beside every RAG the paper computes."""
    return f"as at {model.as_of_label}"


def state_note(model: ReportModel) -> str | None:
    """What an unsigned paper is, in a sentence; None once signed off."""
    if model.signed_off is not None:
        return None
    as_of = model.as_of_label
    if model.state == LIVE:
        return f"Live view as at {as_of}: not a submitted report."
    if model.state == ReportState.AWAITING_SIGN_OFF.value:
        by = f" by {model.submitted.by} on {format_plan_date(model.submitted.at, False)}" if model.submitted else ""
        return f"Submitted{by}, as at {as_of}: awaiting sign-off."
    return f"Draft as at {as_of}: not yet submitted for sign-off."


@dataclass(frozen=True)
class Verification:
    """A signed paper's statement of what it is and where a reader checks it."""

    signed: str  # "Signed off by Sam Sponsor on 14 April 2021"
    short_hash: str
    sha256: str
    page: str  # the report's page in Highlight (absolute when PUBLIC_URL is set)
    document: str  # the stored document the sha256 is of

    @property
    def segments(self) -> tuple[tuple[str, bool], ...]:
        """The verification sentence as (text, is_address) pieces, so each rendering can link the addresses."""
        return (
            (
                f"Snapshot sha256 {self.short_hash} (its first {SHORT_HASH} characters). To verify this paper, open "
                "the report's page in Highlight, ",
                False,
            ),
            (self.page, True),
            (
                ", which shows the full sha256: it is the SHA-256 of the report's document as stored when it was "
                "submitted, ",
                False,
            ),
            (self.document, True),
            (", which Highlight checks every time the report is read.", False),
        )

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.segments)


def verification(model: ReportModel) -> Verification | None:
    """The signed paper's verification statement; None unless it is signed off."""
    signed = model.signed_off
    if signed is None:
        return None
    page = document = ""
    if model.report_id is not None:
        page = _link("reports.detail", report_id=model.report_id)
        document = _link("reports.snapshot_json", report_id=model.report_id)
    return Verification(
        signed=f"Signed off by {signed.by} on {format_plan_date(signed.at, False)}",
        short_hash=signed.sha256[:SHORT_HASH],
        sha256=signed.sha256,
        page=page,
        document=document,
    )


def _link(endpoint: str, **values) -> str:
    """The route's address: absolute under PUBLIC_URL when it is set, else the path. Needs no request."""
    return absolute_url(app_path(endpoint, **values))


def kept_kind(extension: str, *settings: str) -> str:
    """The kind a signed-off report's rendered file is kept under (app.exports.cache): its extension, preceded by
    a digest of the settings the rendering reads besides the view-model (the public address its verification
    links start with, and any others given), so that changing one renders the file again."""
    values = [current_app.config.get("PUBLIC_URL") or "", *settings]
    if not any(values):
        return extension
    digest = hashlib.sha256("\n".join(values).encode("utf-8")).hexdigest()[:12]
    return f"{digest}.{extension}"


def running_header(model: ReportModel) -> str:
    """The header on every page: workstream, board, meeting date."""
    parts = [model.workstream]
    if model.meeting_name:
        parts.append(model.meeting_name)
    if model.meeting_label:
        parts.append(model.meeting_label)
    return " · ".join(parts)


def travel(entry: BoardPackEntry) -> str:
    """The cover's direction of travel for one workstream, in words."""
    if entry.current is None:
        return "No signed-off report"
    words = direction_of_travel(entry.previous, entry.current)
    return words[:1].upper() + words[1:]


def paper_state(entry: BoardPackEntry) -> str:
    """The cover's sign-off state of one workstream's paper."""
    if entry.model is not None and entry.model.signed_off is not None:
        return f"Signed off by {entry.model.signed_off.by} on {format_plan_date(entry.model.signed_off.at, False)}"
    if entry.state is None:
        return "No report started"
    return f"{ReportState(entry.state).label}: not in this pack"
