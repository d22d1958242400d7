"""Background jobs: a board pack's states and what its page says about them, when a pack may be asked for again,
and which job states the admins' page lists."""

from datetime import datetime, timedelta
from enum import StrEnum


class PackState(StrEnum):
    QUEUED = "queued"
    DRAWING = "drawing"
    READY = "ready"
    FAILED = "failed"


# A pack still queued or drawing after this long is taken as lost (its job died with its process): ask again.
PACK_STALE_AFTER = timedelta(minutes=30)
# The queue's job states an admin sees, in the order shown (procrastinate's names).
LISTED_JOB_STATES = ("todo", "doing", "failed")
JOB_STATE_LABELS = {"todo": "Queued", "doing": "Running", "failed": "Failed"}


def pack_progress(state: str, drawn: int, total: int) -> str:
    """The pack's progress in words, for its page."""
    if state == PackState.QUEUED:
        return "Waiting to start."
    if state == PackState.DRAWING:
        if total == 0:
            return "Drawing the cover and contents."
        if drawn >= total:
            return f"All {total} papers drawn; joining the pack."
        return f"Drawing papers: {drawn} of {total} done."
    if state == PackState.READY:
        return "Ready."
    return "Drawing the pack failed."


def may_request_again(state: str | None, requested_at: datetime | None, now: datetime) -> bool:
    """Whether a pack may be asked for (again): never asked, failed, or lost (queued or drawing for too long)."""
    if state is None or state == PackState.FAILED:
        return True
    if state == PackState.READY:
        return False
    return requested_at is not None and now - requested_at > PACK_STALE_AFTER


def is_in_progress(state: str | None) -> bool:
    return state in (PackState.QUEUED, PackState.DRAWING)
