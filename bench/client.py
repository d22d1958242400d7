"""HTTP for the benchmark runner: single requests (sign-in, probes, exports) and a bounded POST load.

The approve load is a list of POSTs, each sent exactly once. wrk cannot end such a run cleanly against gunicorn's
sync workers: a connection with nothing left to send reconnects and idles, and a sync worker that accepts an idle
connection blocks on it. So ``post_each`` sends them from threads, one connection per request (sync workers close
after every response anyway, as they do for wrk), and reports the same figures as the wrk script.
"""

from __future__ import annotations

import http.client
import re
import socket
import statistics
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

HOST = "127.0.0.1"
USER_AGENT = "highlight-bench"
_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float


def fetch(port: int, method: str, path: str, cookie: str = "", body: str = "") -> Answer:
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return Answer(response.status, dict(response.getheaders()), data, time.perf_counter() - started)


@dataclass
class Session:
    cookie: str
    csrf: str


def _session_cookie(answer: Answer, previous: str = "") -> str:
    match = re.match(r"(session=[^;]*)", answer.headers.get("Set-Cookie", ""))
    return match.group(1) if match else previous


def sign_in(port: int, email: str, password: str) -> Session:
    """Sign in through the real form; returns the session cookie and the CSRF token that goes with it.

    Raises RuntimeError if the sign-in page or the sign-in itself does not answer as expected.
    """
    page = fetch(port, "GET", "/auth/sign-in")
    token = _CSRF.search(page.body)
    if page.status != 200 or not token:
        raise RuntimeError(f"sign-in page answered {page.status}")
    cookie = _session_cookie(page)
    form = urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password})
    answer = fetch(port, "POST", "/auth/sign-in", cookie, form)
    if answer.status not in (302, 303):
        raise RuntimeError(f"signing in as {email} answered {answer.status}")
    # Signing in starts a clean session, without the sign-in page's CSRF secret: the first signed-in page puts a
    # new one in (its sign-out form carries the token that goes with it).
    cookie = _session_cookie(answer, cookie)
    home = fetch(port, "GET", "/", cookie)
    token = _CSRF.search(home.body)
    if home.status != 200 or not token:
        raise RuntimeError(f"the first page after signing in as {email} answered {home.status}")
    return Session(_session_cookie(home, cookie), token.group(1).decode())


@dataclass(frozen=True)
class Post:
    path: str
    cookie: str = ""
    body: str = ""

    def raw(self, port: int) -> bytes:
        head = [f"POST {self.path} HTTP/1.1", f"Host: {HOST}:{port}", f"User-Agent: {USER_AGENT}"]
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(self.body)}"]
        head.append("Connection: close")
        return ("\r\n".join(head) + "\r\n\r\n" + self.body).encode()


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def post_each(port: int, posts: list[Post], connections: int, timeout: float = 60) -> dict:
    """Send every POST once from ``connections`` threads; returns wrk's figures (latency in µs, errors by kind)."""
    payloads = iter([p.raw(port) for p in posts])
    lock = threading.Lock()
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    received = [0]

    def worker():
        while True:
            with lock:
                payload = next(payloads, None)
            if payload is None:
                return
            try:
                conn = socket.create_connection((HOST, port), timeout=timeout)
            except OSError:
                with lock:
                    errors["connect"] += 1
                continue
            chunks = []
            try:
                started = time.perf_counter()
                conn.sendall(payload)
                while data := conn.recv(65536):
                    chunks.append(data)
                elapsed = time.perf_counter() - started
            except TimeoutError:
                with lock:
                    errors["timeout"] += 1
                continue
            except OSError:
                with lock:
                    errors["read"] += 1
                continue
            finally:
                conn.close()
            response = b"".join(chunks)
            with lock:
                received[0] += len(response)
                latencies.append(elapsed * 1e6)
                if not response.startswith(b"HTTP/1.1 ") or int(response[9:12]) > 399:
                    errors["status"] += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "duration_us": int(duration * 1e6),
        "bytes": received[0],
        "errors": errors,
        "latency_us": {
            "p50": _percentile(latencies, 50),
            "p90": _percentile(latencies, 90),
            "p99": _percentile(latencies, 99),
            "max": latencies[-1] if latencies else 0,
            "mean": statistics.fmean(latencies) if latencies else 0,
        },
    }
