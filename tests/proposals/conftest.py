"""Helpers for the proposals tests: multipart uploads and a fresh milestone owned by workstream A's owner."""

import io
from datetime import date
from urllib.parse import quote

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


def multipart(fields: dict[str, str], uploads: list[tuple[str, bytes]]) -> dict:
    """Keyword arguments for a test client post of a multipart form whose file names arrive exactly as given.

    Names go as RFC 2231 ``filename*=UTF-8''…``, which carries any character (a quote, a backslash, a line
    break, a NUL) that a plain ``filename="…"`` cannot, as a hostile client could send them.
    """
    boundary = "----evidence-boundary-7MA4YWxkTrZu0gW"
    body = bytearray()
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for filename, data in uploads:
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f"filename*=UTF-8''{quote(filename, safe='')}\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return {"data": bytes(body), "content_type": f"multipart/form-data; boundary={boundary}"}
