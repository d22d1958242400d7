"""An invitation followed from the outbox: the person sets their own password, sets up an authenticator app (an
administrator must, with MFA_REQUIRED), and signs in with both. axe checks each page on the way."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from app.demo import data
from app.models import OutboxEmail
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

EMAIL = "new.admin@example.org"
NEW_PASSWORD = "granite harbour lanterns"


def test_an_invited_person_sets_a_password_sets_up_an_app_and_signs_in(demo_server, page, browser):
    sign_in(page, demo_server, data.ADMIN)  # the demo's admin, before an app is required of admins
    demo_server.app.config["MFA_REQUIRED"] = True
    try:
        page.goto(demo_server.url("admin.new_user"))
        assert_accessible(page)
        page.get_by_label("Full name").fill("New Administrator")
        page.get_by_label("Email address").fill(EMAIL)
        page.get_by_label("Administrator").check()
        page.get_by_role("button", name="Send invitation").click()
        page.get_by_text(f"Invitation sent to {EMAIL}").wait_for()

        body = demo_server.query(select(OutboxEmail.body).where(OutboxEmail.to == EMAIL)).scalar_one()
        (link,) = re.findall(r"^(/auth/invitation/\S+)$", body, flags=re.M)

        invited = browser.new_context()
        invited.set_default_timeout(10_000)
        person = invited.new_page()
        person.goto(demo_server.base_url + link)
        assert_accessible(person)
        person.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        person.get_by_role("button", name="Save password").click()

        person.wait_for_url(demo_server.url("auth.set_up_second_factor"))
        assert_accessible(person)
        assert person.locator("img.app-qr-code").get_attribute("src").startswith("data:image/svg+xml")
        person.get_by_text("I cannot scan the QR code").click()
        secret = person.locator("#secret").inner_text().replace(" ", "")
        totp = pyotp.TOTP(secret)
        person.get_by_label("Code from your authenticator app").fill(totp.now())
        person.get_by_role("button", name="Set up").click()
        assert person.locator("#recovery-codes code").count() == 10
        assert_accessible(person)
        person.get_by_role("link", name="I have kept my codes: continue").click()
        person.wait_for_url(demo_server.url("dashboard.index"))

        person.get_by_role("button", name="Sign out").click()
        person.wait_for_url(demo_server.url("auth.login"))
        person.get_by_label("Email address").fill(EMAIL)
        person.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        person.get_by_role("button", name="Sign in").click()
        person.wait_for_url(demo_server.url("auth.second_factor"))
        assert_accessible(person)
        # The code just used is refused a second time: the next one (within the allowed drift) is accepted.
        person.get_by_label("Code").fill(totp.at(time.time() + totp.interval))
        person.get_by_role("button", name="Continue").click()
        person.wait_for_url(demo_server.url("dashboard.index"))
        assert "New Administrator" in person.locator("h1").inner_text()
        invited.close()
    finally:
        demo_server.app.config["MFA_REQUIRED"] = False
