"""Statements that change rows (UPDATE, DELETE) run in the session, and how many rows they matched: the test that
a guarded change (``WHERE state = 'pending'``) won a race."""

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, Update
from sqlalchemy.orm import Session


def rows_changed(session: Session, statement: Update | Delete, params: Mapping[str, Any] | None = None) -> int:
    """Run the UPDATE or DELETE in the session; how many rows it matched."""
    # An UPDATE or DELETE always gives a CursorResult (what has the row count); Session.execute is typed as Result.
    return cast("CursorResult[Any]", session.execute(statement, params)).rowcount
