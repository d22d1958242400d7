"""Browser fixtures: Debian's chromium through Playwright, the app in a live server with CSRF on, and axe-core.

Use them like this::

    @pytest.mark.browser
    def test_something(demo_server, page):
        sign_in(page, demo_server, data.LEAD)
        page.goto(demo_server.url("plan.show", workstream_id=demo_server.workstream_id))
        assert_accessible(page)

``demo_server`` is module-scoped: every test of a module shares one database with the demo loaded (argon2 makes
loading it slowish), so a test that changes data should not rely on another test's leftovers. ``page`` is a new
browser context per test (no cookies carried over).
"""

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from flask import Flask, url_for
from werkzeug.serving import make_server

from app.demo import data
from app.extensions import db as _db
from app.models import Workstream
from app.services.demo import load_demo
from tests.browser_setup import CHROMIUM
from tests.conftest import make_test_app

PASSWORD = "browser demo password"
# The network here is closed: these stop chromium from reaching out (and flooding refused connections).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"chromium is not installed at {CHROMIUM} (apt-get install chromium, or run `make test` as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@dataclass
class LiveServer:
    app: Flask
    base_url: str
    workstream_id: int
    signed_in_states: dict = field(default_factory=dict)

    def url(self, endpoint: str, **values) -> str:
        with self.app.test_request_context(base_url=self.base_url):
            return url_for(endpoint, _external=True, **values)

    def path(self, endpoint: str, **values) -> str:
        with self.app.test_request_context(base_url=self.base_url):
            return url_for(endpoint, **values)

    def query(self, statement):
        """Run a read in the server's database (for looking up ids to visit)."""
        with self.app.app_context():
            try:
                return _db.session.execute(statement)
            finally:
                _db.session.remove()


@contextmanager
def serve_demo(database_template, tmp_path_factory, today: date | None = None):
    """The app with the demo loaded (as published, or set in ``today``'s week), served on 127.0.0.1 on a free
    port, CSRF on (real forms)."""
    tmp: Path = tmp_path_factory.mktemp("live")
    app = make_test_app(database_template(tmp), tmp)
    app.config["WTF_CSRF_ENABLED"] = True
    # Static files do not change while a test runs: the browser keeps them rather than asking again on every page.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    with app.app_context():
        load_demo(_db.session, PASSWORD, today)
        _db.session.commit()
        workstream_id = _db.session.scalar(_db.select(Workstream.id).where(Workstream.name == data.WORKSTREAM["name"]))
        _db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", workstream_id)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture(scope="module")
def demo_server(browser, database_template, tmp_path_factory):
    """The demo as published (the seed's own dates), served."""
    with serve_demo(database_template, tmp_path_factory) as server:
        yield server


def open_milestone_reference(email: str) -> str:
    """The reference of a seed milestone owned by ``email`` that is still open (neither completed nor removed)."""
    return next(
        m.reference for m in data.MILESTONES if m.owner_email == email and not m.completed_on and not m.removed_reason
    )


def sign_in(page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and wait for the dashboard."""
    page.goto(server.url("auth.login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url("dashboard.index"))


@contextmanager
def pages_signed_in(browser, server: LiveServer):
    """``make(email)`` → a page in a new context signed in as that demo person on ``server``. The first time for each
    person (per server) goes through the sign-in form; later ones reuse its cookies, sparing an argon2 check each."""
    contexts = []

    def make(email: str, **context_options):
        state = server.signed_in_states.get(email)
        context = browser.new_context(storage_state=state, **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if state is None:
            sign_in(page, server, email)
            server.signed_in_states[email] = context.storage_state()
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page_as(browser, demo_server):
    """``page_as(email)`` → a page signed in as that person on the demo as published (see pages_signed_in)."""
    with pages_signed_in(browser, demo_server) as make:
        yield make


@pytest.fixture(scope="module")
def week_server(browser, database_template, tmp_path_factory):
    """The demo set in today's week (owners' proposals waiting, a previous paper signed off), served."""
    with serve_demo(database_template, tmp_path_factory, date.today()) as server:
        yield server


@pytest.fixture
def week_page_as(browser, week_server):
    """``week_page_as(email)`` → a page signed in as that person on the demo set in today's week."""
    with pages_signed_in(browser, week_server) as make:
        yield make


# The narrowest screen the pages must fit without scrolling sideways (WCAG 2.2 1.4.10 Reflow: 320 CSS pixels).
PHONE = {"width": 320, "height": 640}

# Everything on the page that scrolls sideways: the page itself, and each element with room to scroll, saying
# whether it is a labelled region that takes keyboard focus (the only kind allowed to).
_SIDEWAYS = """() => {
  const page = document.scrollingElement;
  const scrollers = [...document.querySelectorAll("body *")].filter((element) => {
    if (element.scrollWidth <= element.clientWidth + 1) {
      return false;
    }
    const overflow = getComputedStyle(element).overflowX;
    return overflow === "auto" || overflow === "scroll";
  });
  return {
    width: page.scrollWidth,
    viewport: page.clientWidth,
    scrollers: scrollers.map((element) => ({
      html: element.outerHTML.slice(0, 160),
      labelled: element.getAttribute("role") === "region" && !!element.getAttribute("aria-label")
        && element.tabIndex === 0,
    })),
  };
}"""


def sideways_scrolling(page) -> list[str]:
    """What scrolls sideways on the page as it is now and should not: the page itself when it is wider than the
    viewport, and any element that scrolls sideways without being a labelled, focusable region. Empty when the
    page reflows."""
    found = page.evaluate(_SIDEWAYS)
    problems = []
    if found["width"] > found["viewport"]:
        problems.append(f"the page is {found['width']} px wide in a {found['viewport']} px viewport")
    problems += [f"scrolls without a label: {s['html']}" for s in found["scrollers"] if not s["labelled"]]
    return problems


def assert_accessible_at_both_widths(page) -> None:
    """axe-core on the page as it is now on a desktop screen, then on a phone (where it must not scroll sideways
    either); the viewport is put back afterwards."""
    desktop = page.viewport_size
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    try:
        assert_accessible(page)
        assert sideways_scrolling(page) == []
    finally:
        page.set_viewport_size(desktop)


def assert_accessible(page, context=None) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) on the page as it is now; fail listing every violation."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, context=context, options=options).response["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  {v.get('helpUrl', '')}")
            for node in v["nodes"]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}")
                lines.append(f"      {node.get('html', '')[:300]}")
        pytest.fail("\n".join(lines), pytrace=False)
