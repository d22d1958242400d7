from flask import abort, flash, render_template, request, url_for
from flask_login import current_user

from app.domain.permissions import Permission
from app.domain.risk import RED_RISK_NOTE, Impact, Likelihood, guidance_grid
from app.extensions import db
from app.models import Risk
from app.risks import bp
from app.risks.forms import RegisterFilterForm, RiskForm, RiskStateForm
from app.services import audit
from app.services import risks as risk_service
from app.web.dates import as_of_arg
from app.web.forms import save_or_show_errors
from app.web.htmx import redirect_after_post, render_page_or_block
from app.web.permissions import get_risk_or_404, get_workstream_or_404, permission_required


@bp.route("/workstreams/<int:workstream_id>/risks")
@permission_required(Permission.VIEW_RISKS)
def index(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.VIEW_RISKS)
    register = risk_service.load_register(db.session, workstream, as_of_arg())
    form = RegisterFilterForm(request.args, meta={"csrf": False})
    status = form.status.data if form.status.data in risk_service.REGISTER_FILTERS else "open"
    return render_page_or_block(
        "risks/index.html",
        ("risk_register", "risk_oob"),
        workstream=workstream,
        register=register,
        rows=register.shown(status),
        form=form,
        grid=guidance_grid(),
        red_risk_note=RED_RISK_NOTE,
        can_manage=current_user.can(Permission.MANAGE_RISKS, workstream.id),
        state_form=RiskStateForm(),
    )


@bp.route("/risks/<int:risk_id>")
@permission_required(Permission.VIEW_RISKS)
def detail(risk_id: int):
    risk = get_risk_or_404(risk_id, need=Permission.VIEW_RISKS)
    history = audit.history(db.session, ("risk", [risk.id]), newest_first=True)
    return render_template(
        "risks/detail.html",
        workstream=risk.workstream,
        risk=risk,
        row=risk_service.risk_row(risk, as_of_arg()),
        grid=guidance_grid(),
        history=history,
        can_manage=current_user.can(Permission.MANAGE_RISKS, risk.workstream_id),
        state_form=RiskStateForm(),
    )


def _risk_form(workstream, risk=None) -> RiskForm:
    form = RiskForm(obj=risk)
    form.owner_id.choices = [(0, "No owner yet")] + [
        (u.id, f"{u.name} ({u.email})") for u in risk_service.possible_owners(db.session, workstream)
    ]
    if risk is not None and request.method == "GET":
        form.mitigation_date.set_date(risk.mitigation_date, risk.mitigation_date_is_month)
        form.owner_id.data = risk.owner_id or 0
    return form


@bp.route("/workstreams/<int:workstream_id>/risks/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_RISKS)
def new(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.MANAGE_RISKS)
    return _save_risk(
        _risk_form(workstream),
        workstream,
        None,
        lambda values: risk_service.add_risk(db.session, current_user, workstream, values),
        "added",
    )


@bp.route("/risks/<int:risk_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_RISKS)
def edit(risk_id: int):
    risk = get_risk_or_404(risk_id, need=Permission.MANAGE_RISKS)
    return _save_risk(
        _risk_form(risk.workstream, risk),
        risk.workstream,
        risk,
        lambda values: risk_service.update_risk(db.session, current_user, risk, values),
        "saved",
    )


def _save_risk(form: RiskForm, workstream, risk: Risk | None, save, done: str):
    """Validate, save through the service, then redirect to the risk; otherwise show the form with its errors."""
    if form.validate_on_submit():
        saved = save_or_show_errors(
            form,
            lambda: save(form.values()),
            lambda risk: f"Risk {risk.reference} {done}",
            lambda risk: url_for("risks.detail", risk_id=risk.id),
        )
        if saved is not None:
            return saved
    marked = {(Impact(risk.impact), Likelihood(risk.likelihood)): ["This risk"]} if risk else {}
    return render_template(
        "risks/form.html", form=form, workstream=workstream, risk=risk, grid=guidance_grid(), marked=marked
    )


def _set_closed(risk_id: int, closed: bool):
    risk = get_risk_or_404(risk_id, need=Permission.MANAGE_RISKS)
    form = RiskStateForm()
    if not form.validate_on_submit():
        abort(400)
    risk_service.set_risk_closed(db.session, current_user, risk, closed)
    db.session.commit()
    flash(f"Risk {risk.reference} {'closed' if closed else 'reopened'}", "success")
    return redirect_after_post(url_for("risks.detail", risk_id=risk.id))


@bp.route("/risks/<int:risk_id>/close", methods=["POST"])
@permission_required(Permission.MANAGE_RISKS)
def close(risk_id: int):
    return _set_closed(risk_id, True)


@bp.route("/risks/<int:risk_id>/reopen", methods=["POST"])
@permission_required(Permission.MANAGE_RISKS)
def reopen(risk_id: int):
    return _set_closed(risk_id, False)
