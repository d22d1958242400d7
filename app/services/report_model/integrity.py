"""A stored snapshot is served only if its body still matches the sha256 taken when it was stored; its text is read
``printable`` (app.domain.text)."""

from __future__ import annotations

import json
import logging
import re

from app.domain.text import printable
from app.models import ReportSnapshot
from app.services.report_model.document import sha256_of

log = logging.getLogger(__name__)


class SnapshotIntegrityError(Exception):
    """A stored snapshot's body no longer matches its sha256: it must not be served."""


def verified_body(snapshot: ReportSnapshot) -> str:
    """The snapshot's body after checking it against its sha256.

    Raises SnapshotIntegrityError (and logs it) on a mismatch: tampered content is never served.
    """
    body = snapshot.body
    actual = sha256_of(body)
    if actual != snapshot.sha256:
        log.error(
            "report snapshot %s (report %s, sequence %s) fails its hash check: stored sha256 %s, body hashes to %s",
            snapshot.id,
            snapshot.report_id,
            snapshot.sequence,
            snapshot.sha256,
            actual,
        )
        raise SnapshotIntegrityError(f"Report snapshot {snapshot.id} does not match its sha256")
    return body


# What a stored document's text may hold that ``printable`` removes: a \u escape, a \b or \f (or innocent text such
# as a backslash before a "b"), or a DEL, C1 or non-character written out as itself.
_MAYBE_UNPRINTABLE = re.compile(r"\\[ubf]|[\x7f-\x9f\ufffe\uffff]")


def printable_json(body: str):
    """The document ``body`` holds, every key and text in it ``printable``. A body with nothing that could need
    it (every document written since the rule) is read as it is."""
    if not _MAYBE_UNPRINTABLE.search(body):
        return json.loads(body)
    return json.loads(body, object_hook=_printable_object)


def _printable_object(document: dict) -> dict:
    return {
        printable(key): (
            printable(value)
            if isinstance(value, str)
            else [printable(v) if isinstance(v, str) else v for v in value]
            if isinstance(value, list)
            else value
        )
        for key, value in document.items()
    }


def verified_document(snapshot: ReportSnapshot) -> dict:
    """The document a snapshot holds, after its hash check, every text in it ``printable``.

    Raises SnapshotIntegrityError on a mismatch, ValueError if the body is not JSON.
    """
    return printable_json(verified_body(snapshot))
