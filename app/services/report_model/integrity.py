"""A stored snapshot is served only if its body still matches the sha256 taken when it was stored."""

from __future__ import annotations

import logging

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
