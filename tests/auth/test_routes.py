import pytest
from flask import url_for

from app.config import TestConfig
from tests.conftest import parse
from tests.factories import PASSWORD, make_user


def _sign_in(client, email, password, next_url=None):
    url = url_for("auth.login", next=next_url) if next_url else url_for("auth.login")
    return client.post(url, data={"email": email, "password": password})


def test_signing_in_with_the_real_form_reaches_the_dashboard(app, client):
    user = make_user("Priya Shah", email="priya@example.org")
    app.extensions["sqlalchemy"].session.commit()
    response = _sign_in(client, "Priya@Example.org ", PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == url_for("dashboard.index")
    page = parse(client.get(url_for("dashboard.index")))
    assert user.name in page.select_one("h1").get_text()


def test_wrong_password_shows_an_error_summary_and_stays_signed_out(app, client):
    make_user(email="priya@example.org")
    app.extensions["sqlalchemy"].session.commit()
    response = _sign_in(client, "priya@example.org", "wrong password")
    assert response.status_code == 401
    page = parse(response)
    assert "Enter a correct email address and password" in page.select_one(".govuk-error-summary").get_text()
    assert page.title.get_text().startswith("Error:")
    assert client.get(url_for("dashboard.index")).status_code == 302


def test_unknown_email_gets_the_same_error_as_a_wrong_password(client):
    response = _sign_in(client, "nobody@example.org", PASSWORD)
    assert response.status_code == 401
    assert "Enter a correct email address and password" in parse(response).get_text()


def test_missing_fields_are_named(client):
    page = parse(client.post(url_for("auth.login"), data={}))
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Enter your email address" in summary
    assert "Enter your password" in summary


def test_deactivated_user_cannot_sign_in(app, client):
    user = make_user(email="gone@example.org")
    user.active = False
    app.extensions["sqlalchemy"].session.commit()
    assert _sign_in(client, "gone@example.org", PASSWORD).status_code == 401


@pytest.mark.parametrize("target", ["/workstreams/1/plan", "/admin/users?x=1"])
def test_next_follows_local_paths(app, client, target):
    make_user(email="priya@example.org")
    app.extensions["sqlalchemy"].session.commit()
    response = _sign_in(client, "priya@example.org", PASSWORD, target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "/%0d%0aevil",
        "/\tevil",
    ],
)
def test_next_never_leaves_the_site(app, client, target):
    make_user(email="priya@example.org")
    app.extensions["sqlalchemy"].session.commit()
    response = _sign_in(client, "priya@example.org", PASSWORD, target)
    location = response.headers["Location"]
    assert location in (url_for("dashboard.index"), target) and location.startswith("/")
    assert not location.startswith("//") and "evil.example" not in location.split("?")[0].lstrip("/").split("/")[0]


def test_anonymous_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get(url_for("dashboard.index"))
    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]
    assert "next=" in response.headers["Location"]


def test_sign_out_ends_the_session(login_as, world):
    client = login_as(world.a.lead)
    assert client.get(url_for("dashboard.index")).status_code == 200
    response = client.post(url_for("auth.logout"))
    assert response.status_code == 303
    assert client.get(url_for("dashboard.index")).status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(app, client):
    make_user(email="priya@example.org")
    app.extensions["sqlalchemy"].session.commit()
    response = _sign_in(client, "priya@example.org", PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.fixture
def csrf_app(database_template, tmp_path):
    from app import create_app
    from app.auth.sessions import SignedInClient

    config = TestConfig(database_template(tmp_path), tmp_path)
    config.WTF_CSRF_ENABLED = True
    app = create_app(config)
    app.test_client_class = SignedInClient
    with app.test_request_context():
        yield app


def test_csrf_header_is_accepted_and_a_missing_token_refused(csrf_app):
    from app.extensions import db

    user = make_user(email="priya@example.org")
    db.session.commit()
    client = csrf_app.test_client(user=user)
    page = parse(client.get(url_for("dashboard.index")))
    token = page.select_one("input[name=csrf_token]")["value"]
    # hx-post carries the token in the X-CSRFToken header set on <body>
    assert token in page.body["hx-headers"]
    refused = client.post(url_for("auth.logout"), headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post(url_for("auth.logout"), headers={"X-CSRFToken": token})
    assert accepted.status_code == 303


def test_form_post_without_token_is_redirected_with_a_message(csrf_app):
    client = csrf_app.test_client()
    response = client.post(url_for("auth.login"), data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 303
