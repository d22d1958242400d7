"""An S3-compatible server on loopback (moto's), a new bucket on it for each test, and a store in trouble: a
loopback address in front of that server that refuses connections, errs, refuses the credentials, hangs or cuts a
body short when told to."""

import http.client
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import boto3
import pytest
from moto.server import ThreadedMotoServer


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3-compatible server on a free loopback port, for this test process."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    """A new, empty bucket on that server, reached with credentials from the standard AWS variables."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "highlight-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "highlight-test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    name = f"kept-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return client, name


# What a store in trouble answers instead of passing a request on: the status and the S3 error code.
ANSWERS = {"500": (500, "InternalError"), "AccessDenied": (403, "AccessDenied")}
# Headers that belong to one hop, not passed on.
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "expect", "content-length"}


class StoreProxy:
    """A loopback address passing requests on to the S3 server, or failing them as ``fault`` says: "refused"
    (nothing listens on the port), "500", "AccessDenied", "hangs" (no answer for a few seconds) or "cut short" (an
    object's body ends half way through). ``methods`` limits the fault to those HTTP methods (None: every one).
    ``requests`` counts the requests that reached it."""

    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.methods: set[str] | None = None
        self.requests = 0
        self.released = threading.Event()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._server: ThreadingHTTPServer | None = None
        self._fault: str | None = None
        self._listen()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def fault(self) -> str | None:
        return self._fault

    @fault.setter
    def fault(self, fault: str | None) -> None:
        """Set the fault; "refused" stops listening, anything else listens again on the same port."""
        self._fault = fault
        if fault == "hangs":
            self.released.clear()
        else:
            self.released.set()  # the requests left hanging end
        if fault == "refused":
            self.close()
        elif self._server is None:
            self._listen()

    def faulty(self, method: str) -> str | None:
        return self._fault if self.methods is None or method in self.methods else None

    def _listen(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            self.released.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _Handler(BaseHTTPRequestHandler):
    """Passes one request on (or fails it) and closes the connection: a client keeps none open to a store that is
    later made to refuse connections."""

    protocol_version = "HTTP/1.1"  # answers "Expect: 100-continue" on puts

    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass

    def _any(self) -> None:
        proxy: StoreProxy = self.server.proxy  # type: ignore[attr-defined]
        proxy.requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = proxy.faulty(self.command)
        if fault == "hangs":
            proxy.released.wait(5)
            self.close_connection = True
            return
        if fault in ANSWERS:
            status, code = ANSWERS[fault]
            error = f"<Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()
            self._answer(status, {"Content-Type": "application/xml"}, error)
            return
        upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=10)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_HEADERS}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        passed = {name: value for name, value in answer.getheaders() if name.lower() not in HOP_HEADERS}
        if self.command == "HEAD":
            passed["Content-Length"] = answer.getheader("Content-Length", "0")
        if fault == "cut short" and self.command == "GET" and answer.status == 200:
            self.send_response(200)
            for name, value in passed.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            return
        self._answer(answer.status, passed, data)

    def _answer(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _any


@pytest.fixture
def store_proxy(s3_endpoint):
    """The S3 server behind a proxy that fails when told to (``store_proxy.fault = "refused"``...)."""
    proxy = StoreProxy(s3_endpoint)
    yield proxy
    proxy.close()
