import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.dates import format_plan_date
from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.domain.reports import ReportAction, ReportState, allowed_actions
from app.exports.docx import render_docx, report_docx
from app.exports.html import render_print_html
from app.exports.json import render_json
from app.exports.pdf import board_pack_pdf as render_board_pack_pdf
from app.exports.pdf import report_pdf
from app.extensions import db
from app.models import BoardMeeting, Report, SectionNarrative, Workstream
from app.reports import bp
from app.reports.forms import ConfirmForm, ReportForm, ReturnForm, SignOffForm, StartReportForm, section_field
from app.services import reports as service
from app.services.plan_view import load_plan
from app.services.report_model import (
    NARRATIVE_FIELDS,
    ReportExtras,
    ReportModel,
    SnapshotIntegrityError,
    build_board_pack,
    build_for_report,
    build_live,
    draft_as_of,
    latest_snapshot,
    load_report,
    verified_body,
)
from app.web.dates import as_of_arg, today
from app.web.forms import apply_domain_error
from app.web.htmx import redirect_after_post, render_page_or_block
from app.web.permissions import get_workstream_or_404, permission_required, require

log = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Loading ------------------------------------------------------------------------------------------------------


def _report_or_404(report_id: int, need: Permission | None = None) -> Report:
    """The report, or 404; then 403 unless the user holds ``need`` in its workstream.

    Without ``need``: reading it, which a signed-off report allows every member and any other only those who
    may read live reports.
    """
    report = db.session.get(
        Report,
        report_id,
        options=[joinedload(Report.workstream).joinedload(Workstream.programme), joinedload(Report.meeting)],
    )
    if report is None:
        abort(404)
    _require_for(report, need)
    return report


def _require_for(report: Report, need: Permission | None) -> None:
    if need is None:
        signed = report.state == ReportState.SIGNED_OFF.value
        need = Permission.VIEW_SIGNED_REPORT if signed else Permission.VIEW_LIVE_REPORT
    require(need, report.workstream_id)


def _model(report: Report, extras: ReportExtras | None = None) -> ReportModel:
    try:
        return build_for_report(db.session, report, today(), extras)
    except SnapshotIntegrityError:
        abort(500)


def _loaded_or_404(report_id: int, need: Permission | None = None) -> tuple[Report, ReportExtras]:
    """As ``_report_or_404``, with the report's narratives and previous RAG read in the same statement."""
    loaded = load_report(db.session, report_id)
    if loaded is None:
        abort(404)
    _require_for(loaded[0], need)
    return loaded


def _read_or_404(report_id: int) -> tuple[Report, ReportModel]:
    """The report the user may read and its model."""
    report, extras = _loaded_or_404(report_id)
    return report, _model(report, extras)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "report"


def _filename(model: ReportModel, extension: str) -> str:
    when = model.meeting_date or model.as_of
    return f"{_slug(model.workstream)}-{when.isoformat()}.{extension}"


def _download(body: bytes | str, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Lists --------------------------------------------------------------------------------------------------------


@bp.route("/reports")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def index():
    return render_template("reports/index.html", groups=service.reports_by_meeting(db.session, current_user))


def _start_form(workstream: Workstream) -> StartReportForm:
    form = StartReportForm()
    form.meeting_id.choices = [
        (m.id, f"{m.name}, {format_plan_date(m.date, False)}")
        for m in service.meetings_without_report(db.session, workstream)
    ]
    return form


def _workstream_page(workstream: Workstream, form: StartReportForm | None):
    can_live = current_user.can(Permission.VIEW_LIVE_REPORT, workstream.id)
    reports = [
        r for r in service.reports_for(db.session, workstream.id) if can_live or r.state == ReportState.SIGNED_OFF.value
    ]
    return render_template(
        "reports/workstream.html",
        workstream=workstream,
        reports=reports,
        form=form,
        can_live=can_live,
    )


@bp.route("/workstreams/<int:workstream_id>/reports")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def workstream(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.VIEW_SIGNED_REPORT)
    form = _start_form(workstream) if current_user.can(Permission.WRITE_REPORT, workstream.id) else None
    return _workstream_page(workstream, form)


@bp.route("/workstreams/<int:workstream_id>/reports/new", methods=["POST"])
@permission_required(Permission.WRITE_REPORT)
def new(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.WRITE_REPORT)
    form = _start_form(workstream)
    if form.validate_on_submit():
        meeting = db.session.get(BoardMeeting, form.meeting_id.data)
        try:
            report = service.create_report(db.session, current_user, workstream, meeting)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error, "meeting_id")
        else:
            db.session.commit()
            flash(f"Report started for {meeting.name}, {format_plan_date(meeting.date, False)}", "success")
            return redirect_after_post(url_for("reports.edit", report_id=report.id))
    return _workstream_page(workstream, form)


# The report page and its lifecycle ----------------------------------------------------------------------------


def _detail_page(report: Report, model: ReportModel, return_form: ReturnForm | None = None):
    actions = allowed_actions(
        report.state,
        current_user.roles_in(report.workstream_id),
        actor_id=current_user.id,
        submitted_by_id=report.submitted_by_id,
    )
    changes = ()
    snapshot = None
    if report.state == ReportState.AWAITING_SIGN_OFF.value:
        snapshot = latest_snapshot(db.session, report)
        try:
            changes = service.changes_since_submission(db.session, report, today())
        except SnapshotIntegrityError:
            abort(500)
    # Only the forms of the actions offered: each one makes a CSRF token.
    confirm_form = ConfirmForm() if actions & {ReportAction.EDIT, ReportAction.WITHDRAW} else None
    shown_return_form = return_form
    if shown_return_form is None and ReportAction.RETURN in actions:
        shown_return_form = ReturnForm(formdata=None)
    sign_off_form = None
    if ReportAction.SIGN_OFF in actions:
        sign_off_form = SignOffForm(snapshot_id=snapshot.id if snapshot else None)
    return render_template(
        "reports/detail.html",
        report=report,
        model=model,
        actions=actions,
        Action=ReportAction,
        changes=changes,
        confirm_form=confirm_form,
        return_form=shown_return_form,
        sign_off_form=sign_off_form,
        form=return_form,
    )


@bp.route("/reports/<int:report_id>")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def detail(report_id: int):
    return _detail_page(*_read_or_404(report_id))


def _link(report: Report) -> str:
    return url_for("reports.detail", report_id=report.id)


def _lifecycle(report: Report, run, done: str):
    """Run one lifecycle step from a button: flash what happened or why not, then back to the report."""
    if ConfirmForm().validate_on_submit():
        try:
            run()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect_after_post(_link(report))


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@permission_required(Permission.WRITE_REPORT)
def submit(report_id: int):
    report = _report_or_404(report_id, Permission.WRITE_REPORT)
    return _lifecycle(
        report,
        lambda: service.submit_report(db.session, current_user, report),
        "Report submitted for sign-off. The sponsor has been told.",
    )


@bp.route("/reports/<int:report_id>/withdraw", methods=["POST"])
@permission_required(Permission.WRITE_REPORT)
def withdraw(report_id: int):
    report = _report_or_404(report_id, Permission.WRITE_REPORT)
    return _lifecycle(
        report,
        lambda: service.withdraw_report(db.session, current_user, report),
        "Report withdrawn. It is a draft again.",
    )


@bp.route("/reports/<int:report_id>/return", methods=["POST"])
@permission_required(Permission.SIGN_OFF_REPORT)
def return_report(report_id: int):
    report = _report_or_404(report_id, Permission.SIGN_OFF_REPORT)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            service.return_report(db.session, current_user, report, form.comments.data)
        except DomainError as error:
            db.session.rollback()
            if error.field != "comments":
                flash(error.message, "error")
                return redirect_after_post(_link(report))
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash("Report returned to the project lead with your comments.", "success")
            return redirect_after_post(_link(report))
    return _detail_page(report, _model(report), return_form=form)


@bp.route("/reports/<int:report_id>/sign-off", methods=["POST"])
@permission_required(Permission.SIGN_OFF_REPORT)
def sign_off(report_id: int):
    report = _report_or_404(report_id, Permission.SIGN_OFF_REPORT)
    form = SignOffForm()
    if form.validate_on_submit():
        try:
            service.sign_off_report(db.session, current_user, report, form.snapshot_id.data)
        except SnapshotIntegrityError:
            db.session.rollback()
            abort(500)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Report signed off. It can no longer change.", "success")
    return redirect_after_post(_link(report))


# Editing the draft --------------------------------------------------------------------------------------------


def _report_form(report: Report, narratives: dict[int, SectionNarrative], *, formdata=True):
    """The draft's form with its sections (from the plan, which also gives the computed RAG) and who may have
    completed it. ``narratives`` by section id, as ``load_report`` reads them."""
    plan = load_plan(db.session, report.workstream, draft_as_of(report, today()))
    sections = [part.section for part in plan.sections]
    form_class = ReportForm.for_sections(sections)
    initial = {
        "introduction": report.introduction,
        "rag_reason": report.rag_reason,
        "reported_rag": report.reported_rag or "",
        "override_justification": report.override_justification,
        "completed_by_id": report.completed_by_id or 0,
    }
    for prefix in ("period_from", "period_to", "next_from", "next_to"):
        initial[prefix] = format_plan_date(getattr(report, prefix), getattr(report, f"{prefix}_is_month"))
    for section in sections:
        narrative = narratives.get(section.id)
        for name in NARRATIVE_FIELDS:
            initial[section_field(section.id, name)] = getattr(narrative, name) if narrative else ""
    form = form_class(data=initial) if formdata else form_class(formdata=None, data=initial)
    people = service.possible_completers(db.session, report.workstream_id)
    form.completed_by_id.choices = [(0, "Select a person"), *people]
    computed = plan.assessment.rag
    form.rag_choices(computed)
    return form, sections, computed


def _values(form: ReportForm, sections, *, skip_errors: bool = False) -> dict:
    """What the form says, as save_report takes it; with ``skip_errors`` fields with errors are left out."""

    def ok(name: str) -> bool:
        return not (skip_errors and form[name].errors)

    values: dict = {}
    for name in ("introduction", "rag_reason", "override_justification"):
        if ok(name):
            values[name] = (form[name].data or "").strip()
    if ok("reported_rag"):
        values["reported_rag"] = form.reported_rag.data or None
    if ok("completed_by_id"):
        values["completed_by_id"] = form.completed_by_id.data or None
    for name in ("period_from", "period_to", "next_from", "next_to"):
        if ok(name):
            values[name] = form[name].date
            values[f"{name}_is_month"] = form[name].is_month
    values["narratives"] = {
        section.id: {
            name: form[section_field(section.id, name)].data or ""
            for name in NARRATIVE_FIELDS
            if ok(section_field(section.id, name))
        }
        for section in sections
    }
    return values


def _edit_page(report: Report, form, sections, computed, status: str = ""):
    return render_page_or_block(
        "reports/edit.html",
        "autosave_status",
        report=report,
        form=form,
        sections=sections,
        computed=computed,
        as_of=draft_as_of(report, today()),
        save_status=status,
        fields=NARRATIVE_FIELDS,
        section_field=section_field,
    )


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.WRITE_REPORT)
def edit(report_id: int):
    report, extras = _loaded_or_404(report_id, Permission.WRITE_REPORT)
    if report.state != ReportState.DRAFT.value:
        flash("Only a draft report can be changed. Withdraw it first if it awaits sign-off.", "error")
        return redirect(_link(report), code=303)
    form, sections, computed = _report_form(report, extras.narratives)
    if form.validate_on_submit():
        try:
            service.save_report(db.session, current_user, report, _values(form, sections), today=today())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash("Draft saved", "success")
            return redirect_after_post(_link(report))
    return _edit_page(report, form, sections, computed)


@bp.route("/reports/<int:report_id>/autosave", methods=["POST"])
@permission_required(Permission.WRITE_REPORT)
def autosave(report_id: int):
    """Save what can be saved as the lead types; answer with a short status (the whole page without htmx)."""
    report, extras = _loaded_or_404(report_id, Permission.WRITE_REPORT)
    form, sections, computed = _report_form(report, extras.narratives)
    form.validate()
    if report.state != ReportState.DRAFT.value:
        status = "Not saved: this report is no longer a draft. Copy your text before you leave this page."
        return _edit_page(report, form, sections, computed, status)
    try:
        outcome = service.save_report(
            db.session, current_user, report, _values(form, sections, skip_errors=True), today=today(), partial=True
        )
    except DomainError as error:
        db.session.rollback()
        return _edit_page(report, form, sections, computed, f"Not saved: {error.message}")
    db.session.commit()
    for problem in outcome.problems:
        apply_domain_error(form, problem)
    unsaved = [message for field in form.errors.values() for message in field]
    status = f"Saved at {datetime.now(LONDON):%H:%M}"
    if unsaved:
        status += ", except: " + "; ".join(unsaved)
    return _edit_page(report, form, sections, computed, status)


# Outputs ------------------------------------------------------------------------------------------------------


@bp.route("/reports/<int:report_id>/print")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def print_layout(report_id: int):
    _, model = _read_or_404(report_id)
    html = render_print_html([model], stylesheet_href=url_for("static", filename="print.css"))
    return Response(html, mimetype="text/html")


@bp.route("/reports/<int:report_id>/report.docx")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def download_docx(report_id: int):
    _, model = _read_or_404(report_id)
    return _download(report_docx(model), DOCX_TYPE, _filename(model, "docx"))


@bp.route("/reports/<int:report_id>/report.pdf")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def download_pdf(report_id: int):
    _, model = _read_or_404(report_id)
    return _download(report_pdf(model), "application/pdf", _filename(model, "pdf"))


@bp.route("/reports/<int:report_id>.json")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def report_json(report_id: int):
    _, model = _read_or_404(report_id)
    return _download(render_json(model), "application/json", _filename(model, "json"), inline=True)


@bp.route("/reports/<int:report_id>/snapshot.json")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def snapshot_json(report_id: int):
    """The document stored when the report was submitted, byte for byte: what its sha256 is of."""
    report, _ = _loaded_or_404(report_id)
    snapshot = latest_snapshot(db.session, report)
    if snapshot is None:
        abort(404)
    try:
        body = verified_body(snapshot)
    except SnapshotIntegrityError:
        abort(500)
    name = f"{_slug(report.workstream.name)}-{report.meeting.date.isoformat()}-snapshot.json"
    return _download(body.encode("utf-8"), "application/json", name, inline=True)


@bp.route("/workstreams/<int:workstream_id>/report.json")
@permission_required(Permission.VIEW_LIVE_REPORT)
def live_json(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.VIEW_LIVE_REPORT)
    model = build_live(db.session, workstream, as_of_arg())
    return _download(render_json(model), "application/json", _filename(model, "json"), inline=True)


def _board_pack(meeting_id: int):
    meeting = db.get_or_404(BoardMeeting, meeting_id)
    workstream_ids = set(
        db.session.scalars(select(Workstream.id).where(Workstream.programme_id == meeting.programme_id))
    )
    if not current_user.is_admin:
        workstream_ids = {w for w in workstream_ids if current_user.can(Permission.VIEW_SIGNED_REPORT, w)}
        if not workstream_ids:
            abort(403)
    try:
        pack = build_board_pack(db.session, meeting, workstream_ids)
    except SnapshotIntegrityError:
        abort(500)
    return pack, f"{_slug(meeting.name)}-{meeting.date.isoformat()}-board-pack"


@bp.route("/meetings/<int:meeting_id>/board-pack.pdf")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def board_pack_pdf(meeting_id: int):
    pack, name = _board_pack(meeting_id)
    return _download(render_board_pack_pdf(pack), "application/pdf", f"{name}.pdf")


@bp.route("/meetings/<int:meeting_id>/board-pack.docx")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def board_pack_docx(meeting_id: int):
    pack, name = _board_pack(meeting_id)
    return _download(render_docx(pack.models, pack=pack), DOCX_TYPE, f"{name}.docx")
