"""SQL statements per request in an ``X-SQL-Count`` response header, for the load benchmark and its guard test.

Off unless ``HIGHLIGHT_COUNT_SQL=1`` is set (or the app's config sets ``HIGHLIGHT_COUNT_SQL``): when off, nothing
is registered, so a request pays nothing for it.
"""

import os

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "X-SQL-Count"


def _count_statement(conn, cursor, statement, parameters, context, executemany) -> None:
    if has_request_context() and "sql_count" in g:
        g.sql_count += 1


def register_sql_count(app: Flask) -> None:
    enabled = app.config.get("HIGHLIGHT_COUNT_SQL", os.environ.get("HIGHLIGHT_COUNT_SQL") == "1")
    if not enabled:
        return
    # One listener on the Engine class serves every app in the process; it counts only inside a request.
    if not event.contains(Engine, "before_cursor_execute", _count_statement):
        event.listen(Engine, "before_cursor_execute", _count_statement)

    @app.before_request
    def _start_count() -> None:
        g.sql_count = 0

    @app.after_request
    def _send_count(response):
        response.headers[HEADER] = str(g.get("sql_count", 0))
        return response
