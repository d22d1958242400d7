from io import BytesIO

from flask import abort, current_app, flash, make_response, render_template, request, send_file, url_for
from flask_login import current_user

from app.auth import flow
from app.domain import proposals as rules
from app.domain.errors import DomainError, NotAllowed
from app.domain.evidence import EvidenceKind, format_size
from app.domain.permissions import Permission
from app.extensions import db
from app.models import Proposal
from app.proposals import bp
from app.proposals.forms import HEADINGS, DecisionForm, EvidenceForm, MarkReadForm, ProposalForm, WithdrawForm
from app.services import notifications as notification_service
from app.services import proposals as service
from app.services.dashboard import own_proposals
from app.services.proposals_queue import proposals_awaiting
from app.services.virus_scan import Scanner, scanner_for
from app.web.dates import today
from app.web.forms import save_or_show_errors
from app.web.htmx import is_fragment_request, redirect_after_post, render_page_or_block
from app.web.permissions import (
    get_evidence_or_404,
    get_milestone_or_404,
    get_proposal_or_404,
    permission_required,
)
from app.web.urls import safe_next


def _max_bytes() -> int:
    return int(current_app.config["EVIDENCE_MAX_BYTES"])


def _scanner() -> Scanner | None:
    return scanner_for(current_app.config.get("CLAMD_SOCKET"), float(current_app.config.get("CLAMD_TIMEOUT", 60)))


def _uploads(field: str = "files") -> list[service.Upload]:
    """The files of a multipart form, each read up to one byte past the limit (enough to refuse it)."""
    limit = _max_bytes()
    uploads = []
    for storage in request.files.getlist(field):
        data = storage.stream.read(limit + 1)
        if not storage.filename and not data:
            continue  # the empty part a browser sends when no file was chosen
        uploads.append(service.Upload(storage.filename or "", data))
    return uploads


def _may_decide(proposal: Proposal) -> bool:
    workstream_id = proposal.milestone.workstream_id
    return proposal.state == rules.State.PENDING and rules.may_decide(
        current_user.id,
        current_user.roles_in(workstream_id),
        proposal.proposed_by_id,
        proposal.proposed_by.roles_in(workstream_id),
    )


@bp.route("/milestones/<int:milestone_id>/proposals/new", methods=["GET", "POST"])
@permission_required(Permission.PROPOSE_CHANGE)
def new(milestone_id: int):
    milestone = get_milestone_or_404(milestone_id, need=Permission.PROPOSE_CHANGE)
    if milestone.owner_id != current_user.id:
        abort(403)
    try:
        kind = rules.parse_kind(request.values.get("kind") or rules.Kind.COMPLETION)
    except DomainError:
        abort(400, description="kind must be completion, date_change or removal")
    form = ProposalForm()
    form.configure(kind, format_size(_max_bytes()))
    if form.validate_on_submit():
        values = service.ProposalInput(
            completion_date=form.completion_date.date,
            completion_is_month=form.completion_date.is_month,
            new_due=form.new_due.date,
            new_due_is_month=form.new_due.is_month,
            reason=form.reason.data or "",
            note=form.note.data or "",
            links=form.links.data or "",
        )
        saved = save_or_show_errors(
            form,
            lambda: service.propose(
                db.session,
                current_user,
                milestone,
                kind,
                values,
                _uploads(),
                today=today(),
                max_bytes=_max_bytes(),
                scanner=_scanner(),
            ),
            lambda proposal: f"Sent for approval: {service.describe(proposal)} of milestone {milestone.reference}",
            lambda proposal: url_for("proposals.detail", proposal_id=proposal.id),
            default_field="files",
        )
        if saved is not None:
            return saved
    # A refused form answers 400 with the form and its errors (the form's block alone for htmx).
    return render_page_or_block(
        "proposals/new.html",
        "form_column",
        status=400 if form.errors else 200,
        form=form,
        milestone=milestone,
        workstream=milestone.section.workstream,
        kind=kind,
        heading=HEADINGS[kind],
    )


def _detail_context(proposal: Proposal, **extra) -> dict:
    evidence, history = service.load_evidence_and_history(db.session, proposal)
    workstream_id = proposal.milestone.workstream_id
    is_proposer = rules.is_proposer(current_user.id, proposal.proposed_by_id) and proposal.state == rules.State.PENDING
    context = {
        "proposal": proposal,
        "milestone": proposal.milestone,
        "workstream": proposal.milestone.section.workstream,
        "evidence": evidence,
        "history": history,
        "what": service.describe(proposal),
        "can_decide": _may_decide(proposal),
        "can_change": is_proposer,
        "can_download": current_user.can(Permission.VIEW_EVIDENCE, workstream_id),
        "evidence_form": EvidenceForm(),
        "withdraw_form": WithdrawForm(),
        "decision_form": DecisionForm(),
        "conflict": None,
        "limit_label": format_size(_max_bytes()),
    }
    context.update(extra)
    return context


@bp.route("/proposals/<int:proposal_id>")
@permission_required(Permission.VIEW_PLAN)
def detail(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, need=Permission.VIEW_PLAN)
    held = flow.held_form()  # a decision posted before the second factor was entered again
    extra = {"decision_reason": held.get("reason", "")} if held else {}
    return render_template("proposals/detail.html", **_detail_context(proposal, **extra))


@bp.route("/proposals/<int:proposal_id>/evidence", methods=["POST"])
@permission_required(Permission.PROPOSE_CHANGE)
def add_evidence(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, need=Permission.PROPOSE_CHANGE)
    if not rules.is_proposer(current_user.id, proposal.proposed_by_id):
        abort(403)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            saved = save_or_show_errors(
                form,
                lambda: service.add_evidence(
                    db.session,
                    current_user,
                    proposal,
                    _uploads(),
                    form.links.data or "",
                    form.note.data or "",
                    max_bytes=_max_bytes(),
                    scanner=_scanner(),
                ),
                lambda _: f"Evidence added: the proposal is now version {proposal.version}",
                url_for("proposals.detail", proposal_id=proposal.id),
                default_field="files",
            )
        except rules.DecisionConflict as error:
            return _detail_conflict(proposal_id, error)
        if saved is not None:
            return saved
    proposal = get_proposal_or_404(proposal_id, need=Permission.PROPOSE_CHANGE)
    context = _detail_context(proposal, evidence_form=form, fragment=is_fragment_request())
    return render_page_or_block("proposals/detail.html", "evidence_panel", status=400, **context)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@permission_required(Permission.PROPOSE_CHANGE)
def withdraw(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, need=Permission.PROPOSE_CHANGE)
    if not rules.is_proposer(current_user.id, proposal.proposed_by_id):
        abort(403)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.withdraw(db.session, current_user, proposal)
    except rules.DecisionConflict as error:  # decided or withdrawn already
        return _detail_conflict(proposal_id, error)
    db.session.commit()
    flash("Proposal withdrawn", "success")
    return redirect_after_post(url_for("plan.milestone", milestone_id=proposal.milestone_id))


def _detail_conflict(proposal_id: int, error: DomainError):
    """The proposal as it now is, with why the step was refused: 409, as someone else acted first."""
    db.session.rollback()
    proposal = get_proposal_or_404(proposal_id, need=Permission.VIEW_PLAN)
    body = render_template("proposals/detail.html", **_detail_context(proposal, conflict=error.message))
    return make_response(body, 409)


@bp.route("/proposals/<int:proposal_id>/decision", methods=["POST"])
@permission_required(Permission.DECIDE_PROPOSAL)
def decide(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, need=Permission.DECIDE_PROPOSAL)
    again = flow.demand_fresh_second_factor(url_for("proposals.detail", proposal_id=proposal_id), ("reason",))
    if again is not None:
        return again
    form = DecisionForm()
    came_from_queue = form.came_from.data == "queue"
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        form.validate_on_submit()  # CSRF (when on) and lengths; the rules below say what a decision needs
        if form.errors:
            raise DomainError("; ".join(e for errors in form.errors.values() for e in errors), field="reason")
        service.decide(db.session, current_user, proposal, form.decision.data, form.reason.data or "", version)
    except NotAllowed:
        raise  # 403, by the app's handler
    except rules.DecisionConflict as error:
        db.session.rollback()
        proposal = get_proposal_or_404(proposal_id, need=Permission.DECIDE_PROPOSAL)
        if is_fragment_request() or not came_from_queue:
            return _decision_response(proposal, came_from_queue, status=409, conflict=error.message)
        return _queue_response(status=409, conflict=error.message)
    except DomainError as error:
        db.session.rollback()
        proposal = get_proposal_or_404(proposal_id, need=Permission.DECIDE_PROPOSAL)
        if error.field not in ("reason", "decision"):
            error.field = "reason"
        return _decision_response(proposal, came_from_queue, status=200, error=error, reason=form.reason.data or "")
    # Worded before the commit, which expires what the session holds: a plain form post then needs no reload.
    message = f"{proposal.state.capitalize()}: {service.describe(proposal)} of milestone {proposal.milestone.reference}"
    db.session.commit()
    if is_fragment_request():
        return _decision_response(proposal, came_from_queue, status=200, outcome=message)
    flash(message, "success")
    target = url_for("proposals.queue") if came_from_queue else url_for("proposals.detail", proposal_id=proposal_id)
    return redirect_after_post(target)


def _decision_response(proposal: Proposal, came_from_queue: bool, *, status: int, **extra):
    """The queue row (htmx from the queue), or the proposal page, showing an outcome, an error or a conflict."""
    if came_from_queue and is_fragment_request():
        # The row, then the queue's count, the header's badges and the error summary in their own places.
        response = render_page_or_block(
            "proposals/queue.html",
            ("queue_row", "decision_title", "decision_oob"),
            status=status,
            p=proposal,
            row_error=extra.get("error"),
            row_reason=extra.get("reason", ""),
            row_conflict=extra.get("conflict"),
            row_outcome=extra.get("outcome"),
        )
        return response
    context = _detail_context(
        proposal,
        conflict=extra.get("conflict"),
        decision_error=extra.get("error"),
        decision_reason=extra.get("reason", ""),
    )
    return render_page_or_block("proposals/detail.html", "decision_panel", status=status, **context)


def _queue_response(status: int = 200, **extra):
    proposals = proposals_awaiting(current_user, with_evidence=True)
    return render_page_or_block(
        "proposals/queue.html",
        "queue",
        status=status,
        proposals=proposals,
        describe=service.describe,
        queue_conflict=extra.get("conflict"),
    )


@bp.route("/decisions")
@permission_required(Permission.SIGNED_IN)
def queue():
    return _queue_response()


@bp.route("/my-proposals")
@permission_required(Permission.SIGNED_IN)
def mine():
    proposals, _ = own_proposals(db.session, current_user)
    return render_template("proposals/mine.html", proposals=proposals, describe=service.describe)


@bp.route("/evidence/<int:evidence_id>/download")
@permission_required(Permission.VIEW_EVIDENCE)
def download_evidence(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id, need=Permission.VIEW_EVIDENCE)
    if evidence.kind != EvidenceKind.FILE:
        abort(404)
    try:
        data = service.download(db.session, current_user, evidence)
    except service.EvidenceAltered as error:
        db.session.commit()  # keeps the audit of the failed check
        body = render_template("proposals/evidence_altered.html", message=error.message, evidence=evidence)
        return make_response(body, 409)
    db.session.commit()
    response = send_file(
        BytesIO(data),
        mimetype=evidence.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=evidence.filename or f"evidence-{evidence.id}",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/notifications")
@permission_required(Permission.SIGNED_IN)
def notifications():
    items = notification_service.recent_notifications(db.session, current_user)
    return render_page_or_block(
        "proposals/notifications.html", "notification_list", notifications=items, form=MarkReadForm()
    )


@bp.route("/notifications/mark-read", methods=["POST"])
@permission_required(Permission.SIGNED_IN)
def mark_notifications_read():
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    one = int(form.notification_id.data) if (form.notification_id.data or "").isdigit() else None
    changed = notification_service.mark_read(db.session, current_user, one)
    db.session.commit()
    if not is_fragment_request():
        flash("Marked as read" if changed else "Nothing new to mark as read", "success")
    target = safe_next(request.form.get("next"), url_for("proposals.notifications"))
    return redirect_after_post(target)
