"""Where the bytes of kept Word and PDF files live: the interface, and the S3-compatible object store.

A kept file is recorded in the database (``kept_exports``: its key and the sha256 of its bytes) whichever store
holds the bytes. The default keeps them in that record, with a copy on each server's disk (``app.exports.cache``);
with ``EXPORT_STORE_URL=s3://bucket/prefix`` they live in the bucket instead, one object a file, and the record
holds no bytes. Either way a store hands back only bytes that match the recorded sha256: anything else is logged
and the caller draws the file again from the verified snapshot.

A bucket that cannot be reached (refused, timed out, not found by name), that errs or that refuses the app's
credentials raises ``StoreUnavailable`` from every call, after short timeouts and one retry: the caller then
serves the file drawn from the snapshot without keeping it (``app.exports.cache``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
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


class StoreUnavailable(Exception):
    """The object store could not do what was asked: it cannot be reached, timed out, erred or refused. The message
    names the operation, the object and the kind of failure, never the endpoint's address or credentials."""


class KeptFiles(Protocol):
    """Where kept files' bytes live."""

    # Whether the bytes go in the database record (``kept_exports.content``).
    in_record: bool

    def read(self, kept: Kept, connection: Connection) -> bytes | None:
        """The file's bytes if they match ``kept.sha256``; else None (a mismatch logged), and it is drawn again.
        StoreUnavailable if the store cannot be read."""
        ...

    def keep(self, kept: Kept, body: bytes, record: Callable[[], bytes]) -> bytes:
        """Keep a drawn file. ``record()`` records it in the database and returns the bytes now recorded for its
        key (``body``, or another server's if it recorded first); this returns the bytes kept. StoreUnavailable if
        the store cannot be written, and then nothing is recorded."""
        ...

    def discard(self, kept: Kept) -> None:
        """Forget the bytes of a record that was replaced by another renderer's (StoreUnavailable if it cannot)."""
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
    Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role).

    Each call gives up after ``connect_timeout`` seconds to connect or ``read_timeout`` seconds without an answer,
    tried ``attempts`` times in all, and raises StoreUnavailable: a store that is down costs a request seconds."""

    in_record = False

    def __init__(self, url: str, endpoint: str, connect_timeout: float, read_timeout: float, attempts: int):
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = parse_url(url)
        self.settings = (url, endpoint, connect_timeout, read_timeout, attempts)
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"mode": "standard", "total_max_attempts": attempts},
        )
        self.client = boto3.client("s3", endpoint_url=endpoint or None, config=config)

    @staticmethod
    def settings_from(config: Mapping) -> tuple[str, str, float, float, int]:
        """The arguments the app's settings give the store (EXPORT_STORE_*)."""
        return (
            config["EXPORT_STORE_URL"],
            config["EXPORT_STORE_ENDPOINT"],
            float(config["EXPORT_STORE_CONNECT_TIMEOUT"]),
            float(config["EXPORT_STORE_READ_TIMEOUT"]),
            int(config["EXPORT_STORE_ATTEMPTS"]),
        )

    def key(self, kept: Kept) -> str:
        name = f"{kept.renderer}/{kept.snapshot_sha256}.{kept.format}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def where(self, kept: Kept) -> str:
        return f"s3://{self.bucket}/{self.key(kept)}"

    @contextmanager
    def _calling(self, operation: str, where: str) -> Iterator[None]:
        """Turn the client's failures into StoreUnavailable, naming the operation, the object and the failure (a
        ClientError's code and status, or the kind of error) but never the error's own text, which may carry the
        endpoint's address."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as error:
            answer = error.response.get("Error", {})
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
            raise StoreUnavailable(
                f"{operation} {where} failed: the store answered {answer.get('Code', 'an error')} ({status})"
            ) from error
        except BotoCoreError as error:
            raise StoreUnavailable(f"{operation} {where} failed: {type(error).__name__}") from error

    def read(self, kept: Kept, connection: Connection) -> bytes | None:
        from botocore.exceptions import ClientError

        data = None
        with self._calling("GetObject", self.where(kept)):
            try:
                data = self.client.get_object(Bucket=self.bucket, Key=self.key(kept))["Body"].read()
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
                    raise
        if data is None:
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
        # The object first, then its record: a record whose object is not there yet is never seen, and a put that
        # fails records nothing. Servers drawing the same file at once write the same bytes (the same view-model
        # draws the same file).
        with self._calling("PutObject", self.where(kept)):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.key(kept),
                Body=body,
                ContentType=CONTENT_TYPES.get(kept.format.rsplit(".", 1)[-1], "application/octet-stream"),
            )
        return record()

    def discard(self, kept: Kept) -> None:
        with self._calling("DeleteObject", self.where(kept)):
            self.client.delete_object(Bucket=self.bucket, Key=self.key(kept))

    def check(self) -> None:
        """A HEAD of the bucket: StoreUnavailable unless it answers, and lets these credentials in."""
        with self._calling("HeadBucket", f"s3://{self.bucket}"):
            self.client.head_bucket(Bucket=self.bucket)
