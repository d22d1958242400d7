"""Where the bytes of kept Word and PDF files live: the interface, and the S3-compatible object store.

A kept file is recorded in the database (``kept_exports``: its key and the sha256 of its bytes) whichever store
holds the bytes. The default keeps them in that record, with a copy on each server's disk (``app.exports.cache``);
with ``EXPORT_STORE_URL=s3://bucket/prefix`` they live in the bucket instead, one object a file, and the record
holds no bytes. Either way a store hands back only bytes that match the recorded sha256: anything else is logged
and the caller draws the file again from the verified snapshot.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

# Content types the objects are stored with (the format's last part: "pdf", or "<settings digest>.pdf").
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Kept:
    """One kept file: its record's id, its key (renderer, signed snapshot, format) and its bytes' sha256."""

    id: int
    renderer: str
    snapshot_sha256: str
    format: str
    sha256: str


class KeptFiles(Protocol):
    """Where kept files' bytes live."""

    # Whether the bytes go in the database record (``kept_exports.content``).
    in_record: bool

    def read(self, kept: Kept, connection: Connection) -> bytes | None:
        """The file's bytes if they match ``kept.sha256``; else None (a mismatch logged), and it is drawn again."""
        ...

    def keep(self, kept: Kept, body: bytes, record: Callable[[], bytes]) -> bytes:
        """Keep a drawn file. ``record()`` records it in the database and returns the bytes now recorded for its
        key (``body``, or another server's if it recorded first); this returns the bytes kept."""
        ...

    def discard(self, kept: Kept) -> None:
        """Forget the bytes of a record that was replaced by another renderer's."""
        ...


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_url(url: str) -> tuple[str, str]:
    """The bucket and key prefix of ``s3://bucket/optional/prefix``; ValueError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"EXPORT_STORE_URL must read like s3://bucket/optional/prefix, not {url!r}")
    return parts.netloc, parts.path.strip("/")


class ObjectStore:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph...): each kept file is one object, named by the renderer, the
    signed snapshot's sha256 and the format, read back whole and checked against its record before it is served.
    Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role)."""

    in_record = False

    def __init__(self, url: str, endpoint: str = "", client=None):
        import boto3

        self.url = url
        self.bucket, self.prefix = parse_url(url)
        self.client = client or boto3.client("s3", endpoint_url=endpoint or None)

    def key(self, kept: Kept) -> str:
        name = f"{kept.renderer}/{kept.snapshot_sha256}.{kept.format}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def where(self, kept: Kept) -> str:
        return f"s3://{self.bucket}/{self.key(kept)}"

    def read(self, kept: Kept, connection: Connection) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            data = self.client.get_object(Bucket=self.bucket, Key=self.key(kept))["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
                raise
            log.warning("kept export %s is missing from the store: drawing it again", self.where(kept))
            return None
        if sha256(data) != kept.sha256:
            log.error(
                "kept export %s does not match its record (sha256 %s, the object's %s): not served; drawing it again",
                self.where(kept),
                kept.sha256,
                sha256(data),
            )
            return None
        return data

    def keep(self, kept: Kept, body: bytes, record: Callable[[], bytes]) -> bytes:
        # The object first, then its record: a record whose object is not there yet is never seen. Servers drawing
        # the same file at once write the same bytes (the same view-model draws the same file).
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.key(kept),
            Body=body,
            ContentType=CONTENT_TYPES.get(kept.format.rsplit(".", 1)[-1], "application/octet-stream"),
        )
        return record()

    def discard(self, kept: Kept) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(kept))
