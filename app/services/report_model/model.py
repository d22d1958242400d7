"""The one view-model of a highlight report: plain, immutable values that every output (HTML, print, Word, PDF,
JSON) is made from. Nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from app.domain.dates import format_plan_date
from app.domain.paper import paper_statement
from app.domain.rag import shows_no_plan
from app.domain.reports import ReportState, rag_status_label
from app.domain.risk import RED_RISK_NOTE, Likelihood, guidance_grid

LIVE = "live"
NARRATIVE_FIELDS = ("barriers", "action_required", "progress", "next_activity")


class MilestoneLine(NamedTuple):
    """One milestone row of the report. Immutable like the rest of the model; a named tuple because a report
    makes hundreds of them and a frozen dataclass costs several times as much to build."""

    reference: str
    milestone: str
    owner: str | None
    due: date
    due_label: str
    revised_due: date | None
    revised_due_label: str
    completed_on: date | None
    completed_on_label: str
    status: str  # open | awaiting_approval | complete | removed
    rag: str | None  # red | amber | green, or None for complete and removed rows (live and read back alike)
    label: str  # the RAG rule's label: "Overdue", "Slipped", "Complete (late)"...
    comments: str
    status_text: str = ""  # the Status column's words: Complete, On track, Due soon, Slipped, Overdue, ...
    recorded_at_import: bool = False  # complete by a completion recorded at import, with no evidence

    @property
    def actual_label(self) -> str:
        """The seed's "Actual/ Revised Date": the completion date when complete, else the revised date."""
        return self.completed_on_label if self.status == "complete" else self.revised_due_label


@dataclass(frozen=True)
class SectionPart:
    number: int
    title: str
    barriers: str
    action_required: str
    progress: str
    next_activity: str
    milestones: tuple[MilestoneLine, ...]


@dataclass(frozen=True)
class RiskLine:
    reference: str
    risk: str
    likelihood: str  # lower case
    impact: str
    score: int
    rating: str
    mitigation: str
    mitigation_date: date | None
    mitigation_date_label: str
    status: str  # open | closed


@dataclass(frozen=True)
class ChangeLine:
    """One change since the previous signed-off paper, computed from approved facts: ``kind`` is one of
    completed, date_changed, removed, rag_changed, risk_opened, risk_closed; ``reference`` names the milestone or
    risk (empty for the RAG)."""

    kind: str
    reference: str
    text: str


@dataclass(frozen=True)
class DecisionLine:
    """A decision the lead asks of the board, and the board's answer once the lead records it (empty until then)."""

    text: str
    outcome: str = ""


@dataclass(frozen=True)
class RagPart:
    computed: str
    reported: str
    previous: str | None
    reason: str  # the lead's "Reason for RAG"
    reasons: tuple[str, ...]  # the computed RAG's reasons
    override_justification: str = ""
    planned: bool = True  # any milestone counts towards the RAG (app.domain.rag.has_plan); not stored, re-derived

    @property
    def overridden(self) -> bool:
        return self.reported != self.computed

    @property
    def reported_label(self) -> str:
        return rag_status_label(self.reported, planned=self.planned)

    @property
    def previous_label(self) -> str:
        return rag_status_label(self.previous)

    @property
    def computed_label(self) -> str:
        return rag_status_label(self.computed, planned=self.planned)

    @property
    def reported_shade(self) -> str:
        """The colour of the reported RAG's cell: its value, or "" where it reads "No plan yet"."""
        return "" if shows_no_plan(self.reported, self.planned) else self.reported

    @property
    def computed_shade(self) -> str:
        """The colour of the computed RAG: its value, or "" where it reads "No plan yet"."""
        return "" if shows_no_plan(self.computed, self.planned) else self.computed


@dataclass(frozen=True)
class Period:
    start: str  # labels as the paper shows them: "January 2021"
    end: str


@dataclass(frozen=True)
class Signature:
    by: str
    at: datetime


@dataclass(frozen=True)
class SignedOff(Signature):
    sha256: str


@dataclass(frozen=True)
class ReportModel:
    programme: str
    council: str
    workstream: str
    title: str
    sponsor: str | None
    lead: str | None
    meeting_name: str | None
    meeting_date: date | None
    as_of: date
    state: str
    rag: RagPart
    completed_by: str
    introduction: str
    period: Period
    next_period: Period
    sections: tuple[SectionPart, ...]
    risks: tuple[RiskLine, ...]
    submitted: Signature | None = None
    signed_off: SignedOff | None = None
    report_id: int | None = None
    changes_since_last: tuple[ChangeLine, ...] = ()
    decisions_needed: tuple[DecisionLine, ...] = ()

    @property
    def milestones(self) -> list[MilestoneLine]:
        return [m for s in self.sections for m in s.milestones]

    @property
    def heading(self) -> str:
        """ "Business Intelligence – Progress Report…" as the seed's header names the workstream."""
        return self.title or self.workstream

    @property
    def meeting_label(self) -> str:
        return format_plan_date(self.meeting_date, False) if self.meeting_date else ""

    @property
    def as_of_label(self) -> str:
        return format_plan_date(self.as_of, False)

    @property
    def state_label(self) -> str:
        return report_state_label(self.state)

    @property
    def statement(self) -> str:
        """What submitting or signing this paper states: "the 19 April 2021 report as Red (Off Track): …"."""
        return paper_statement(
            self.meeting_label,
            self.rag.reported,
            [r.rating for r in self.risks if r.status == "open"],
            [m.rag for m in self.milestones],
            planned=self.rag.planned,
        )

    @property
    def risk_guidance(self) -> list[tuple[str, list[tuple[str, int, str]]]]:
        """The seed's scoring guidance: per impact, (text, score, rating) for each likelihood, low to high."""
        return [
            (row[0].impact.label, [(cell.guidance, cell.score, cell.rating.value) for cell in row])
            for row in guidance_grid()
        ]

    @property
    def red_risk_note(self) -> str:
        return RED_RISK_NOTE

    @property
    def guidance_likelihoods(self) -> tuple[str, ...]:
        return tuple(likelihood.label for likelihood in Likelihood)


def report_state_label(state: str) -> str:
    """ "Live", "Draft", "Awaiting sign-off" or "Signed off"."""
    return "Live" if state == LIVE else ReportState(state).label


def narrative_blocks(text: str) -> list[tuple[str, list[str] | str]]:
    """Split narrative text into ("list", [items]) runs of "- " bullet lines and ("para", text) paragraphs."""
    blocks: list[tuple[str, list[str] | str]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(("- ", "• ", "* ")):
            item = line[2:].strip()
            if blocks and isinstance(items := blocks[-1][1], list):
                items.append(item)
            else:
                blocks.append(("list", [item]))
        else:
            blocks.append(("para", line))
    return blocks
