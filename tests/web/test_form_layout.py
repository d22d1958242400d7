"""A page whose form is the page fills the form layout: one back link, error summary, heading, CSRF token and button
for all of them, so a change to that skeleton (its accessibility above all) reaches every form at once."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LAYOUT = "layouts/form.html"
POST_FORM = re.compile(r"<form method=\"post\"", re.I)
# The two ways a template draws a form's error summary: the shared macro, or GOV.UK's fed with the form's errors.
ERROR_SUMMARY = re.compile(r"\berror_summary\(|\bwtforms_errors\(")
EXTENDS_LAYOUT = re.compile(r"\{%-?\s*extends\s+[\"']" + re.escape(LAYOUT) + r"[\"']")

# Pages with a post form and an error summary whose form is one part among others: each says why.
NOT_FORM_PAGES = {
    "admin/user.html": "a person's page: access and sign-in buttons, their roles, then a form to add one",
    "proposals/detail.html": "a proposal's page: adding evidence is one panel beside its decision and history",
    "reports/confirm_sign_off.html": "a confirmation: sign off or return, two forms under the snapshot's summary",
    "reports/edit.html": "the report editor: full width, autosaved, each board decision in a form of its own",
    "reports/workstream.html": "a workstream's list of reports, with a form to start the next one below it",
}


def _name(path: Path) -> str:
    return path.relative_to(TEMPLATES).as_posix()


def _draws_a_form_page(text: str) -> bool:
    return bool(POST_FORM.search(text) and ERROR_SUMMARY.search(text))


PAGES = {_name(path): path.read_text() for path in sorted(TEMPLATES.rglob("*.html")) if _name(path) != LAYOUT}
ON_THE_LAYOUT = sorted(name for name, text in PAGES.items() if EXTENDS_LAYOUT.search(text))


def test_a_page_with_a_post_form_and_an_error_summary_fills_the_form_layout():
    own_skeleton = [
        name
        for name, text in PAGES.items()
        if _draws_a_form_page(text) and name not in ON_THE_LAYOUT and name not in NOT_FORM_PAGES
    ]
    assert own_skeleton == [], f"extend {LAYOUT} and fill its blocks, or list the page in NOT_FORM_PAGES with why"


@pytest.mark.parametrize("name", ON_THE_LAYOUT)
def test_a_page_on_the_form_layout_leaves_the_form_and_its_summary_to_it(name):
    assert not POST_FORM.search(PAGES[name]) and not ERROR_SUMMARY.search(PAGES[name])


@pytest.mark.parametrize("name", sorted(NOT_FORM_PAGES))
def test_every_page_let_off_still_has_a_post_form_and_an_error_summary(name):
    assert name not in ON_THE_LAYOUT and _draws_a_form_page(PAGES[name]), "remove it from NOT_FORM_PAGES"
