"""Admins onboard: an admin creates a workstream and imports its plan from the browser (nothing is created until
the import is confirmed) and may import into a workstream with no milestones yet; a lead imports into their own
workstreams only."""

import io

from flask import url_for
from sqlalchemy import func, select

from app.domain.permissions import Role, may_import_plan
from app.extensions import db
from app.models import Milestone, PendingImport, Proposal, Workstream
from tests.conftest import parse
from tests.factories import make_member, make_workstream

PLAN = (
    "section,reference,milestone,owner_email,due,completed_on\n"
    "1. Front door,1.1,Triage form,,March 2031,\n"
    "1. Front door,1.2,Screening,,March 2021,2021-03-15\n"
)


def test_the_policy_lets_a_lead_import_and_an_admin_only_into_an_empty_plan():
    assert may_import_plan({Role.LEAD}, is_admin=False, plan_is_empty=False)
    assert may_import_plan((), is_admin=True, plan_is_empty=True)
    assert not may_import_plan((), is_admin=True, plan_is_empty=False)
    for role in (Role.OWNER, Role.SPONSOR, Role.VIEWER):
        assert not may_import_plan({role}, is_admin=False, plan_is_empty=True)


def create(client, world, name="Gamma", content=PLAN.encode(), filename="plan.csv"):
    return client.post(
        url_for("imports.new_workstream"),
        data={"programme_id": world.programme.id, "name": name, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_an_admin_creates_a_workstream_from_its_plan_and_nothing_exists_until_confirmed(app, world, login_as):
    client = login_as(world.admin)
    form_page = parse(client.get(url_for("imports.new_workstream")))
    assert form_page.select_one("select[name=programme_id] option").get_text() == world.programme.name
    assert form_page.find("a", href=url_for("imports.new_template")) is not None

    response = create(client, world)
    assert response.status_code == 303
    preview = parse(client.get(response.headers["Location"]))

    assert preview.select_one(".govuk-caption-l").get_text(strip=True) == "New workstream: Gamma"
    assert preview.select_one("#import-milestone-totals").get_text(" ", strip=True) == (
        "2 added, 0 updated, 1 completed, 0 unchanged"
    )
    assert db.session.scalar(select(Workstream).where(Workstream.name == "Gamma")) is None
    form = preview.select_one(f"form[action='{url_for('imports.new_workstream_confirm')}']")
    confirmed = client.post(form["action"], data={"upload": form.select_one("input[name=upload]")["value"]})

    gamma = db.session.scalar(select(Workstream).where(Workstream.name == "Gamma"))
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"].endswith(url_for("plan.show", workstream_id=gamma.id))
    milestones = db.session.scalars(select(Milestone).where(Milestone.workstream_id == gamma.id)).all()
    assert sorted(m.reference for m in milestones) == ["1.1", "1.2"]
    record = db.session.scalar(select(Proposal).join(Milestone).where(Milestone.workstream_id == gamma.id))
    assert (record.imported, record.proposed_by_id, record.decided_by_id) == (True, world.admin.id, None)
    assert db.session.scalar(select(func.count(PendingImport.id))) == 0


def test_a_taken_name_or_a_bad_file_is_shown_on_the_form_and_nothing_is_kept(app, world, login_as):
    client = login_as(world.admin)
    taken = parse(create(client, world, name=world.a.workstream.name))
    assert f"already has a workstream called {world.a.workstream.name}" in taken.select_one("#name-error").get_text()
    bad = parse(create(client, world, content=b"PK\x03\x04junk", filename="plan.xlsx"))
    assert "the file is damaged" in bad.select_one(".govuk-error-summary").get_text()
    assert db.session.scalar(select(func.count(PendingImport.id))) == 0


def test_a_name_taken_between_preview_and_confirm_is_a_problem_and_nothing_is_created(app, world, login_as):
    client = login_as(world.admin)
    preview = parse(client.get(create(client, world).headers["Location"]))
    upload_id = preview.select_one("input[name=upload]")["value"]
    make_workstream("Gamma", world.programme)
    db.session.commit()

    response = client.post(url_for("imports.new_workstream_confirm"), data={"upload": upload_id})

    assert response.status_code == 200
    problems = [li.get_text(strip=True) for li in parse(response).select(".govuk-error-summary__list li")]
    assert problems == [f"{world.programme.name} already has a workstream called Gamma"]
    assert db.session.scalar(select(func.count(Milestone.id)).join(Workstream).where(Workstream.name == "Gamma")) == 0


def test_an_admin_imports_into_an_empty_workstream_but_not_into_one_with_milestones(app, world, login_as):
    empty = make_workstream("Delta", world.programme)
    db.session.commit()
    client = login_as(world.admin)

    assert client.get(url_for("imports.upload", workstream_id=empty.id)).status_code == 200
    plan_page = parse(client.get(url_for("plan.show", workstream_id=empty.id)))
    assert plan_page.find("a", href=url_for("imports.upload", workstream_id=empty.id)) is not None
    response = client.post(
        url_for("imports.upload", workstream_id=empty.id),
        data={"file": (io.BytesIO(PLAN.encode()), "plan.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303

    full = world.a.workstream
    assert client.get(url_for("imports.upload", workstream_id=full.id)).status_code == 403
    assert client.get(url_for("imports.template", workstream_id=full.id)).status_code == 403
    plan_page = parse(client.get(url_for("plan.show", workstream_id=full.id)))
    assert plan_page.find("a", href=url_for("imports.upload", workstream_id=full.id)) is None


def test_a_lead_imports_into_their_own_workstreams_only(app, world, login_as):
    lead = world.a.lead
    other = make_workstream("Delta", world.programme)
    make_member(other, Role.OWNER, "Delta owner")
    db.session.commit()
    client = login_as(lead)
    assert client.get(url_for("imports.upload", workstream_id=world.a.workstream.id)).status_code == 200
    assert client.get(url_for("imports.upload", workstream_id=other.id)).status_code == 403
    assert client.get(url_for("imports.new_workstream")).status_code == 403
