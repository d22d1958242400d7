"""A stand-in for clamd that speaks its INSTREAM protocol, for the virus-scan tests.

It listens on a unix socket or on loopback, reads ``zINSTREAM\\0`` or ``nINSTREAM\\n``, then chunks of
<4-byte big-endian length><bytes> until a zero length, and answers as clamd does: ``stream: OK``, or
``stream: <signature> FOUND`` when the stream holds the EICAR test string. ``answer`` can force another reply
(an ERROR line, the size-limit error). Each stream it scanned is kept in ``received``.
"""

from __future__ import annotations

import os
import socket
import socketserver
import struct
import threading

EICAR_SIGNATURE = "Eicar-Test-Signature"
_EICAR = rb"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        stub: ClamdStub = self.server.stub  # type: ignore[attr-defined]
        command = self._read_command()
        if command == b"PING":
            self.wfile.write(b"PONG\n")
            return
        if command != b"INSTREAM":
            self.wfile.write(command + b": Unknown command ERROR\n")
            return
        received = bytearray()
        while True:
            header = self.rfile.read(4)
            if len(header) < 4:
                return
            (size,) = struct.unpack(">I", header)
            if size == 0:
                break
            received += self.rfile.read(size)
        stub.received.append(bytes(received))
        if stub.answer is not None:
            reply = stub.answer
        elif _EICAR in received:
            reply = f"stream: {EICAR_SIGNATURE} FOUND"
        else:
            reply = "stream: OK"
        self.wfile.write(reply.encode() + (b"\0" if stub.null_terminated else b"\n"))

    def _read_command(self) -> bytes:
        prefix = self.rfile.read(1)
        self.server.stub.null_terminated = prefix == b"z"  # type: ignore[attr-defined]
        end = b"\0" if prefix == b"z" else b"\n"
        command = bytearray()
        while (byte := self.rfile.read(1)) not in (end, b""):
            command += byte
        return bytes(command)


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ClamdStub:
    """``with ClamdStub(path=...)`` (unix socket) or ``with ClamdStub()`` (127.0.0.1, a free port)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.received: list[bytes] = []
        self.answer: str | None = None
        self.null_terminated = False
        if path:
            self._server = _UnixServer(path, _Handler)
            self.address = path
        else:
            self._server = _TcpServer(("127.0.0.1", 0), _Handler)
            self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self._server.stub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ClamdStub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self.path and os.path.exists(self.path):
            os.unlink(self.path)


def closed_tcp_address() -> str:
    """A loopback address where nothing listens (a port bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"127.0.0.1:{port}"
