import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth import flow
from app.domain.dates import format_plan_date
from app.domain.errors import DomainError
from app.domain.jobs import is_in_progress, may_request_again, pack_progress
from app.domain.permissions import Permission
from app.domain.reports import ReportAction, ReportConflict, ReportState, allowed_actions, transition
from app.exports.docx import render_docx, report_docx
from app.exports.html import render_print_html
from app.exports.json import render_json
from app.exports.pdf import report_pdf
from app.extensions import db
from app.models import BoardMeeting, Report, SectionNarrative, Workstream
from app.models._base import utcnow
from app.reports import bp
from app.reports.forms import (
    ConfirmForm,
    DecisionForm,
    NewDecisionForm,
    ReportForm,
    ReturnForm,
    SignOffForm,
    StartReportForm,
    section_field,
)
from app.services import admin as admin_service
from app.services import board_packs
from app.services import decisions as decision_service
from app.services import proposals as proposal_service
from app.services import reports as service
from app.services.plan_view import load_plan
from app.services.report_model import (
    NARRATIVE_FIELDS,
    BoardPack,
    ReportExtras,
    ReportModel,
    SnapshotIntegrityError,
    build_board_pack,
    build_for_report,
    build_live,
    draft_as_of,
    latest_snapshot,
    verified_body,
)
from app.web.dates import as_of_arg, today
from app.web.forms import act_and_flash, apply_domain_error, save_or_show_errors
from app.web.htmx import is_fragment_request, redirect_after_post, render_page_or_block
from app.web.permissions import (
    get_decision_or_404,
    get_report_or_404,
    get_report_with_extras_or_404,
    get_workstream_or_404,
    permission_required,
)

log = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Loading ------------------------------------------------------------------------------------------------------


def _model(report: Report, extras: ReportExtras | None = None) -> ReportModel:
    try:
        return build_for_report(db.session, report, today(), extras)
    except SnapshotIntegrityError:
        abort(500)


def _read_or_404(report_id: int) -> tuple[Report, ReportModel]:
    """The report the user may read and its model."""
    report, extras = get_report_with_extras_or_404(report_id)
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
        saved = save_or_show_errors(
            form,
            lambda: service.create_report(db.session, current_user, workstream, meeting),
            f"Report started for {meeting.name}, {format_plan_date(meeting.date, False)}",
            lambda report: url_for("reports.edit", report_id=report.id),
            default_field="meeting_id",
        )
        if saved is not None:
            return saved
    return _workstream_page(workstream, form)


# The report page and its lifecycle ----------------------------------------------------------------------------


def _actions(report: Report) -> frozenset[ReportAction]:
    return allowed_actions(
        report.state,
        current_user.roles_in(report.workstream_id),
        actor_id=current_user.id,
        submitted_by_id=report.submitted_by_id,
    )


def _changes_since_submission(report: Report):
    if report.state != ReportState.AWAITING_SIGN_OFF.value:
        return ()
    try:
        return service.changes_since_submission(db.session, report, today())
    except SnapshotIntegrityError:
        abort(500)


def _detail_page(report: Report, model: ReportModel, conflict: str | None = None):
    actions = _actions(report)
    return render_template(
        "reports/detail.html",
        report=report,
        model=model,
        actions=actions,
        Action=ReportAction,
        changes=_changes_since_submission(report),
        # Only the forms of the actions offered: each one makes a CSRF token.
        confirm_form=ConfirmForm() if ReportAction.WITHDRAW in actions else None,
        conflict=conflict,
    )


@bp.route("/reports/<int:report_id>")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def detail(report_id: int):
    return _detail_page(*_read_or_404(report_id))


def _link(report: Report) -> str:
    return url_for("reports.detail", report_id=report.id)


def _conflict_page(report_id: int, error: ReportConflict, *, confirming: bool = False):
    """The report as it now is, with why the step was refused: 409, as someone else moved it first. A sponsor
    who was confirming gets the confirmation page again, with the snapshot now awaiting sign-off if there is one."""
    db.session.rollback()
    report, model = _read_or_404(report_id)
    if confirming and _actions(report) & {ReportAction.SIGN_OFF, ReportAction.RETURN}:
        return _confirm_page(report, conflict=error.message), 409
    return _detail_page(report, model, conflict=error.message), 409


def _lifecycle(report: Report, run, done: str):
    """Run one lifecycle step from a button: flash what happened or why not, then back to the report; a step the
    report has moved past answers 409 with the report as it now is."""
    if not ConfirmForm().validate_on_submit():
        return redirect_after_post(_link(report))
    try:
        return act_and_flash(run, done, _link(report))
    except ReportConflict as error:
        return _conflict_page(report.id, error)


def _refused(report: Report, action: ReportAction):
    """None if the user may take ``action`` on the report now; else a redirect to it, saying why not."""
    try:
        transition(
            action,
            report.state,
            current_user.roles_in(report.workstream_id),
            actor_id=current_user.id,
            submitted_by_id=report.submitted_by_id,
        )
    except DomainError as error:
        flash(error.message, "error")
        return redirect(_link(report), code=303)
    return None


@bp.route("/reports/<int:report_id>/submit", methods=["GET", "POST"])
@permission_required(Permission.WRITE_REPORT)
def submit(report_id: int):
    """GET: what is about to be submitted, and the proposals still waiting (not in this paper). POST: submit."""
    report = get_report_or_404(report_id, Permission.WRITE_REPORT)
    waiting = proposal_service.waiting_for_decision(db.session, report.workstream_id)
    if request.method == "GET":
        refused = _refused(report, ReportAction.SUBMIT)
        if refused is not None:
            return refused
        return render_template(
            "reports/confirm_submit.html",
            report=report,
            model=_model(report),
            waiting=waiting,
            describe=proposal_service.describe,
            confirm_form=ConfirmForm(),
        )
    done = "Report submitted for sign-off. The sponsor has been told."
    if waiting:
        names = "; ".join(f"{p.milestone.reference} ({proposal_service.describe(p)})" for p in waiting)
        done += f" Not in this paper, still waiting for a decision: {names}."
    return _lifecycle(report, lambda: service.submit_report(db.session, current_user, report), done)


@bp.route("/reports/<int:report_id>/withdraw", methods=["POST"])
@permission_required(Permission.WRITE_REPORT)
def withdraw(report_id: int):
    report = get_report_or_404(report_id, Permission.WRITE_REPORT)
    return _lifecycle(
        report,
        lambda: service.withdraw_report(db.session, current_user, report),
        "Report withdrawn. It is a draft again.",
    )


def _confirm_page(
    report: Report, return_form: ReturnForm | None = None, conflict: str | None = None, held: dict | None = None
):
    """What the sponsor signs, restated from the snapshot, with the final Sign off and Return buttons (``held``:
    what was posted before the second factor was entered again)."""
    actions = _actions(report) & {ReportAction.SIGN_OFF, ReportAction.RETURN}
    if not actions:
        return _refused(report, ReportAction.SIGN_OFF) or redirect(_link(report), code=303)
    snapshot = latest_snapshot(db.session, report)
    sign_off_form = None
    if ReportAction.SIGN_OFF in actions:
        held_id = (held or {}).get("snapshot_id", "")
        read_id = int(held_id) if held_id.isdigit() else (snapshot.id if snapshot else None)
        sign_off_form = SignOffForm(formdata=None, snapshot_id=read_id)
    if return_form is None and ReportAction.RETURN in actions:
        return_form = ReturnForm(formdata=None)
    return render_template(
        "reports/confirm_sign_off.html",
        report=report,
        model=_model(report),
        snapshot=snapshot,
        changes=_changes_since_submission(report),
        sign_off_form=sign_off_form,
        return_form=return_form,
        form=return_form,
        conflict=conflict,
    )


@bp.route("/reports/<int:report_id>/return", methods=["POST"])
@permission_required(Permission.SIGN_OFF_REPORT)
def return_report(report_id: int):
    report = get_report_or_404(report_id, Permission.SIGN_OFF_REPORT)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            service.return_report(db.session, current_user, report, form.comments.data)
        except ReportConflict as error:
            return _conflict_page(report_id, error, confirming=True)
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
    return _confirm_page(report, return_form=form)


@bp.route("/reports/<int:report_id>/sign-off", methods=["GET", "POST"])
@permission_required(Permission.SIGN_OFF_REPORT)
def sign_off(report_id: int):
    """GET: the confirmation page. POST: sign off the snapshot the sponsor read."""
    report = get_report_or_404(report_id, Permission.SIGN_OFF_REPORT)
    if request.method == "GET":
        return _confirm_page(report, held=flow.held_form())
    again = flow.demand_fresh_second_factor(url_for("reports.sign_off", report_id=report_id), ("snapshot_id",))
    if again is not None:
        return again
    form = SignOffForm()
    if form.validate_on_submit():
        try:
            service.sign_off_report(db.session, current_user, report, form.snapshot_id.data)
        except SnapshotIntegrityError:
            db.session.rollback()
            abort(500)
        except ReportConflict as error:
            return _conflict_page(report_id, error, confirming=True)
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
    form.rag_choices(plan.assessment.rag, plan.assessment.label)
    return form, sections, plan.assessment


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


def _decision_forms(report: Report, failed: tuple[int | None, FlaskForm] | None = None):
    """The decisions this draft carries, each with its form, and the form to add one. ``failed`` is the form
    (by decision id, None for a new one) that was posted and did not save: it shows again with its errors."""
    failed_id, failed_form = failed if failed else (0, None)
    carried = decision_service.decisions_on_paper(db.session, report.workstream_id, report.meeting.date)
    forms = []
    for item in carried:
        if failed_form is not None and failed_id == item.decision.id:
            forms.append((item, failed_form))
        else:
            data = {"text": item.decision.text, "outcome": item.outcome}
            forms.append((item, DecisionForm(formdata=None, prefix=f"decision-{item.decision.id}", data=data)))
    new_form = failed_form if failed_form is not None and failed_id is None else None
    return forms, new_form or NewDecisionForm(formdata=None, prefix="new-decision")


def _edit_page(report: Report, form, sections, computed, status: str = "", failed_decision=None):
    decisions, new_decision = ([], None) if is_fragment_request() else _decision_forms(report, failed_decision)
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
        decisions=decisions,
        new_decision=new_decision,
        failed_decision_form=failed_decision[1] if failed_decision else None,
        page_title_error=bool(failed_decision and failed_decision[1].errors),
    )


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.WRITE_REPORT)
def edit(report_id: int):
    report, extras = get_report_with_extras_or_404(report_id, Permission.WRITE_REPORT)
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
    report, extras = get_report_with_extras_or_404(report_id, Permission.WRITE_REPORT)
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


# Decisions needed from the board ----------------------------------------------------------------------------


def _draft_or_redirect(report_id: int) -> tuple[Report, ReportExtras | None, object]:
    """The draft the lead may change, or a redirect to the report saying why not."""
    report, extras = get_report_with_extras_or_404(report_id, Permission.WRITE_REPORT)
    if report.state != ReportState.DRAFT.value:
        flash("Only a draft report can be changed. Withdraw it first if it awaits sign-off.", "error")
        return report, extras, redirect(_link(report), code=303)
    return report, extras, None


def _decision_saved(report: Report, run, field_form: tuple[int | None, FlaskForm], extras: ReportExtras, done: str):
    """Run a decision's service call: commit and back to the edit page, or show the form again with the error."""
    form = field_form[1]
    if form.validate_on_submit():
        try:
            run()
        except DomainError as error:
            db.session.rollback()
            if error.field not in form._fields:
                flash(error.message, "error")
                return redirect_after_post(url_for("reports.edit", report_id=report.id, _anchor="decisions"))
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect_after_post(url_for("reports.edit", report_id=report.id, _anchor="decisions"))
    report_form, sections, computed = _report_form(report, extras.narratives, formdata=False)
    return _edit_page(report, report_form, sections, computed, failed_decision=field_form)


@bp.route("/reports/<int:report_id>/decisions", methods=["POST"])
@permission_required(Permission.WRITE_REPORT)
def add_decision(report_id: int):
    report, extras, refused = _draft_or_redirect(report_id)
    if refused is not None:
        return refused
    form = NewDecisionForm(prefix="new-decision")
    return _decision_saved(
        report,
        lambda: decision_service.add_decision(db.session, current_user, report, form.text.data),
        (None, form),
        extras,
        "Decision added. It stays on every later report until you record the board's answer.",
    )


@bp.route("/reports/<int:report_id>/decisions/<int:decision_id>", methods=["POST"])
@permission_required(Permission.WRITE_REPORT)
def save_decision(report_id: int, decision_id: int):
    report, extras, refused = _draft_or_redirect(report_id)
    decision = get_decision_or_404(decision_id, report)
    if refused is not None:
        return refused
    form = DecisionForm(prefix=f"decision-{decision.id}")
    return _decision_saved(
        report,
        lambda: decision_service.save_decision(
            db.session, current_user, report, decision, form.text.data, form.outcome.data
        ),
        (decision.id, form),
        extras,
        "Decision saved",
    )


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
    report, _ = get_report_with_extras_or_404(report_id)
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
    try:
        model = build_live(db.session, workstream, as_of_arg())
    except SnapshotIntegrityError:  # the previous signed-off paper fails its hash check
        abort(500)
    return _download(render_json(model), "application/json", _filename(model, "json"), inline=True)


def _board_pack(meeting_id: int) -> tuple[BoardMeeting, set[int], BoardPack, str]:
    """The meeting, the workstreams of its programme the user may read, their pack, and its file name."""
    meeting = db.get_or_404(BoardMeeting, meeting_id)
    workstream_ids = admin_service.programme_workstream_ids(db.session, meeting.programme_id)
    if not current_user.is_admin:
        workstream_ids = {w for w in workstream_ids if current_user.can(Permission.VIEW_SIGNED_REPORT, w)}
        if not workstream_ids:
            abort(403)
    try:
        pack = build_board_pack(db.session, meeting, workstream_ids)
    except SnapshotIntegrityError:
        abort(500)
    return meeting, workstream_ids, pack, f"{_slug(meeting.name)}-{meeting.date.isoformat()}-board-pack"


def _pack_page(meeting: BoardMeeting, workstream_ids: set[int], pack: BoardPack):
    prepared = board_packs.find(db.session, board_packs.pack_key(pack, workstream_ids))
    state = prepared.state if prepared else None
    return render_page_or_block(
        "reports/board_pack.html",
        "pack_status",
        meeting=meeting,
        pack=pack,
        prepared=prepared,
        progress=pack_progress(state, prepared.papers_drawn, prepared.papers_total) if prepared else "",
        polling=is_in_progress(state),
        may_request=may_request_again(state, prepared.requested_at if prepared else None, utcnow()),
        form=ConfirmForm(),
    )


@bp.route("/meetings/<int:meeting_id>/board-pack", methods=["GET", "POST"])
@permission_required(Permission.VIEW_SIGNED_REPORT)
def board_pack(meeting_id: int):
    """GET: the pack PDF's state (polled by htmx while it is drawn). POST: ask for it; answers at once, the pack is
    drawn by a job."""
    meeting, workstream_ids, pack, _ = _board_pack(meeting_id)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        key = board_packs.pack_key(pack, workstream_ids)
        board_packs.request(db.session, current_user, meeting, workstream_ids, key)
        db.session.commit()
        return redirect_after_post(url_for("reports.board_pack", meeting_id=meeting.id))
    return _pack_page(meeting, workstream_ids, pack)


@bp.route("/meetings/<int:meeting_id>/board-pack.pdf")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def board_pack_pdf(meeting_id: int):
    """The pack's PDF once its job has drawn it; until then its page, where it is asked for."""
    meeting, workstream_ids, pack, name = _board_pack(meeting_id)
    body = board_packs.ready_file(db.session, board_packs.pack_key(pack, workstream_ids))
    if body is None:
        return redirect(url_for("reports.board_pack", meeting_id=meeting.id), code=303)
    return _download(body, "application/pdf", f"{name}.pdf")


@bp.route("/meetings/<int:meeting_id>/board-pack.docx")
@permission_required(Permission.VIEW_SIGNED_REPORT)
def board_pack_docx(meeting_id: int):
    _, _, pack, name = _board_pack(meeting_id)
    return _download(render_docx(pack.models, pack=pack), DOCX_TYPE, f"{name}.docx")
