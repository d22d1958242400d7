"""Logs: one line per record, JSON in production (``LOG_FORMAT=json``), each carrying the request id of the request
it belongs to, or of the request that queued the job it belongs to (and the job, ``queued_job``: ``task[id]``).

The request id is the ``X-Request-ID`` a trusted proxy sent (letters, digits, ``.``, ``_``, ``-``; 64 at most), or
a new one; the response sends it back, so a person can quote it and it can be found in every server's log."""

import logging
import re
import uuid
from contextvars import ContextVar

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
JOB: ContextVar[tuple[int, str] | None] = ContextVar("job", default=None)
HEADER = "X-Request-ID"
_GIVEN = re.compile(r"[A-Za-z0-9._-]{1,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "message", "request_id", "queued_job")


def current_request_id() -> str | None:
    return REQUEST_ID.get()


def request_id_from(header: str | None) -> str:
    """The id a request goes by: the one given if it is well formed, else a new one."""
    if header and _GIVEN.fullmatch(header):
        return header
    return uuid.uuid4().hex


_make_record = logging.getLogRecordFactory()


def _record_with_context(*args, **kwargs) -> logging.LogRecord:
    """Every record carries the request id (and the job, in a job), whichever handler writes it."""
    record = _make_record(*args, **kwargs)
    record.request_id = REQUEST_ID.get() or "-"
    job = JOB.get()
    record.queued_job = f"{job[1]}[{job[0]}]" if job else None
    return record


logging.setLogRecordFactory(_record_with_context)


def configure_logging(log_format: str) -> None:
    """One handler on the root logger (replacing the one an earlier app made in this process), at INFO."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "highlight", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.highlight = True
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(list(JSON_FIELDS), rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def register_request_id(app: Flask) -> None:
    @app.before_request
    def _take_request_id() -> None:
        g.request_id = request_id_from(request.headers.get(HEADER))
        g.request_id_token = REQUEST_ID.set(g.request_id)

    @app.after_request
    def _send_request_id(response):
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response

    @app.teardown_request
    def _forget_request_id(_error=None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            REQUEST_ID.reset(token)
