"""The report as a document: the JSON contract, and the contract plus ``presentation`` (what the paper shows beyond
the contract: titles, periods, the introduction, date labels such as "March 2021"), from which a submitted or
signed-off report renders again without live data. Both directions read the field lists below, declared once.

A stored document never changes (it is hashed and signed), so reading one written before a field existed gives the
field its default: documents from every earlier version of Highlight still open.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, dataclass, fields
from datetime import UTC, date, datetime

from app.domain.rag import MilestoneStatus, has_plan, status_text
from app.domain.rag_scale import Rag
from app.services.report_model.model import (
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
)


@dataclass(frozen=True)
class LineFields:
    """How one kind of line is written: its contract fields (attribute name = JSON key), which of them are dates,
    and its presentation labels (key in ``presentation`` → attribute), kept by the line's reference."""

    contract: tuple[str, ...]
    dates: frozenset[str] = frozenset()
    labels: tuple[tuple[str, str], ...] = ()


MILESTONE_FIELDS = LineFields(
    contract=(
        "reference",
        "milestone",
        "owner",
        "due",
        "revised_due",
        "completed_on",
        "status",
        "status_text",
        "rag",
        "comments",
    ),
    dates=frozenset({"due", "revised_due", "completed_on"}),
    labels=(
        ("due", "due_label"),
        ("revised_due", "revised_due_label"),
        ("completed_on", "completed_on_label"),
        ("label", "label"),
        ("recorded_at_import", "recorded_at_import"),
    ),
)
RISK_FIELDS = LineFields(
    contract=(
        "reference",
        "risk",
        "likelihood",
        "impact",
        "score",
        "rating",
        "mitigation",
        "mitigation_date",
        "status",
    ),
    dates=frozenset({"mitigation_date"}),
    labels=(("mitigation_date", "mitigation_date_label"),),
)
CHANGE_FIELDS = LineFields(contract=("kind", "reference", "text"))
DECISION_FIELDS = LineFields(contract=("text", "outcome"))
SECTION_TEXT_FIELDS = ("number", "title", *NARRATIVE_FIELDS)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _write(line, spec: LineFields) -> dict:
    return {name: _iso(getattr(line, name)) if name in spec.dates else getattr(line, name) for name in spec.contract}


def _labels(line, spec: LineFields) -> dict:
    return {key: getattr(line, attribute) for key, attribute in spec.labels}


def _read(cls, data: dict, spec: LineFields, labels: dict | None = None):
    """A line from its contract fields (and presentation labels); a field the document lacks takes the class's
    default, and raises KeyError if it has none."""
    values = {name: _date(data[name]) if name in spec.dates else data[name] for name in spec.contract if name in data}
    if labels is not None:
        values |= {attribute: labels[key] for key, attribute in spec.labels if key in labels}
    names = spec.contract + tuple(attribute for _, attribute in spec.labels)
    missing = [name for name in names if name not in values and not _has_default(cls, name)]
    if missing:
        raise KeyError(missing[0])
    return cls(**values)


def _has_default(cls, name: str) -> bool:
    if hasattr(cls, "_field_defaults"):  # a named tuple
        return name in cls._field_defaults
    return any(f.name == name and f.default is not MISSING for f in fields(cls))


def to_contract(model: ReportModel) -> dict:
    """The report JSON contract, exactly its fields."""
    return {
        "workstream": {"name": model.workstream, "sponsor": model.sponsor, "lead": model.lead},
        "meeting": {"name": model.meeting_name, "date": _iso(model.meeting_date)} if model.meeting_name else None,
        "as_of": model.as_of.isoformat(),
        "state": model.state,
        "rag": {
            "computed": model.rag.computed,
            "reported": model.rag.reported,
            "previous": model.rag.previous,
            "reason": model.rag.reason,
            "reasons": list(model.rag.reasons),
        },
        "sections": [
            {
                **{name: getattr(s, name) for name in SECTION_TEXT_FIELDS},
                "milestones": [_write(m, MILESTONE_FIELDS) for m in s.milestones],
            }
            for s in model.sections
        ],
        "risks": [_write(r, RISK_FIELDS) for r in model.risks],
        "changes_since_last": [_write(c, CHANGE_FIELDS) for c in model.changes_since_last],
        "decisions_needed": [_write(d, DECISION_FIELDS) for d in model.decisions_needed],
        "signed_off": (
            {"by": model.signed_off.by, "at": _timestamp(model.signed_off.at), "sha256": model.signed_off.sha256}
            if model.signed_off
            else None
        ),
    }


def to_document(model: ReportModel) -> dict:
    """The contract plus ``presentation``: everything needed to render the paper again without live data."""
    document = to_contract(model)
    document["presentation"] = {
        "programme": model.programme,
        "council": model.council,
        "title": model.title,
        "completed_by": model.completed_by,
        "introduction": model.introduction,
        "period": {"from": model.period.start, "to": model.period.end},
        "next_period": {"from": model.next_period.start, "to": model.next_period.end},
        "override_justification": model.rag.override_justification,
        "submitted": ({"by": model.submitted.by, "at": _timestamp(model.submitted.at)} if model.submitted else None),
        "milestones": {m.reference: _labels(m, MILESTONE_FIELDS) for m in model.milestones},
        "risks": {r.reference: _labels(r, RISK_FIELDS) for r in model.risks},
    }
    return document


def _milestone(data: dict, labels: dict) -> MilestoneLine:
    line = _read(MilestoneLine, data, MILESTONE_FIELDS, labels)
    # A row's status and RAG are words of the rules' own scales, as live rows' are (the paper shades a cell by its
    # RAG): an unknown one raises ValueError.
    MilestoneStatus(line.status)
    if line.rag is not None:
        Rag(line.rag)
    # Documents stored before the Status column existed: its words come from the same rule as live ones.
    return line if line.status_text else line._replace(status_text=status_text(line.status, line.label))


def from_document(document: dict, *, report_id: int | None = None) -> ReportModel:
    """Rebuild the view-model from a stored document. Raises KeyError or ValueError for a malformed one."""
    presentation = document["presentation"]
    sections = tuple(
        SectionPart(
            **{name: s[name] for name in SECTION_TEXT_FIELDS},
            milestones=tuple(_milestone(m, presentation["milestones"][m["reference"]]) for m in s["milestones"]),
        )
        for s in document["sections"]
    )
    risks = tuple(_read(RiskLine, r, RISK_FIELDS, presentation["risks"][r["reference"]]) for r in document["risks"])
    rag = document["rag"]
    meeting = document["meeting"]
    submitted = presentation["submitted"]
    signed = document["signed_off"]
    return ReportModel(
        programme=presentation["programme"],
        council=presentation["council"],
        workstream=document["workstream"]["name"],
        title=presentation["title"],
        sponsor=document["workstream"]["sponsor"],
        lead=document["workstream"]["lead"],
        meeting_name=meeting["name"] if meeting else None,
        meeting_date=_date(meeting["date"]) if meeting else None,
        as_of=date.fromisoformat(document["as_of"]),
        state=document["state"],
        rag=RagPart(
            computed=rag["computed"],
            reported=rag["reported"],
            previous=rag["previous"],
            reason=rag["reason"],
            reasons=tuple(rag["reasons"]),
            override_justification=presentation["override_justification"],
            planned=has_plan(m.status for s in sections for m in s.milestones),
        ),
        completed_by=presentation["completed_by"],
        introduction=presentation["introduction"],
        period=Period(presentation["period"]["from"], presentation["period"]["to"]),
        next_period=Period(presentation["next_period"]["from"], presentation["next_period"]["to"]),
        sections=sections,
        risks=risks,
        changes_since_last=tuple(_read(ChangeLine, c, CHANGE_FIELDS) for c in document.get("changes_since_last", ())),
        decisions_needed=tuple(_read(DecisionLine, d, DECISION_FIELDS) for d in document.get("decisions_needed", ())),
        submitted=Signature(submitted["by"], datetime.fromisoformat(submitted["at"])) if submitted else None,
        signed_off=SignedOff(signed["by"], datetime.fromisoformat(signed["at"]), signed["sha256"]) if signed else None,
        report_id=report_id,
    )


def canonical_json(document: dict) -> str:
    """The one serialisation that is hashed and stored: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
