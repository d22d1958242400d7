"""Single sign-on against a real OpenID Connect provider started on loopback (tests/auth/oidc_provider.py):
authorization code with PKCE, state and nonce; every check of the ID token; who an identity is."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from app.auth import oidc
from app.extensions import db
from app.models import AuditEvent, User
from tests.auth import oidc_provider
from tests.conftest import make_test_app, parse
from tests.factories import make_user

CLIENT_ID = "highlight"


@pytest.fixture(scope="module")
def provider():
    found, stop = oidc_provider.start()
    yield found
    stop()


@pytest.fixture
def app(database_template, tmp_path, provider):
    """The app with single sign-on set up against the loopback provider."""
    provider.change_token = None
    provider.requests.clear()
    made = make_test_app(
        database_template(tmp_path),
        tmp_path,
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET="a client secret",
        OIDC_PROVIDER_NAME="Microsoft",
    )
    with made.app_context():
        yield made
        db.session.remove()
        db.engine.dispose()


def _start(client) -> str:
    started = client.get(url_for("auth.sso_start"))
    assert started.status_code == 302
    return started.headers["Location"]


def _sign_in(client, provider, sub: str) -> tuple:
    """The whole journey: off to the provider, signed in there as ``sub``, back. Returns (answer, callback)."""
    back = provider.authorize(_start(client), sub)
    parts = urlsplit(back)
    callback = f"{parts.path}?{parts.query}"
    return client.get(callback), callback


def _claims(email: str, verified: bool = True, name: str = "Priya Shah") -> dict:
    return {"email": email, "email_verified": verified, "name": name}


def _signed_in(client) -> bool:
    return client.get(url_for("dashboard.index")).status_code == 200


def _refusals() -> list[dict]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in.failed")).all()
    return [json.loads(e.after) for e in events]


def test_the_sign_in_page_offers_the_provider_by_name(app, client):
    button = parse(client.get(url_for("auth.login"))).select_one(f"a[href^='{url_for('auth.sso_start')}']")
    assert button.get_text(strip=True) == "Sign in with Microsoft"


def test_the_sign_in_page_offers_none_without_single_sign_on(database_template, tmp_path):
    plain = make_test_app(database_template(tmp_path), tmp_path)
    with plain.test_request_context():
        page = parse(plain.test_client().get(url_for("auth.login")))
        assert "Sign in with" not in page.get_text()
        assert plain.test_client().get(url_for("auth.sso_start")).status_code == 404


def test_a_first_sign_in_matches_a_verified_email_and_links_the_subject(app, client, provider):
    user = make_user("Priya Shah", email="priya@example.org")
    db.session.commit()
    provider.set_user("sub-priya", **_claims("Priya@Example.org"))

    answer, _ = _sign_in(client, provider, "sub-priya")
    assert answer.status_code == 303 and _signed_in(client)
    db.session.expire_all()
    linked = db.session.get(User, user.id)
    assert (linked.oidc_issuer, linked.oidc_subject) == (provider.issuer, "sub-priya")

    # Afterwards the subject finds the account, whatever email the provider now gives.
    provider.set_user("sub-priya", **_claims("priya.shah@elsewhere.example"))
    other = app.test_client()
    assert _sign_in(other, provider, "sub-priya")[0].status_code == 303 and _signed_in(other)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == user.id)).all()
    assert {"sso.linked", "sign_in.succeeded"} <= set(actions)


def test_the_flow_uses_pkce_state_and_nonce(app, client, provider):
    provider.set_user("sub-p", **_claims("p@example.org"))
    make_user(email="p@example.org")
    db.session.commit()
    url = _start(client)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert query["state"] and query["nonce"] and "openid" in query["scope"].split()
    back = provider.authorize(url, "sub-p")
    parts = urlsplit(back)
    assert client.get(f"{parts.path}?{parts.query}").status_code == 303
    (token_request,) = [sent for path, sent in provider.requests if path == "/oauth2/token"]
    verifier = token_request["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == query["code_challenge"]


def test_someone_not_set_up_is_told_to_ask_their_administrator(app, client, provider):
    provider.set_user("sub-stranger", **_claims("stranger@example.org"))
    answer, _ = _sign_in(client, provider, "sub-stranger")
    assert answer.status_code == 403
    assert "Ask your Highlight administrator" in parse(answer).get_text()
    assert not _signed_in(client)
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sso.refused"))
    assert json.loads(refused.after)["reason"] == "no account with this email address"


def test_an_unverified_email_matches_no_one(app, client, provider):
    make_user(email="priya@example.org")
    db.session.commit()
    provider.set_user("sub-x", **_claims("priya@example.org", verified=False))
    assert _sign_in(client, provider, "sub-x")[0].status_code == 403
    assert not _signed_in(client)


def test_an_account_linked_to_another_identity_is_not_taken_over(app, client, provider):
    user = make_user(email="priya@example.org")
    user.oidc_issuer, user.oidc_subject = provider.issuer, "sub-original"
    db.session.commit()
    provider.set_user("sub-impostor", **_claims("priya@example.org"))
    assert _sign_in(client, provider, "sub-impostor")[0].status_code == 403


def test_a_deactivated_account_cannot_sign_in(app, client, provider):
    user = make_user(email="priya@example.org")
    user.active = False
    db.session.commit()
    provider.set_user("sub-priya", **_claims("priya@example.org"))
    assert _sign_in(client, provider, "sub-priya")[0].status_code == 403


def test_with_create_users_a_newcomer_gets_an_account_with_no_roles(app, client, provider):
    app.config["OIDC_CREATE_USERS"] = True
    provider.set_user("sub-new", **_claims("new@example.org", name="New Colleague"))
    assert _sign_in(client, provider, "sub-new")[0].status_code == 303 and _signed_in(client)
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.name == "New Colleague" and user.memberships == [] and not user.has_password


def test_a_tampered_id_token_is_refused(app, client, provider):
    make_user(email="victim@example.org")
    db.session.commit()
    provider.set_user("sub-attacker", **_claims("attacker@example.org"))

    def tamper(token: dict) -> dict:
        header, payload, signature = token["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["email"] = "victim@example.org"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return {**token, "id_token": f"{header}.{forged}.{signature}"}

    provider.change_token = tamper
    answer, _ = _sign_in(client, provider, "sub-attacker")
    assert answer.status_code == 401 and not _signed_in(client)
    assert "signature" in _refusals()[0]["reason"]


def test_an_id_token_for_another_client_is_refused(app, client, provider):
    make_user(email="priya@example.org")
    db.session.commit()
    provider.set_user("sub-priya", **_claims("priya@example.org"))
    url = _start(client)
    # A real token from the same provider, issued to another application, with this sign-in's nonce.
    foreign = provider.token_for(
        url, "sub-priya", client_id="another-app", redirect_uri="http://localhost/another/callback"
    )
    provider.change_token = lambda token: {**token, "id_token": foreign["id_token"]}
    back = provider.authorize(url, "sub-priya")
    parts = urlsplit(back)
    answer = client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 401 and not _signed_in(client)
    assert "aud" in _refusals()[0]["reason"]


def test_an_expired_id_token_is_refused(app, client, provider, monkeypatch):
    make_user(email="priya@example.org")
    db.session.commit()
    provider.set_user("sub-priya", **_claims("priya@example.org"))
    real = oidc.clock
    monkeypatch.setattr(oidc, "clock", lambda: real() + 2 * 3600)  # the provider's tokens last an hour
    answer, _ = _sign_in(client, provider, "sub-priya")
    assert answer.status_code == 401 and not _signed_in(client)
    assert "exp" in _refusals()[0]["reason"]


def test_an_answer_replayed_is_refused(app, client, provider):
    make_user(email="priya@example.org")
    db.session.commit()
    provider.set_user("sub-priya", **_claims("priya@example.org"))
    answer, callback = _sign_in(client, provider, "sub-priya")
    assert answer.status_code == 303
    exchanges = len([p for p, _ in provider.requests if p == "/oauth2/token"])

    client.post(url_for("auth.logout"))
    again = client.get(callback)  # the same browser: its state was used up
    elsewhere = app.test_client().get(callback)  # another browser never had that state
    assert again.status_code == elsewhere.status_code == 401
    assert not _signed_in(client)
    # Refused before the code is even sent to the provider.
    assert len([p for p, _ in provider.requests if p == "/oauth2/token"]) == exchanges
    assert all("state" in refusal["reason"] for refusal in _refusals())


def test_an_error_from_the_provider_signs_no_one_in(app, client, provider):
    url = _start(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    answer = client.get(url_for("auth.sso_callback", error="access_denied", state=state))
    assert answer.status_code == 401 and not _signed_in(client)


def test_password_sign_in_can_be_turned_off(app, client):
    app.config["PASSWORD_SIGN_IN"] = False
    page = parse(client.get(url_for("auth.login")))
    assert not page.select("input[type=password]") and "Sign in with Microsoft" in page.get_text()
    make_user(email="priya@example.org")
    db.session.commit()
    from tests.factories import PASSWORD

    assert (
        client.post(url_for("auth.login"), data={"email": "priya@example.org", "password": PASSWORD}).status_code == 404
    )
    assert client.get(url_for("auth.forgot_password")).status_code == 404


def test_an_action_after_twelve_hours_asks_the_provider_to_sign_the_person_in_again(app, client, provider, world):
    from tests.auth.helpers import make_stale

    lead, proposal = world.a.lead, world.a.proposal
    lead.oidc_issuer, lead.oidc_subject = provider.issuer, "sub-lead"
    db.session.commit()
    provider.set_user("sub-lead", **_claims(lead.email))
    assert _sign_in(client, provider, "sub-lead")[0].status_code == 303
    make_stale(client)

    decide = url_for("proposals.decide", proposal_id=proposal.id)
    asked = client.post(decide, data={"decision": "approve", "reason": "Seen the minutes", "version": proposal.version})
    again = client.get(asked.headers["Location"])
    assert again.headers["Location"].startswith(url_for("auth.sso_start"))
    to_provider = client.get(again.headers["Location"]).headers["Location"]
    query = parse_qs(urlsplit(to_provider).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    back = urlsplit(provider.authorize(to_provider, "sub-lead"))
    returned = client.get(f"{back.path}?{back.query}")
    detail = url_for("proposals.detail", proposal_id=proposal.id)
    assert returned.headers["Location"] == detail
    assert parse(client.get(detail)).select_one("textarea[name=reason]").get_text() == "Seen the minutes"
    assert client.post(decide, data={"decision": "approve", "version": proposal.version}).status_code == 303


def test_with_passwords_off_an_invitation_says_to_sign_in_with_the_provider(app, login_as, world):
    from app.models import AccountToken, OutboxEmail

    app.config["PASSWORD_SIGN_IN"] = False
    response = login_as(world.admin).post(
        url_for("admin.new_user"), data={"name": "New Person", "email": "new@example.org"}
    )
    assert response.status_code == 303
    body = db.session.scalar(select(OutboxEmail.body).where(OutboxEmail.to == "new@example.org"))
    assert "Sign in with Microsoft" in body and url_for("auth.login") in body
    assert db.session.scalar(select(AccountToken)) is None  # no password link to leak
