"""How an imported spreadsheet or paper is understood: column headings, sections, a milestone's status in words.

People keep plans in their own spreadsheets and papers, so the reader is forgiving where nothing is lost by it:
headings match whatever their case, spacing, punctuation and common wording ("Ref", "Due date", "Actual/ Revised
Date"); a section may be given by its title alone, its number then coming from its milestones' references; a
status or a comment may say that a milestone is complete or removed.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from app.domain.errors import DomainError
from app.domain.rag import Rag

# Canonical column → the headings that mean it, as ``heading_key`` gives them.
MILESTONE_HEADINGS: dict[str, tuple[str, ...]] = {
    "section": ("section", "section title", "section name", "section number", "theme"),
    "reference": (
        "reference",
        "ref",
        "ref no",
        "ref number",
        "reference no",
        "reference number",
        "action ref",
        "action reference",
        "milestone ref",
        "milestone reference",
    ),
    "milestone": ("milestone", "milestones", "key milestone", "milestone description", "action", "task"),
    "owner_email": (
        "owner email",
        "owner",
        "owner name",
        "action owner",
        "milestone owner",
        "owner e mail",
        "email",
        "responsible",
        "responsible officer",
    ),
    "due": ("due", "due date", "date due", "deadline", "target date", "original due date", "original date"),
    "revised_due": ("revised due", "revised date", "revised due date", "new date", "new due date", "revised deadline"),
    "completed_on": (
        "completed on",
        "completed",
        "completion date",
        "date completed",
        "actual date",
        "date of completion",
    ),
    # The seed's paper gives one column for both: the completion date when complete, else the revised date.
    "actual_or_revised": (
        "actual revised date",
        "actual or revised date",
        "actual revised",
        "actual date revised date",
    ),
    "comments": ("comments", "comment", "comments reason for delay", "reason for delay", "notes", "commentary"),
    "removed_reason": ("removed reason", "reason removed", "removal reason", "reason for removal"),
    "status": ("status", "milestone status", "state"),
}
RISK_HEADINGS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "ref", "risk reference", "risk ref", "risk id"),
    "risk": ("risk", "risks", "risk title", "title"),
    "description": ("description", "risk description", "details", "detail"),
    "likelihood": ("likelihood", "probability", "likelihood of occurrence"),
    "impact": ("impact", "severity"),
    "mitigation": ("mitigation", "mitigations", "mitigating actions", "mitigation actions"),
    "mitigation_date": ("mitigation date", "date for mitigation", "mitigation due date", "date of mitigation"),
    "owner_email": ("owner email", "owner", "risk owner", "owner name"),
    "status": ("status", "open closed", "state"),
    # Worked out again from likelihood and impact, so read and ignored.
    "score": ("score", "risk score"),
    "rating": ("rating", "risk rating", "rag"),
}

_PARENTHESES = re.compile(r"\([^)]*\)")
_SEPARATORS = re.compile(r"[\s_/\\\-–.:*?#]+")


def heading_key(text: object) -> str:
    """A heading reduced to its words: ``"Actual/ Revised Date*"`` → ``"actual revised date"``; text in
    parentheses is dropped (``"Risks (For escalation/ oversight only)"`` → ``"risks"``)."""
    words = _SEPARATORS.sub(" ", _PARENTHESES.sub(" ", str(text or "").replace("&", " and ").lower()))
    return " ".join(words.split())


def match_heading(text: object, headings: dict[str, tuple[str, ...]]) -> str | None:
    """The canonical column a heading means, or None. Case, spaces, underscores and punctuation do not matter."""
    key = heading_key(text)
    if not key:
        return None
    for column, names in headings.items():
        if key == column.replace("_", " ") or key in names:
            return column
    return None


# Sections ---------------------------------------------------------------------------------------------------

# "1", "1." or "1. Title"; a title cannot start with a digit, so a reference such as 1.4 is refused.
_SECTION = re.compile(r"(\d{1,3})\s*[.):\-–]?\s*([^\d\s.):\-–].*)?", re.S)


def parse_section(text: str | date | None) -> tuple[int | None, str]:
    """A section cell as (number, title): ``"1. Front door"`` → (1, "Front door"), ``"2"`` → (2, ""), and a title
    alone ``"Edge of care"`` → (None, "Edge of care"); ("", None) for a blank.

    Raises DomainError(field="section") for text that starts with a number but is not a section ("1.4").
    """
    text = " ".join(str(text or "").split())
    if not text:
        return None, ""
    if not text[0].isdigit():
        return None, text
    match = _SECTION.fullmatch(text)
    if not match or not 1 <= int(match.group(1)) <= 999:
        raise DomainError(
            'Enter the section number, optionally with its title, like "1. Feedback", or its title alone',
            field="section",
        )
    return int(match.group(1)), " ".join((match.group(2) or "").split())


def reference_section(reference: str) -> int | None:
    """The section a dotted reference names by its first part (``"3.4"`` → 3); None for an undotted one."""
    first, dot, _ = reference.partition(".")
    return int(first) if dot and first.isdigit() else None


def number_new_sections(titles_in_order: list[str], taken: set[int]) -> dict[str, int]:
    """Numbers for sections given by title alone whose references do not say: the next free numbers, in the
    order the titles first appear."""
    numbers, candidate = {}, 1
    for title in titles_in_order:
        while candidate in taken:
            candidate += 1
        numbers[title] = candidate
        taken = taken | {candidate}
    return numbers


# A milestone's state in words -------------------------------------------------------------------------------


class StatedState(StrEnum):
    OPEN = "open"
    COMPLETE = "complete"
    REMOVED = "removed"


def stated_state(text: str) -> StatedState | None:
    """What a Status cell says: ``"Complete"``, ``"Complete (late)"``, ``"Done"`` → complete; ``"Removed"`` →
    removed; any other word (On track, Overdue, Slipped, Awaiting approval…) → open; None for a blank."""
    key = heading_key(text)
    if not key:
        return None
    if key.startswith(("complete", "done", "closed", "achieved")):
        return StatedState.COMPLETE
    if key.startswith(("removed", "withdrawn", "cancelled", "deleted")):
        return StatedState.REMOVED
    return StatedState.OPEN


# Comments that say so, as the seed's do: "Action completed on time.", "Completed. Further work…", "Log has been
# completed.", "…so the action is recorded as complete." Not "to be completed", "can be recorded as complete",
# "on track for completion", which say the opposite.
_SAYS_COMPLETE = re.compile(
    r"^\W*(the\s+)?(action\s+|milestone\s+)?(completed?|done)\b"
    r"|\b(has|have)\s+been\s+completed\b"
    r"|\b(is|was)\s+(now\s+)?(recorded\s+as\s+)?completed?\b",
    re.I,
)
_SAYS_REMOVED = re.compile(r"^\W*(the\s+)?(action|milestone)\s+(has\s+been\s+|was\s+)?removed\b", re.I)


def state_from_comments(comments: str) -> StatedState:
    """For a paper without a Status column: complete or removed when the comments say so, else open."""
    if _SAYS_REMOVED.search(comments or ""):
        return StatedState.REMOVED
    if _SAYS_COMPLETE.search(comments or ""):
        return StatedState.COMPLETE
    return StatedState.OPEN


def stated_rag(text: str) -> Rag | None:
    """A paper's RAG status as its first word says it: "Amber (At Risk)" → amber; "N/A" or blank → None.

    Raises DomainError for anything else.
    """
    key = heading_key(text)
    if key in ("", "n a", "na", "none", "not applicable"):
        return None
    try:
        return Rag(key.split()[0])
    except ValueError:
        raise DomainError(f'Enter Red, Amber or Green, not "{" ".join(text.split())}"', field="rag") from None
