from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.permissions import Permission, Role, may_import_plan
from app.domain.proposals import RECORDED_AT_IMPORT
from app.extensions import db
from app.models import Programme
from app.plan import bp
from app.plan.forms import MilestoneForm, SectionForm
from app.services import audit as audit_service
from app.services import plan as plan_service
from app.services.overview import build_overview
from app.services.plan_view import STATUS_FILTERS, load_milestone_page, load_plan
from app.web.dates import as_of_arg
from app.web.forms import Choice, save_or_show_errors
from app.web.htmx import render_page_or_block
from app.web.permissions import (
    get_milestone_or_404,
    get_section_or_404,
    get_workstream_or_404,
    permission_required,
)


@bp.route("/workstreams/<int:workstream_id>/plan")
@permission_required(Permission.VIEW_PLAN)
def show(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.VIEW_PLAN)
    plan = load_plan(db.session, workstream, as_of_arg())
    owner = request.args.get("owner", "")
    status = request.args.get("status", "")
    owner_id = current_user.id if owner == "me" else _int_or_none(owner)
    sections = plan.filtered(owner_id=owner_id, status=status if status in STATUS_FILTERS else None)
    return render_page_or_block(
        "plan/show.html",
        ("plan_results", "plan_oob"),
        workstream=workstream,
        plan=plan,
        sections=sections,
        filters={"owner": owner, "status": status, "as_of": request.args.get("as_of", "")},
        owner_choices=[Choice("", "Everyone"), Choice("me", "My milestones")]
        + [Choice(str(u.id), u.name) for u in plan.owners],
        status_choices=[Choice("", "Any status")] + [Choice(*item) for item in STATUS_FILTERS.items()],
        shown=sum(len(s.rows) for s in sections),
        can_edit=current_user.can(Permission.EDIT_PLAN, workstream.id),
        can_import=may_import_plan(
            current_user.roles_in(workstream.id),
            is_admin=current_user.is_admin,
            plan_is_empty=not any(s.rows for s in plan.sections),
        ),
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("/milestones/<int:milestone_id>")
@permission_required(Permission.VIEW_PLAN)
def milestone(milestone_id: int):
    milestone = get_milestone_or_404(milestone_id, need=Permission.VIEW_PLAN)
    workstream = milestone.section.workstream
    as_of = as_of_arg()
    page = load_milestone_page(db.session, milestone, as_of)
    return render_template(
        "plan/milestone.html",
        workstream=workstream,
        milestone=milestone,
        row=page.row,
        as_of=as_of,
        proposals=page.proposals,
        history=page.history,
        recorded_at_import=RECORDED_AT_IMPORT,
        can_edit=current_user.can(Permission.EDIT_PLAN, workstream.id),
        can_propose=milestone.owner_id == current_user.id
        and current_user.can(Permission.PROPOSE_CHANGE, workstream.id),
    )


@bp.route("/workstreams/<int:workstream_id>/sections/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def new_section(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.EDIT_PLAN)
    form = SectionForm()
    if request.method == "GET":
        form.number.data = max((s.number for s in workstream.sections), default=0) + 1
    if form.validate_on_submit():
        saved = save_or_show_errors(
            form,
            lambda: plan_service.add_section(db.session, current_user, workstream, form.number.data, form.title.data),
            f"Section {form.number.data} added",
            url_for("plan.show", workstream_id=workstream.id),
        )
        if saved is not None:
            return saved
    return render_template("plan/section_form.html", form=form, workstream=workstream, section=None)


@bp.route("/sections/<int:section_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def edit_section(section_id: int):
    section = get_section_or_404(section_id, need=Permission.EDIT_PLAN)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        saved = save_or_show_errors(
            form,
            lambda: plan_service.update_section(db.session, current_user, section, form.number.data, form.title.data),
            "Section saved",
            url_for("plan.show", workstream_id=section.workstream_id),
        )
        if saved is not None:
            return saved
    return render_template("plan/section_form.html", form=form, workstream=section.workstream, section=section)


def _milestone_form(workstream, milestone=None) -> MilestoneForm:
    form = MilestoneForm(obj=milestone)
    form.section_id.choices = [(s.id, f"{s.number}. {s.title}") for s in workstream.sections]
    people = {m.user.id: m.user for m in workstream.memberships if m.role in (Role.OWNER, Role.LEAD)}
    form.owner_id.choices = [(0, "No owner yet")] + [
        (u.id, f"{u.name} ({u.email})") for u in sorted(people.values(), key=lambda u: u.name)
    ]
    if milestone is not None and request.method == "GET":
        form.due.set_date(milestone.due, milestone.due_is_month)
        form.revised_due.set_date(milestone.revised_due, milestone.revised_due_is_month)
        form.owner_id.data = milestone.owner_id or 0
    return form


@bp.route("/workstreams/<int:workstream_id>/milestones/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def new_milestone(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.EDIT_PLAN)
    form = _milestone_form(workstream)
    if request.method == "GET" and request.args.get("section_id", "").isdigit():
        form.section_id.data = int(request.args["section_id"])
    if form.validate_on_submit():
        saved = save_or_show_errors(
            form,
            lambda: plan_service.add_milestone(db.session, current_user, workstream, form.values()),
            lambda milestone: f"Milestone {milestone.reference} added",
            lambda milestone: url_for("plan.milestone", milestone_id=milestone.id),
        )
        if saved is not None:
            return saved
    return render_template("plan/milestone_form.html", form=form, workstream=workstream, milestone=None)


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def edit_milestone(milestone_id: int):
    milestone = get_milestone_or_404(milestone_id, need=Permission.EDIT_PLAN)
    workstream = milestone.section.workstream
    form = _milestone_form(workstream, milestone)
    if form.validate_on_submit():
        saved = save_or_show_errors(
            form,
            lambda: plan_service.update_milestone(db.session, current_user, milestone, form.values()),
            lambda _: f"Milestone {milestone.reference} saved",
            url_for("plan.milestone", milestone_id=milestone.id),
        )
        if saved is not None:
            return saved
    return render_template("plan/milestone_form.html", form=form, workstream=workstream, milestone=milestone)


@bp.route("/workstreams/<int:workstream_id>/audit")
@permission_required(Permission.VIEW_AUDIT)
def audit(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.VIEW_AUDIT)
    page = max(request.args.get("page", 1, type=int), 1)
    events = db.paginate(
        audit_service.workstream_events(workstream.id),
        page=page,
        per_page=50,
        error_out=False,
    )
    return render_template("plan/audit.html", workstream=workstream, events=events)


@bp.route("/workstreams/<int:workstream_id>")
@permission_required(Permission.VIEW_PLAN)
def workstream(workstream_id: int):
    get_workstream_or_404(workstream_id, need=Permission.VIEW_PLAN)
    return redirect(url_for("plan.show", workstream_id=workstream_id))


@bp.route("/overview")
@bp.route("/programmes/<int:programme_id>/overview")
@permission_required(Permission.VIEW_PLAN)
def overview(programme_id: int | None = None):
    """Admins see every workstream; others see the workstreams whose plan they may view."""
    programme = db.get_or_404(Programme, programme_id) if programme_id is not None else None
    visible = None
    if not current_user.is_admin:
        visible = {ws for ws in current_user.workstream_ids() if current_user.can(Permission.VIEW_PLAN, ws)}
    as_of = as_of_arg()
    programmes = build_overview(db.session, as_of, visible, programme_id=programme_id)
    if programme is not None and not programmes and not current_user.is_admin:
        abort(403)
    return render_template(
        "plan/overview.html",
        programme=programme,
        programmes=programmes,
        as_of=as_of,
        as_of_value=request.args.get("as_of", ""),
    )
