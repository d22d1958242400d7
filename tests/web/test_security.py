import base64
import hashlib

from flask import url_for

from app.web.security import GOVUK_TEMPLATE_SCRIPT_HASH
from tests.conftest import parse


def test_every_inline_script_is_allowed_by_its_hash(client):
    response = client.get(url_for("auth.login"))
    inline = [s.string for s in parse(response).find_all("script") if not s.get("src")]
    assert inline, "the GOV.UK template is expected to carry its body-class script"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"sha256-{digest}" == GOVUK_TEMPLATE_SCRIPT_HASH
    assert GOVUK_TEMPLATE_SCRIPT_HASH in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_headers_forbid_sniffing_and_framing(client):
    response = client.get(url_for("auth.login"))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
