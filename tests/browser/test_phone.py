"""Every page on a phone. From each person's dashboard on the demo set in today's week, a crawl follows every link
to a page (not downloads) at 320 × 640 and finds: no page that scrolls sideways, where a table that must stay a
table scrolls only inside its own labelled region (WCAG 2.2 1.4.10 Reflow); one h1 and a title of its own on each
page; no link to a page that fails."""

import re
from urllib.parse import urlsplit

import pytest

from app.demo import data
from tests.browser.conftest import PHONE, sideways_scrolling

pytestmark = pytest.mark.browser

DOWNLOADS = re.compile(r"\.(xlsx|docx|pdf|json|csv)$")

_PAGE_FACTS = """() => ({
  title: document.title,
  headings: document.querySelectorAll("h1").length,
  links: [...document.querySelectorAll("a[href]:not([download])")].map((a) => a.href.split("#")[0]),
})"""


def _is_page(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return url.startswith(origin) and not DOWNLOADS.search(parts.path) and not parts.path.startswith("/static/")


def crawl(page, server) -> dict[str, dict]:
    """Every page reachable by links from the dashboard: its status, title, h1 count and what scrolls sideways."""
    origin = server.base_url + "/"
    queue, found = [server.url("dashboard.index")], {}
    while queue:
        url = queue.pop(0)
        if url in found:
            continue
        response = page.goto(url, wait_until="load")
        facts = page.evaluate(_PAGE_FACTS)
        facts.update(status=response.status, sideways=sideways_scrolling(page))
        found[url] = facts
        queue += [link for link in facts.pop("links") if _is_page(link, origin) and link not in found]
    return found


@pytest.mark.parametrize("email", [data.ADMIN, data.LEAD, data.OWNER, data.SPONSOR, data.VIEWER])
def test_every_page_a_person_reaches_fits_a_phone_with_one_h1_and_its_own_title(week_server, week_page_as, email):
    pages = crawl(week_page_as(email, viewport=PHONE), week_server)

    assert len(pages) > 3
    problems = [f"{url}: {problem}" for url, facts in pages.items() for problem in facts["sideways"]]
    problems += [f"{url}: status {facts['status']}" for url, facts in pages.items() if facts["status"] != 200]
    problems += [f"{url}: {facts['headings']} h1" for url, facts in pages.items() if facts["headings"] != 1]
    by_title: dict[str, list[str]] = {}
    for url, facts in pages.items():
        by_title.setdefault(facts["title"], []).append(url)
    problems += [f"title {title!r} on {urls}" for title, urls in by_title.items() if len(urls) > 1]
    assert not problems, f"{len(problems)} problem(s) in {len(pages)} pages:\n" + "\n".join(problems)


def test_the_check_finds_a_page_wider_than_the_phone_and_a_scroller_without_a_label(page):
    page.set_viewport_size(PHONE)
    page.set_content("<!doctype html><html><body><main><p style='width: 600px'>wide</p></main></body></html>")
    (problem,) = sideways_scrolling(page)
    assert re.fullmatch(r"the page is \d+ px wide in a 320 px viewport", problem)

    regions = "".join(
        f"<div style='overflow-x: auto' {attributes}><p style='width: 600px'>wide</p></div>"
        for attributes in (
            "id=bare",
            "role=region aria-label='Risks' id=unfocusable",
            "role=region aria-label=Plan tabindex=0",
        )
    )
    page.set_content(f"<!doctype html><html><body><main>{regions}</main></body></html>")
    problems = sideways_scrolling(page)
    assert [re.search(r'id="(\w+)"', problem).group(1) for problem in problems] == ["bare", "unfocusable"]
