"""Importing in the browser: upload, preview with every problem or change, confirm (checked again); template and
export downloads."""

import io
from datetime import date

from flask import url_for
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import AuditEvent, Milestone, PendingImport, Proposal
from tests.conftest import parse

HEADER = "section,reference,milestone,owner_email,due,revised_due,completed_on,comments\n"


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def upload(client, workstream, content: bytes, filename: str = "plan.csv"):
    return client.post(
        url_for("imports.upload", workstream_id=workstream.id),
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def good_file(world) -> bytes:
    owner = world.a.owner.email
    return csv_bytes(
        f"1,1.1,{world.a.milestone.text},{owner},March 2030,June 2030,,Needs more time",
        f"2. Reporting,2.1,Monthly scorecard,{owner},May 2030,,,",
    )


def test_lead_uploads_previews_and_confirms_an_import(app, world, login_as, session):
    client = login_as(world.a.lead)
    response = upload(client, world.a.workstream, good_file(world))
    assert response.status_code == 303
    preview_url = response.headers["Location"]

    page = parse(client.get(preview_url))
    assert page.select_one(".govuk-error-summary") is None
    assert page.select_one("#import-milestone-totals").get_text(" ", strip=True).startswith("1 added, 1 updated")
    changes = [li.get_text(strip=True) for li in page.select("#import-milestone-changes li")]
    # The plan has milestones, so the new revised date of 1.1 becomes a proposal for someone else to decide.
    assert changes == ["Updated 1.1 (comments)", "Revised date proposed 1.1", "Added 2.1"]
    assert page.select_one("#import-proposals") is not None
    assert [li.get_text(strip=True) for li in page.select("#import-section-changes li")] == [
        "Added section 2. Reporting"
    ]
    # Nothing is written by the preview.
    assert session.scalar(select(Milestone).where(Milestone.reference == "2.1")) is None

    form = page.select_one(f"form[action='{url_for('imports.confirm', workstream_id=world.a.workstream.id)}']")
    upload_id = form.select_one("input[name=upload]")["value"]
    response = client.post(url_for("imports.confirm", workstream_id=world.a.workstream.id), data={"upload": upload_id})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("plan.show", workstream_id=world.a.workstream.id))

    session.expire_all()
    added = session.scalar(select(Milestone).where(Milestone.reference == "2.1"))
    assert added.section.title == "Reporting"
    assert world.a.milestone.comments == "Needs more time"
    assert world.a.milestone.revised_due is None
    proposal = session.scalar(
        select(Proposal).where(Proposal.milestone_id == world.a.milestone.id, Proposal.kind == "date_change")
    )
    assert (proposal.state, proposal.proposed_by_id, proposal.new_due) == (
        "pending",
        world.a.lead.id,
        date(2030, 6, 30),
    )
    assert session.scalar(select(PendingImport)) is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.imported"))
    assert event.actor_id == world.a.lead.id
    page = parse(client.get(url_for("plan.show", workstream_id=world.a.workstream.id)))
    assert "Imported plan.csv: 1 milestone added, 1 updated; 1 proposal waiting for a decision" in page.get_text()


def test_preview_lists_every_problem_with_its_row_and_column_and_offers_no_import(app, world, login_as, session):
    client = login_as(world.a.lead)
    content = csv_bytes(
        "1,1.5,Scorecards,nobody@example.org,May 2030,,,",
        "1,1.6,Dashboards,,31/02/2030,,,",
        "1,1.5,Again,,May 2030,,,",
    )
    page = parse(client.get(upload(client, world.a.workstream, content).headers["Location"]))

    assert page.title.get_text().startswith("Error:")
    problems = [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")]
    assert problems == [
        "Row 2, column owner_email: No user has the email nobody@example.org: ask an administrator to add them",
        'Row 3, column due: Enter a real date: "31/02/2030" does not exist',
        "Row 4, column reference: Reference 1.5 is already used in row 2",
    ]
    assert page.select_one("form[action*='confirm']") is None


def test_confirm_checks_the_file_again_and_writes_nothing_if_it_no_longer_fits(app, world, login_as, session):
    client = login_as(world.a.lead)
    preview_url = upload(client, world.a.workstream, good_file(world)).headers["Location"]
    upload_id = parse(client.get(preview_url)).select_one("input[name=upload]")["value"]
    # Between preview and confirm the owner's account is deactivated.
    world.a.owner.active = False
    session.commit()

    response = client.post(url_for("imports.confirm", workstream_id=world.a.workstream.id), data={"upload": upload_id})

    assert response.status_code == 200
    problems = parse(response).select(".govuk-error-summary__list li")
    assert "Row 2, column owner_email:" in problems[0].get_text()
    session.expire_all()
    assert session.scalar(select(Milestone).where(Milestone.reference == "2.1")) is None
    assert world.a.milestone.comments == ""


def test_a_completion_cannot_be_imported_over_one_awaiting_approval(app, world, login_as):
    client = login_as(world.a.lead)
    content = csv_bytes(f"1,1.1,{world.a.milestone.text},,2030-03-31,,2024-03-01,")
    page = parse(client.get(upload(client, world.a.workstream, content).headers["Location"]))
    problems = [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")]
    assert problems == [
        "Row 2, column completed_on: Milestone 1.1 has a proposal of completion awaiting a decision: decide it before "
        "importing another"
    ]


def test_nobody_can_confirm_another_persons_upload(app, world, login_as, session):
    lead = login_as(world.a.lead)
    upload(lead, world.a.workstream, good_file(world))
    pending = session.scalar(select(PendingImport))
    other_lead = login_as(world.b.lead)
    response = other_lead.post(
        url_for("imports.confirm", workstream_id=world.b.workstream.id), data={"upload": pending.id}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("imports.upload", workstream_id=world.b.workstream.id))
    assert session.scalar(select(Milestone).where(Milestone.reference == "2.1")) is None


def test_only_spreadsheets_and_word_reports_are_accepted(app, world, login_as):
    response = upload(login_as(world.a.lead), world.a.workstream, b"hello", filename="notes.txt")
    assert response.status_code == 200
    page = parse(response)
    assert (
        "The selected file must be an Excel workbook (.xlsx), a CSV file or last period's report (.docx)"
        in page.select_one(".govuk-error-summary").get_text()
    )


def test_an_unreadable_workbook_is_refused_on_the_upload_form_and_nothing_is_kept(app, world, login_as, session):
    response = upload(login_as(world.a.lead), world.a.workstream, b"PK\x03\x04-not-really", "plan.xlsx")
    assert response.status_code == 200
    summary = parse(response).select_one(".govuk-error-summary").get_text()
    assert "plan.xlsx: The file is not an Excel workbook (.xlsx): the file is damaged" in summary
    assert session.scalar(select(PendingImport)) is None


def test_template_download_has_the_import_columns(app, world, login_as):
    response = login_as(world.a.lead).get(url_for("imports.template", workstream_id=world.a.workstream.id))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["milestones", "risks", "instructions", "lists"]
    assert [c.value for c in workbook["milestones"][1]][:8] == HEADER.strip().split(",")
    risk_columns = "reference,risk,description,likelihood,impact,mitigation,mitigation_date"
    assert [c.value for c in workbook["risks"][1]][:7] == risk_columns.split(",")


def test_the_plan_page_links_to_import_and_export(app, world, login_as):
    lead_page = parse(login_as(world.a.lead).get(url_for("plan.show", workstream_id=world.a.workstream.id)))
    assert lead_page.find("a", href=url_for("imports.upload", workstream_id=world.a.workstream.id)) is not None
    assert lead_page.find("a", href=url_for("imports.export", workstream_id=world.a.workstream.id)) is not None
    owner_page = parse(login_as(world.a.owner).get(url_for("plan.show", workstream_id=world.a.workstream.id)))
    assert owner_page.find("a", href=url_for("imports.upload", workstream_id=world.a.workstream.id)) is None
    assert owner_page.find("a", href=url_for("imports.export", workstream_id=world.a.workstream.id)) is not None
