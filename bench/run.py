"""``make bench``: load-test Highlight against the bare-Flask ceiling in one run, and write the results.

Steps: seed the synthetic programme (bench.seed) in a database of its own; serve Highlight and the ceiling
(bench.ceiling) with gunicorn, two sync workers each, on free loopback ports; sign in as the people the targets
need; probe every target once (status, X-SQL-Count); then drive each page with wrk (16 connections, a warm-up,
then repeats, the paired ceiling measured between Highlight's repeats so both see the same machine); decide
pending proposals through the approve POST, each request a different proposal; time the exports; and print
and write the table (docs/benchmarks.md between its result markers, and bench/.data/results-<engine>.json).

``python -m bench.run --help`` lists the knobs; ``--database-url postgresql://...`` runs it on PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from cryptography.fernet import Fernet

from bench.client import _CSRF, HOST, USER_AGENT, Answer, Post, Session, _session_cookie, fetch, post_each, sign_in
from bench.seed import DATA_DIR, Manifest, Spec, default_database_url, seed_database
from bench.targets import CEILINGS, EXPORT, JOB, PAGE, POST, TARGETS, TWO_SERVERS, Target

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk" / "bench.lua"
GUNICORN_CONFIG = Path(__file__).resolve().parent / "gunicorn_conf.py"
DOCS = ROOT / "docs" / "benchmarks.md"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- servers -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path
    workers: list[int] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_ticks(self) -> dict[int, int]:
        """CPU ticks of each current worker (gunicorn replaces one that times out)."""
        self.workers = _children(self.process.pid)
        return {pid: _cpu_ticks(pid) for pid in self.workers}

    def cpu_ms_since(self, before: dict[int, int]) -> float:
        """CPU milliseconds the workers used since ``before`` (a worker started since counts from zero)."""
        after = self.cpu_ticks()
        return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) * 1000 / CLOCK_TICKS

    def stop(self) -> None:
        stop_process(self.process, timeout=20)


def start_server(name: str, app: str, env: dict, workers: int, config: Path) -> Server:
    """gunicorn with ``workers`` sync workers on a free loopback port; returns once it answers."""
    port = free_port()
    log = DATA_DIR / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "-c", str(config), "--workers", str(workers)]
    command += ["--bind", f"{HOST}:{port}", "--error-logfile", str(log), app]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} server exited; see {log}")
        workers_now = _children(process.pid)
        try:
            with socket.create_connection((HOST, port), timeout=1):
                if len(workers_now) >= workers:
                    server.workers = workers_now
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} server did not start; see {log}")


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if it has not stopped within ``timeout`` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Worker:
    process: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.process)


def start_worker(env: dict) -> Worker:
    """``flask --app wsgi worker`` on the bench database (the PostgreSQL job queue), logging to the data folder."""
    log = DATA_DIR / "worker.log"
    with log.open("ab") as out:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    return Worker(process)


# --- wrk -----------------------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """The wrk binary; installs Debian's package when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: install it (Debian: apt-get install wrk) and run again")
    print("Installing wrk from Debian's packages…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True).returncode:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


@dataclass
class Sample:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # server CPU (gunicorn workers) per request
    db_cpu_ms: float | None  # PostgreSQL backends' CPU per request
    errors: int
    non_2xx_3xx: int


class Load:
    """Runs wrk against the servers and turns its JSON line and /proc counters into a Sample."""

    def __init__(self, wrk: str, connections: int, threads: int, db: DatabaseCpu):
        self.wrk, self.connections, self.threads, self.db = wrk, connections, threads, db

    def _command(self, url: str, headers: dict, seconds: float) -> list[str]:
        command = [self.wrk, "-t", str(self.threads), "-c", str(self.connections), "-d", f"{max(1, round(seconds))}s"]
        command += ["--timeout", "30s", "-s", str(LUA)]
        for name, value in {"User-Agent": USER_AGENT, **headers}.items():
            command += ["-H", f"{name}: {value}"]
        return [*command, url]

    def get(self, server: Server, path: str, cookie: str, seconds: float) -> Sample:
        headers = {"Cookie": cookie} if cookie else {}
        command = self._command(server.base + path, headers, seconds)

        def run() -> dict:
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            try:
                return json.loads(out.strip().splitlines()[-1])
            except (IndexError, ValueError) as error:
                raise RuntimeError(f"wrk gave no result: {out[-2000:]}") from error

        return self._measure(server, run)

    def post_each(self, server: Server, posts: list[Post]) -> Sample:
        return self._measure(server, lambda: post_each(server.port, posts, self.connections))

    def _measure(self, server: Server, run) -> Sample:
        cpu_before, db_before = server.cpu_ticks(), self.db.cpu_ms()
        data = run()
        cpu, db_after = server.cpu_ms_since(cpu_before), self.db.cpu_ms()
        requests = data["requests"]
        seconds = data["duration_us"] / 1e6
        errors = data["errors"]
        if not requests:
            raise RuntimeError(f"no request completed in {seconds:.0f} s")
        return Sample(
            requests=requests,
            seconds=round(seconds, 3),
            rps=requests / seconds,
            p50_ms=data["latency_us"]["p50"] / 1000,
            p99_ms=data["latency_us"]["p99"] / 1000,
            cpu_ms=cpu / requests,
            db_cpu_ms=None if db_before is None else (db_after - db_before) / requests,
            errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"] + errors["status"],
            non_2xx_3xx=errors["status"],
        )


class DatabaseCpu:
    """CPU time of the PostgreSQL backends serving the bench database (None on SQLite: it runs in the workers)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine if engine.dialect.name == "postgresql" else None

    def cpu_ms(self) -> float | None:
        if self.engine is None:
            return None
        with self.engine.connect() as conn:
            pids = conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
            return sum(_cpu_ticks(pid) for pid in pids) * 1000 / CLOCK_TICKS


# --- the run ---------------------------------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    label: str
    kind: str
    path: str = ""
    status: int | None = None
    sql: int | None = None
    bytes: int | None = None
    samples: list[Sample] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # exports: wall time of each request
    probe_seconds: float = 0.0  # wall time of the single probe request
    ratio: float | None = None  # median throughput ÷ the paired ceiling's
    cpu_ratio: float | None = None  # the ceiling's CPU per request ÷ this one's (steadier on a busy machine)
    ratios: list[float] = field(default_factory=list)  # per repeat
    ceiling: str | None = None
    budgets: list[tuple[str, str, bool]] = field(default_factory=list)  # (budget, measured, met)
    note: str = ""

    def median(self, name: str) -> float | None:
        values = [getattr(s, name) for s in self.samples if getattr(s, name) is not None]
        return statistics.median(values) if values else None

    def spread(self, name: str) -> tuple[float, float] | None:
        values = [getattr(s, name) for s in self.samples if getattr(s, name) is not None]
        return (min(values), max(values)) if values else None


@dataclass
class Options:
    database_url: str
    seconds: float
    warmup: float
    repeats: int
    connections: int
    threads: int
    approve_requests: int
    only: list[str]
    write_docs: bool
    gunicorn_config: Path


def _paths(manifest: Manifest, targets: list[Target]) -> tuple[dict[str, str], list[str]]:
    """URL paths of the targets whose endpoints exist, and the keys of those that do not (yet)."""
    from flask import url_for

    from app import create_app
    from app.config import Config

    config = Config(instance_dir=DATA_DIR / "instance")
    config.SQLALCHEMY_DATABASE_URI = manifest.database_url
    app = create_app(config)
    paths, missing = {}, []
    with app.test_request_context():
        for target in targets:
            if target.on_ceiling:
                continue
            if target.endpoint not in app.view_functions:
                missing.append(target.key)
                continue
            values = target.params(manifest)
            if target.kind == POST:
                values = {"proposal_id": 0}
            paths[target.key] = url_for(target.endpoint, **values, **target.query)
    return paths, missing


def run(options: Options) -> dict:
    started = time.monotonic()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    print(f"Seeding {options.database_url} …", flush=True)
    manifest = seed_database(options.database_url, Spec())
    counts = manifest.counts
    print(f"  {counts['milestones']} milestones, {len(manifest.pending)} pending proposals in {manifest.seconds} s")
    targets = [t for t in TARGETS if not options.only or t.key in options.only]
    paths, missing = _paths(manifest, targets)
    bench = Bench(options, manifest, wrk)
    try:
        bench.start()
        results = bench.measure([t for t in targets if t.key in paths], paths)
    finally:
        bench.stop()
    report = {
        "environment": environment(manifest.database_url, wrk),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
        "seed": {"counts": manifest.counts, "seconds": manifest.seconds},
        "missing": missing,
        "results": [asdict(r) for r in results],
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    engine_name = "postgresql" if manifest.database_url.startswith("postgresql") else "sqlite"
    (DATA_DIR / f"results-{engine_name}.json").write_text(json.dumps(report, indent=1))
    table = markdown(report, results)
    print(table)
    if options.write_docs:
        write_docs(engine_name, table)
    return report


class Bench:
    """The two servers, the signed-in sessions and the load generator of one run."""

    def __init__(self, options: Options, manifest: Manifest, wrk: str):
        self.options, self.manifest = options, manifest
        self.engine = sa.create_engine(manifest.database_url)
        self.load = Load(wrk, options.connections, options.threads, DatabaseCpu(self.engine))
        self.servers: list[Server] = []
        self.sessions: dict[str, Session] = {}

    def start(self) -> None:
        self.env = env = {
            "HIGHLIGHT_ENV": "production",
            "DATABASE_URL": self.manifest.database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "TOTP_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "HIGHLIGHT_INSTANCE": str(DATA_DIR / "instance"),
            "HIGHLIGHT_COUNT_SQL": "1",
            "SIGN_IN_ADDRESS_LIMIT": "100000 per minute",
            # The bench's people sign in with a password alone; the second factor's own cost is one TOTP check
            # at sign-in, outside the pages measured.
            "MFA_REQUIRED": "0",
        }
        config = self.options.gunicorn_config
        self.highlight = start_server("highlight", "wsgi:app", env, 2, config)
        self.servers.append(self.highlight)
        if self.manifest.database_url.startswith("postgresql"):
            # The job queue is in PostgreSQL: a worker draws the board pack (SQLite: the serving process does).
            self.worker = start_worker(env)
        ceiling_env = {"DATABASE_URL": self.manifest.database_url}
        self.ceiling = start_server("ceiling", "bench.ceiling:create_app()", ceiling_env, 2, config)
        self.servers.append(self.ceiling)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if getattr(self, "worker", None) is not None:
            self.worker.stop()
        self.engine.dispose()

    def session(self, email: str) -> Session:
        if email not in self.sessions:
            self.sessions[email] = sign_in(self.highlight.port, email, self.manifest.password)
        return self.sessions[email]

    def measure(self, targets: list[Target], paths: dict[str, str]) -> list[Result]:
        self.results: dict[str, Result] = {}
        self.pool = list(self.manifest.pending)
        for target in targets:
            result = Result(target.key, target.label, target.kind, paths[target.key], ceiling=target.ceiling)
            self.results[target.key] = result
            print(f"{target.label} …", flush=True)
            try:
                if target.kind == PAGE:
                    self.measure_page(target, result)
                elif target.kind == POST:
                    self.measure_approve(result)
                elif target.kind == EXPORT:
                    self.measure_export(target, result, self.session(target.user(self.manifest)))
                elif target.kind == JOB:
                    self.measure_pack_job(target, result, self.session(target.user(self.manifest)))
                elif target.kind == TWO_SERVERS:
                    self.measure_two_servers(target, result)
            except (OSError, RuntimeError, http.client.HTTPException, subprocess.CalledProcessError) as error:
                result.note = f"failed: {type(error).__name__}: {error}"[:200]
                print(f"  {result.note}", flush=True)
            _budgets(target, result)
        return list(self.results.values())

    def measure_page(self, target: Target, result: Result) -> None:
        """Warm-up, then the repeats, each followed by one of the paired ceiling's."""
        options = self.options
        cookie = self.session(target.user(self.manifest)).cookie
        _probe(self.highlight, result, cookie)
        if result.status != 200:
            result.note = f"answered {result.status}; not loaded"
            return
        pair = None
        if target.ceiling:
            path = f"/workstreams/{self.manifest.big_workstream_id}/rows"
            pair = Result(target.ceiling, CEILINGS[target.ceiling].label, PAGE, path)
            self.results[f"{target.ceiling}:{target.key}"] = pair
            _probe(self.ceiling, pair, "")
            self._warm_up(self.ceiling, pair.path, "")
        # At 16 connections a request waits for the 15 before it: a window must hold several of those waits, or
        # a slow page completes nothing in it.
        seconds = min(max(options.seconds, 3 * self.options.connections / 2 * result.probe_seconds), 30)
        self._warm_up(self.highlight, result.path, cookie)
        for _ in range(options.repeats):
            result.samples.append(self._get(self.highlight, result.path, cookie, seconds))
            if pair:
                pair.samples.append(self._get(self.ceiling, pair.path, "", seconds))
        if pair:
            _ratio(result, pair)

    def _get(self, server: Server, path: str, cookie: str, seconds: float) -> Sample:
        """One wrk run, then one more request: it answers once the requests wrk left queued are done, so they
        do not land in the next measurement."""
        try:
            return self.load.get(server, path, cookie, seconds)
        finally:
            fetch(server.port, "GET", path, cookie)

    def _warm_up(self, server: Server, path: str, cookie: str) -> None:
        """A short run whose figures are dropped (a slow page may complete nothing in it)."""
        with contextlib.suppress(RuntimeError):
            self._get(server, path, cookie, self.options.warmup)

    def _posts(self, path_template: str, proposals: list[tuple[int, int]], for_ceiling: bool) -> list[Post]:
        """One approve POST per proposal, each by its workstream's lead (the ceiling's need no sign-in)."""
        if for_ceiling:
            return [Post(f"/proposals/{pid}/approve") for pid, _ in proposals]
        posts = []
        for pid, workstream_id in proposals:
            session = self.session(self.manifest.leads[str(workstream_id)])
            body = urlencode({"csrf_token": session.csrf, "decision": "approve", "version": "1"})
            posts.append(Post(path_template.format(pid), session.cookie, body))
        return posts

    def _take(self, n: int) -> list[tuple[int, int]]:
        taken, self.pool = self.pool[:n], self.pool[n:]
        return taken

    def measure_approve(self, result: Result) -> None:
        """Warm-up, then per repeat the ceiling decides a slice and Highlight the next one: a decided proposal
        never changes (the database refuses it), so each side decides proposals of its own, alike by the seed's
        interleaving of workstreams."""
        options, load = self.options, self.load
        template = result.path.replace("/0/", "/{}/")
        probe = self._posts(template, self._take(1), False)[0]
        answer = fetch(self.highlight.port, "POST", probe.path, probe.cookie, probe.body)
        result.status, result.bytes, result.sql = answer.status, len(answer.body), _sql_count(answer)
        if answer.status not in (302, 303):
            result.note = f"answered {answer.status}; not loaded"
            return
        decided = sa.text("SELECT state FROM proposals WHERE id = :id")
        with self.engine.connect() as conn:
            state = conn.execute(decided, {"id": int(probe.path.split("/")[2])}).scalar_one()
        if state != "approved":  # a redirect that decided nothing (a CSRF failure, a second factor asked for)
            result.note = f"the probe left its proposal {state}; not loaded"
            return
        warmup = min(64, len(self.pool) // 8)
        per_repeat = min(options.approve_requests, (len(self.pool) - 2 * warmup) // (2 * max(options.repeats, 1)))
        pair = Result("ceiling_approve", CEILINGS["ceiling_approve"].label, POST, "/proposals/<id>/approve")
        self.results["ceiling_approve:approve"] = pair
        for repeat, n in enumerate([warmup] + [per_repeat] * options.repeats):
            ceiling_sample = load.post_each(self.ceiling, self._posts(template, self._take(n), True))
            highlight_sample = load.post_each(self.highlight, self._posts(template, self._take(n), False))
            if repeat:  # the first round is the warm-up
                pair.samples.append(ceiling_sample)
                result.samples.append(highlight_sample)
        result.note = f"{per_repeat} proposals decided per repeat"
        _ratio(result, pair)

    def measure_export(self, target: Target, result: Result, session: Session) -> None:
        """The export fetched ``repeats`` times one after another (once only when it takes twice its budget)."""
        server = self.highlight
        cpu_before = server.cpu_ticks()
        for _ in range(self.options.repeats):
            answer = fetch(server.port, "GET", result.path, session.cookie)
            result.status, result.bytes, result.sql = answer.status, len(answer.body), _sql_count(answer)
            result.seconds.append(round(answer.seconds, 3))
            if answer.status != 200:
                result.note = f"answered {answer.status}"
                return
            if target.seconds_budget and answer.seconds > 2 * target.seconds_budget:
                break
        cpu = server.cpu_ms_since(cpu_before) / len(result.seconds)
        result.note = f"server CPU {cpu / 1000:.1f} s per export"

    def measure_pack_job(self, target: Target, result: Result, session: Session) -> None:
        """Ask for the pack (a POST that only queues its job), then fetch the PDF until the job has drawn it; the
        first time every paper is drawn, then the pack is forgotten and asked for again with the papers kept."""
        page, pdf = result.path, result.path + ".pdf"
        answered = []
        # Signing in starts a clean session: the pack's page puts the CSRF token its button needs into it.
        shown = fetch(self.highlight.port, "GET", page, session.cookie)
        token = _CSRF.search(shown.body)
        if shown.status != 200 or not token:
            result.note = f"the pack's page answered {shown.status}"
            return
        session = Session(_session_cookie(shown, session.cookie), token.group(1).decode())
        for repeat in range(self.options.repeats):
            if repeat:
                with self.engine.begin() as conn:
                    conn.execute(sa.text("DELETE FROM prepared_packs"))
            started = time.monotonic()
            asked = fetch(self.highlight.port, "POST", page, session.cookie, urlencode({"csrf_token": session.csrf}))
            if asked.status != 303:
                result.note = f"asking answered {asked.status}"
                return
            answered.append(asked.seconds)
            deadline = time.monotonic() + 10 * (target.seconds_budget or 30)
            while True:
                answer = fetch(self.highlight.port, "GET", pdf, session.cookie)
                if answer.status == 200:
                    break
                if time.monotonic() > deadline:
                    result.note = "not ready in time"
                    return
                time.sleep(0.25)
            result.seconds.append(round(time.monotonic() - started, 3))
            result.status, result.bytes = answer.status, len(answer.body)
        result.note = (
            f"the request answered in {max(answered) * 1000:.0f} ms at most; the first drew every paper, "
            "the others joined the kept papers"
        )

    def measure_two_servers(self, target: Target, result: Result) -> None:
        """wrk on two app servers of two workers each, at once, over the same database; their figures added."""
        second = start_server("highlight-b", "wsgi:app", self.env, 2, self.options.gunicorn_config)
        try:
            cookie = self.session(target.user(self.manifest)).cookie  # signed by one server, good on both
            servers = (self.highlight, second)
            for server in servers:
                _probe(server, result, cookie)
                if result.status != 200:
                    result.note = f"{server.name} answered {result.status}"
                    return
                self._warm_up(server, result.path, cookie)
            seconds = min(max(self.options.seconds, 3 * self.options.connections * result.probe_seconds), 30)
            for _ in range(self.options.repeats):
                samples: list[Sample | None] = [None, None]

                def load(index: int, server: Server, into: list) -> None:
                    into[index] = self._get(server, result.path, cookie, seconds)

                threads = [threading.Thread(target=load, args=(i, s, samples)) for i, s in enumerate(servers)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                result.samples.append(_together(*samples))
            result.note = f"wrk at {self.options.connections} connections on each server at once"
        finally:
            second.stop()


def _together(a: Sample, b: Sample) -> Sample:
    """Two servers' samples taken at once, as one service's: requests and throughput added, the worse latency."""
    requests = a.requests + b.requests
    return Sample(
        requests=requests,
        seconds=max(a.seconds, b.seconds),
        rps=a.rps + b.rps,
        p50_ms=max(a.p50_ms, b.p50_ms),
        p99_ms=max(a.p99_ms, b.p99_ms),
        cpu_ms=(a.cpu_ms * a.requests + b.cpu_ms * b.requests) / requests,
        db_cpu_ms=None,  # both measured the same backends at once
        errors=a.errors + b.errors,
        non_2xx_3xx=a.non_2xx_3xx + b.non_2xx_3xx,
    )


def _sql_count(answer: Answer) -> int | None:
    count = answer.headers.get("X-SQL-Count")
    return int(count) if count is not None else None


def _probe(server: Server, result: Result, cookie: str) -> None:
    answer = fetch(server.port, "GET", result.path, cookie)
    result.status, result.bytes, result.sql = answer.status, len(answer.body), _sql_count(answer)
    result.probe_seconds = answer.seconds


def _ratio(result: Result, pair: Result) -> None:
    result.ratios = [h.rps / c.rps for h, c in zip(result.samples, pair.samples, strict=True) if c.rps]
    if result.ratios:
        result.ratio = result.median("rps") / pair.median("rps")
    if result.median("cpu_ms") and pair.median("cpu_ms"):
        result.cpu_ratio = pair.median("cpu_ms") / result.median("cpu_ms")


def _budgets(target: Target, result: Result) -> None:
    if target.min_ratio is not None and result.ratio is not None:
        result.budgets.append(
            (f"≥ {target.min_ratio:g} × ceiling", f"{result.ratio:.2f} ×", result.ratio >= target.min_ratio)
        )
    if target.sql_budget is not None and result.sql is not None:
        result.budgets.append((f"≤ {target.sql_budget} SQL", str(result.sql), result.sql <= target.sql_budget))
    if target.p99_budget_ms is not None and result.samples:
        worst = max(s.p99_ms for s in result.samples)
        result.budgets.append((f"p99 < {target.p99_budget_ms:g} ms", f"{worst:.1f} ms", worst < target.p99_budget_ms))
    if target.kind == POST and result.samples:
        errors = sum(s.errors for s in result.samples)
        result.budgets.append(("no errors", str(errors), errors == 0))
    if target.seconds_budget is not None and result.seconds:
        worst = max(result.seconds)
        result.budgets.append((f"< {target.seconds_budget:g} s", f"{worst:.2f} s", worst < target.seconds_budget))


# --- reporting -------------------------------------------------------------------------------------------------


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"


def environment(database_url: str, wrk: str) -> dict:
    from importlib.metadata import version

    cpuinfo, meminfo = Path("/proc/cpuinfo").read_text(), Path("/proc/meminfo").read_text()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    memory = next((line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal")), "0")
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            database = "SQLite " + conn.exec_driver_sql("select sqlite_version()").scalar()
        else:
            database = conn.exec_driver_sql("show server_version").scalar()
            database = f"PostgreSQL {database}"
    engine.dispose()
    commit = _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{cpu}, {os.cpu_count()} cores, {int(memory) // 1024 // 1024} GiB, {platform.system()} "
        f"{platform.release()}",
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("Flask", "SQLAlchemy", "Jinja2", "gunicorn", "psycopg")},
        "database": database,
        "wrk": _version([wrk, "--version"]).split(" Copyright")[0],
        "commit": commit,
    }


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _range(result: Result, name: str, fmt: str = "{:.0f}") -> str:
    median, spread = result.median(name), result.spread(name)
    if median is None:
        return "–"
    return f"{fmt.format(median)} ({fmt.format(spread[0])}–{fmt.format(spread[1])})"


def markdown(report: dict, results: list[Result]) -> str:
    env, options = report["environment"], report["options"]
    lines = [
        f"Run of {env['date']} on {env['machine']}; {env['database']}; Python {env['python']}, "
        + ", ".join(f"{k} {v}" for k, v in env["packages"].items())
        + f"; {env['wrk']}; commit {env['commit']}.",
        f"gunicorn 2 sync workers per server; wrk {options['threads']} threads, {options['connections']} connections, "
        f"{options['warmup']:g} s warm-up, {options['repeats']} × {options['seconds']:g} s (approve: a fixed number "
        f"of proposals per repeat). Median (range) over the repeats. Seeded "
        f"{report['seed']['counts'].get('milestones')} milestones in {report['seed']['seconds']} s; the run took "
        f"{report['minutes']} min.",
        "",
        "| target | req/s | p50 ms | p99 ms | server CPU ms/req | DB CPU ms/req | SQL/req | req/s ÷ ceiling "
        "| ceiling CPU ÷ CPU | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        if r.kind in (EXPORT, JOB):
            continue
        ratio = "–"
        if r.ratio is not None:
            ratio = f"{r.ratio:.2f} ({min(r.ratios):.2f}–{max(r.ratios):.2f})"
        errors = sum(s.errors for s in r.samples) if r.samples else "–"
        lines.append(
            f"| {r.label}{' — ' + r.note if r.note else ''} | {_range(r, 'rps')} | {_range(r, 'p50_ms', '{:.1f}')} | "
            f"{_range(r, 'p99_ms', '{:.1f}')} | {_range(r, 'cpu_ms', '{:.1f}')} | {_range(r, 'db_cpu_ms', '{:.1f}')} | "
            f"{r.sql if r.sql is not None else '–'} | {ratio} | "
            f"{'–' if r.cpu_ratio is None else f'{r.cpu_ratio:.2f}'} | {errors} |"
        )
    exports = [r for r in results if r.kind in (EXPORT, JOB)]
    if exports:
        lines += ["", "| export | seconds (each request) | bytes | SQL | note |", "| --- | --- | --- | --- | --- |"]
        for r in exports:
            lines.append(f"| {r.label} | {', '.join(f'{s:.2f}' for s in r.seconds)} | {r.bytes} | {r.sql} | {r.note} |")
    lines += ["", "| budget | target | measured | met |", "| --- | --- | --- | --- |"]
    for r in results:
        for budget, measured, met in r.budgets:
            lines.append(f"| {r.label} | {budget} | {measured} | {'yes' if met else '**no**'} |")
    if report["missing"]:
        lines += ["", f"Not measured (no such endpoint yet): {', '.join(report['missing'])}."]
    return "\n".join(lines) + "\n"


def write_docs(engine_name: str, table: str) -> None:
    """Replace the block between ``<!-- results:ENGINE -->`` and ``<!-- /results:ENGINE -->`` in the docs."""
    start, end = f"<!-- results:{engine_name} -->", f"<!-- /results:{engine_name} -->"
    text = DOCS.read_text() if DOCS.exists() else ""
    if start not in text or end not in text:
        print(f"{DOCS} has no {start} block; results left in {DATA_DIR}")
        return
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    DOCS.write_text(f"{head}{start}\n{table}{end}{tail}")
    print(f"Wrote the results into {DOCS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Load benchmark of Highlight against its bare-Flask ceiling.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or default_database_url())
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 8)))
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--approve-requests", type=int, default=300, help="proposals decided per repeat")
    parser.add_argument("--only", nargs="*", default=[], help="target keys (see bench/targets.py)")
    parser.add_argument("--no-docs", action="store_true", help="do not write the results into docs/benchmarks.md")
    parser.add_argument("--gunicorn-config", type=Path, default=GUNICORN_CONFIG)
    args = parser.parse_args()
    run(
        Options(
            database_url=args.database_url,
            seconds=args.seconds,
            warmup=args.warmup,
            repeats=args.repeats,
            connections=args.connections,
            threads=args.threads,
            approve_requests=args.approve_requests,
            only=args.only,
            write_docs=not args.no_docs and not args.only,
            gunicorn_config=args.gunicorn_config,
        )
    )


if __name__ == "__main__":
    main()
