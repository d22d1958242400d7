"""Background jobs on procrastinate: a queue in PostgreSQL's own tables, worked by ``flask --app wsgi worker`` on
any server (no other service), with retries and periodic jobs in place of cron.

With SQLite (the embedded default) the queue is in the memory of the process that serves, worked by a thread of
that process: ``make run`` needs no separate worker. ``JOB_QUEUE`` chooses (``database`` or ``in-process``); the
default follows the database.

A job is deferred with the request's session: on PostgreSQL its row is written in the request's own transaction
(queued if and only if the change that asked for it is committed); in memory it is queued once the session
commits. Each job runs in an application context of its own and carries the id of the request that queued it
into its log lines (app.ops.logs).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import procrastinate
from flask import Flask, current_app
from procrastinate import exceptions, manager, periodic, testing
from procrastinate import worker as worker_module
from sqlalchemy import bindparam, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain.jobs import LISTED_JOB_STATES
from app.ops import logs, metrics

log = logging.getLogger(__name__)

DATABASE, IN_PROCESS = "database", "in-process"
# Every job's task: imported by every worker, whichever module deferred it.
TASK_MODULES = ["app.jobs.tasks"]
# A scheduled run missed by longer than this (no worker was up) waits for its next time.
MISSED_RUN_GRACE_SECONDS = 3600
# How long an exiting process (a command) waits for the jobs it queued in memory.
DRAIN_SECONDS = 300

queue = procrastinate.App(
    connector=testing.InMemoryConnector(),
    import_paths=TASK_MODULES,
    periodic_defaults={"max_delay": MISSED_RUN_GRACE_SECONDS},
)


class Job:
    """A job in the queue as the admins' page shows it."""

    def __init__(self, id: int, task: str, state: str, attempts: int, at, args: dict):
        self.id, self.task, self.state, self.attempts, self.at, self.args = id, task, state, attempts, at, args


def job(
    name: str,
    queue_name: str,
    *,
    retries: int = 3,
    on_give_up: Callable[[dict, BaseException], None] | None = None,
):
    """Make ``func(**kwargs)`` a task named ``name`` on the queue ``queue_name`` (a worker may work some queues
    only): run in an application context, committed if it returns, tried again ``retries`` times (after 4, 16,
    64… seconds) if it raises; ``on_give_up(kwargs, error)`` runs after the last try fails."""
    strategy = procrastinate.RetryStrategy(max_attempts=retries, exponential_wait=4)

    def decorate(func: Callable[..., Any]):
        @queue.task(name=name, queue=queue_name, pass_context=True, retry=strategy)
        def run(context: procrastinate.JobContext, **kwargs):
            return _run(context, name, func, kwargs, strategy, on_give_up)

        return run

    return decorate


def _run(context, name: str, func, kwargs: dict, strategy, on_give_up) -> None:
    from app.extensions import db

    app: Flask = context.additional_context["flask_app"]
    request_id = kwargs.pop("request_id", None) or f"job-{context.job.id}"
    tokens = logs.REQUEST_ID.set(request_id), logs.JOB.set((context.job.id, name))
    started, outcome = time.perf_counter(), "failed"
    try:
        with app.app_context():
            try:
                log.info("job %s started (try %s)", name, context.job.attempts + 1)
                func(**kwargs)
                db.session.commit()
                outcome = "succeeded"
                log.info("job %s done in %.2f s", name, time.perf_counter() - started)
            except Exception as error:
                db.session.rollback()
                last = strategy.get_retry_decision(exception=error, job=context.job) is None
                log.exception("job %s failed (try %s%s)", name, context.job.attempts + 1, ", the last" if last else "")
                if last and on_give_up is not None:
                    on_give_up(kwargs, error)
                    db.session.commit()
                raise
            finally:
                db.session.remove()
    finally:
        metrics.job_ran(name, outcome, time.perf_counter() - started)
        logs.JOB.reset(tokens[1])
        logs.REQUEST_ID.reset(tokens[0])


def _outside_event_loop(call: Callable[[], Any]) -> Any:
    """Run ``call()`` here, or, when this thread already runs an asyncio event loop (a browser driver in the
    tests, an ASGI wrapper), in a thread of its own, waited for: procrastinate's synchronous calls refuse to run
    inside a loop. The call keeps this thread's context variables (the request id of the log lines)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    outcome: dict[str, Any] = {}
    context = contextvars.copy_context()

    def run() -> None:
        try:
            outcome["value"] = context.run(call)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="highlight-jobs-call")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def backend(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["jobs"]


def defer(session: Session, task, *, lock: str | None = None, **kwargs) -> None:
    """Queue ``task(**kwargs)`` with the session's transaction. ``lock``: at most one such job waiting at a time
    (another asked for while one waits is the same job) and one running at a time."""
    kwargs["request_id"] = logs.current_request_id()
    backend().defer(session, task, kwargs, lock)


class Queue:
    kind: str

    def defer(self, session: Session, task, kwargs: dict, lock: str | None) -> None:
        raise NotImplementedError

    def connector(self) -> procrastinate.BaseConnector:
        raise NotImplementedError

    def jobs(self, session: Session, limit: int = 100) -> list[Job]:
        raise NotImplementedError

    def counts(self, session: Session) -> dict[str, int]:
        raise NotImplementedError

    def reachable(self, session: Session) -> bool:
        raise NotImplementedError

    def work_off(self, app: Flask, queues: list[str] | None = None) -> None:
        """Run every job due now (on ``queues``, else all), here, then return (the tests; the worker command runs
        them as they come)."""
        # Without the scheduled jobs: only what is waiting now runs.
        scheduled, queue.periodic_registry = queue.periodic_registry, periodic.PeriodicRegistry()
        try:
            with queue.replace_connector(self.connector()):
                _outside_event_loop(
                    lambda: queue.run_worker(
                        queues=queues,
                        wait=False,
                        install_signal_handlers=False,
                        listen_notify=False,
                        additional_context={"flask_app": app},
                    )
                )
        finally:
            queue.periodic_registry = scheduled

    def start_in_process(self, app: Flask, *, scheduled: bool) -> None:
        """Nothing to start: another process works this queue."""


def _configure(task, kwargs_lock: str | None, job_manager, connection=None):
    options: dict = {"queueing_lock": kwargs_lock, "lock": kwargs_lock} if kwargs_lock else {}
    if connection is not None:
        options["connection"] = connection
    deferrer = task.configure(**options)
    deferrer.job_manager = job_manager
    return deferrer


class DatabaseQueue(Queue):
    """procrastinate's tables in the app's PostgreSQL database."""

    kind = DATABASE

    def __init__(self, database_uri: str, pool_size: int):
        self.conninfo = make_url(database_uri).set(drivername="postgresql").render_as_string(hide_password=False)
        self.pool_size = pool_size
        self.manager = manager.JobManager(self.connector())

    def connector(self) -> procrastinate.PsycopgConnector:
        return procrastinate.PsycopgConnector(conninfo=self.conninfo, min_size=1, max_size=self.pool_size)

    def defer(self, session: Session, task, kwargs: dict, lock: str | None) -> None:
        # The job's row goes in with the request's own transaction, in a savepoint: a job already waiting under the
        # same lock leaves the transaction as it was.
        try:
            with session.begin_nested():
                connection = session.connection().connection.driver_connection
                deferrer = _configure(task, lock, self.manager, connection)
                _outside_event_loop(lambda: deferrer.defer(**kwargs))
        except exceptions.AlreadyEnqueued:
            log.info("job %s is already waiting under lock %s", task.name, lock)

    def jobs(self, session: Session, limit: int = 100) -> list[Job]:
        rows = session.execute(
            text(
                "SELECT j.id, j.task_name, j.status::text AS status, j.attempts, j.args, "
                "(SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id) AS at "
                "FROM procrastinate_jobs j WHERE j.status::text IN :states ORDER BY j.id DESC LIMIT :limit"
            ).bindparams(bindparam("states", expanding=True)),
            {"states": list(LISTED_JOB_STATES), "limit": limit},
        )
        return [Job(r.id, r.task_name, r.status, r.attempts, r.at, r.args) for r in rows]

    def counts(self, session: Session) -> dict[str, int]:
        rows = session.execute(text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status"))
        return {status: count for status, count in rows}

    def reachable(self, session: Session) -> bool:
        try:
            session.execute(text("SELECT 1 FROM procrastinate_jobs LIMIT 1"))
        except SQLAlchemyError as error:
            session.rollback()
            log.warning("the job queue cannot be read: %s", error)
            return False
        return True


class InProcessQueue(Queue):
    """procrastinate's in-memory queue, worked by a thread of this process: started by the first request (with
    the scheduled jobs) or the first job queued (a command: without them); an exiting process first finishes
    what it queued."""

    kind = IN_PROCESS

    def __init__(self, testing_: bool):
        self.memory = testing.InMemoryConnector()
        self.testing = testing_
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._worker: worker_module.Worker | None = None

    def connector(self) -> testing.InMemoryConnector:
        return self.memory

    def defer(self, session: Session, task, kwargs: dict, lock: str | None) -> None:
        session.info.setdefault(_AFTER_COMMIT, []).append((self, task, kwargs, lock, current_app._get_current_object()))

    def queue_now(self, task, kwargs: dict, lock: str | None, app: Flask) -> None:
        try:
            deferrer = _configure(task, lock, manager.JobManager(self.memory))
            _outside_event_loop(lambda: deferrer.defer(**kwargs))
        except exceptions.AlreadyEnqueued:
            return
        if not self.testing:
            self.start_in_process(app, scheduled=False)

    def _waiting(self) -> list[dict]:
        """The jobs running or due now (one waiting to be tried again later is not waited for)."""
        now = datetime.now(UTC)
        return [
            job
            for job in list(self.memory.jobs.values())
            if job["status"] == "doing"
            or (job["status"] == "todo" and (job.get("scheduled_at") is None or job["scheduled_at"] <= now))
        ]

    def jobs(self, session: Session, limit: int = 100) -> list[Job]:
        listed = [job for job in list(self.memory.jobs.values()) if job["status"] in LISTED_JOB_STATES]
        listed.sort(key=lambda job: job["id"], reverse=True)
        return [
            Job(j["id"], j["task_name"], j["status"], j["attempts"], _last_event(self.memory, j["id"]), j["args"])
            for j in listed[:limit]
        ]

    def counts(self, session: Session) -> dict[str, int]:
        counts: dict[str, int] = {}
        for job in list(self.memory.jobs.values()):
            counts[job["status"]] = counts.get(job["status"], 0) + 1
        return counts

    def reachable(self, session: Session) -> bool:
        thread = self._thread
        return thread is None or thread.is_alive()

    def start_in_process(self, app: Flask, *, scheduled: bool) -> None:
        if self.testing or self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            if scheduled:
                from app.jobs.tasks import schedule

                schedule()
            queue.connector = queue.job_manager.connector = self.memory
            self._worker = worker_module.Worker(
                app=queue,
                wait=True,
                install_signal_handlers=False,
                listen_notify=True,
                fetch_job_polling_interval=1,
                additional_context={"flask_app": app},
                name="in-process",
            )
            self._thread = threading.Thread(target=self._work, name="highlight-jobs", daemon=True)
            self._thread.start()
            # Drained among threading's exit hooks, which run before the interpreter's: those shut down the thread
            # pools the worker hands each job to (concurrent.futures registers its own there, earlier; they run
            # last registered first), and a job handed over after that fails.
            threading._register_atexit(self.stop)

    def _work(self) -> None:
        async def main():
            async with queue.open_async():
                await self._worker.run()

        asyncio.run(main())

    def stop(self, timeout: float = DRAIN_SECONDS) -> None:
        """Finish the jobs waiting (for at most ``timeout`` seconds), then stop the thread."""
        if self._thread is None:
            return
        deadline = time.monotonic() + timeout
        while self._waiting() and time.monotonic() < deadline and self._thread.is_alive():
            time.sleep(0.2)
        self._worker.stop()
        self._thread.join(timeout=30)


def _last_event(memory: testing.InMemoryConnector, job_id: int):
    events = memory.events.get(job_id) or []
    return events[-1]["at"] if events else None


_AFTER_COMMIT = "highlight_jobs_after_commit"


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    for queue_, task, kwargs, lock, app in session.info.pop(_AFTER_COMMIT, []):
        queue_.queue_now(task, kwargs, lock, app)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


def init_app(app: Flask) -> None:
    """Choose the app's queue (JOB_QUEUE, else by the database) and start the in-process worker with the first
    request when the queue is in memory."""
    kind = app.config.get("JOB_QUEUE") or (
        DATABASE if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else IN_PROCESS
    )
    if kind == DATABASE:
        chosen: Queue = DatabaseQueue(app.config["SQLALCHEMY_DATABASE_URI"], int(app.config.get("WORKER_POOL", 4)))
    else:
        chosen = InProcessQueue(testing_=bool(app.config.get("TESTING")))
        queue.connector = queue.job_manager.connector = chosen.connector()
    app.extensions["jobs"] = chosen

    if chosen.kind == IN_PROCESS and not app.config.get("TESTING"):

        @app.before_request
        def _start_jobs() -> None:
            chosen.start_in_process(app, scheduled=True)

    from app.jobs import cli

    cli.register(app)
