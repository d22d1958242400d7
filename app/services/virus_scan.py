"""The virus-scan hook: each evidence file streamed to clamd (ClamAV's daemon) before it is stored.

Switched on by the ``CLAMD_SOCKET`` setting: a unix socket path (``/run/clamav/clamd.ctl`` or
``unix:///run/clamav/clamd.ctl``) or ``host:port``. The file goes over clamd's INSTREAM command through
clamav-client. A file clamd flags is refused, and so is every file while clamd cannot be reached or answers
with an error: with the hook on, nothing is stored unscanned.
"""

from __future__ import annotations

import io
import logging
from typing import Protocol

from clamav_client.clamd import BufferTooLongError, ClamdError, ClamdNetworkSocket, ClamdUnixSocket

from app.domain.errors import DomainError
from app.domain.evidence import FILES_FIELD

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0


class Scanner(Protocol):
    def check(self, filename: str, data: bytes) -> None:
        """Return if ``data`` is clean; raise DomainError(field="files") naming ``filename`` otherwise."""


class ClamdScanner:
    """Streams a file to clamd with INSTREAM and reads its verdict."""

    def __init__(self, address: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.address = address
        self.timeout = timeout

    def _client(self) -> ClamdNetworkSocket:
        address = self.address.strip()
        if address.startswith("tcp://"):
            address = address.removeprefix("tcp://")
        elif address.startswith(("unix://", "/")) or ":" not in address:
            # clamav-client annotates this timeout as int but documents it as a float, for socket.settimeout.
            return ClamdUnixSocket(address, timeout=self.timeout)  # type: ignore[arg-type]
        host, _, port = address.rpartition(":")
        return ClamdNetworkSocket(host.strip("[]"), int(port), timeout=self.timeout)

    def check(self, filename: str, data: bytes) -> None:
        """Raises DomainError if clamd flags the file, refuses it, or cannot be reached."""
        try:
            result = self._client().instream(io.BytesIO(data))
        except BufferTooLongError as error:
            raise DomainError(
                f"{filename} is larger than the virus scanner accepts, so it cannot be checked", field=FILES_FIELD
            ) from error
        except (ClamdError, OSError, ValueError) as error:
            log.error("virus scanner at %s unavailable while checking %s: %s", self.address, filename, error)
            raise _unavailable(filename) from error
        status, signature = next(iter(result.values()), ("ERROR", None))
        if status == "FOUND":
            log.warning("virus scanner flagged %s: %s", filename, signature)
            raise DomainError(f"{filename} was refused by the virus scanner: it found {signature}", field=FILES_FIELD)
        if status != "OK":
            log.error("virus scanner at %s answered %s for %s: %s", self.address, status, filename, signature)
            raise _unavailable(filename)


def _unavailable(filename: str) -> DomainError:
    return DomainError(
        f"{filename} could not be checked for viruses because the virus scanner is not answering. "
        "Nothing was saved: try again later",
        field=FILES_FIELD,
    )


def scanner_for(setting: str | None, timeout: float = DEFAULT_TIMEOUT) -> Scanner | None:
    """The scanner the ``CLAMD_SOCKET`` setting names, or None when it is empty (no scanning)."""
    return ClamdScanner(setting, timeout) if setting and setting.strip() else None
