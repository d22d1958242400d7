"""Helpers for the proposals tests: multipart uploads and a fresh milestone owned by workstream A's owner."""

import io
from datetime import date

import pytest

from tests.factories import make_milestone


def files(*pairs: tuple[str, bytes]) -> list[tuple[io.BytesIO, str]]:
    """``files=`` for a multipart post through the test client."""
    return [(io.BytesIO(data), name) for name, data in pairs]


@pytest.fixture
def fresh_milestone(world, db):
    """An open milestone of A's owner with nothing proposed yet."""
    milestone = make_milestone(world.a.section, "1.9", owner_id=world.a.owner.id, due=date(2030, 6, 30))
    db.session.commit()
    return milestone
