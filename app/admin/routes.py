from flask import Response, abort, flash, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import MeetingForm, MembershipForm, SecurityLogForm, ThresholdsForm, UserForm, WorkstreamForm
from app.auth.forms import ButtonForm
from app.domain.errors import DomainError
from app.domain.permissions import Permission, Role
from app.domain.rag import Thresholds
from app.domain.security_log import SECURITY_EVENTS
from app.extensions import db
from app.models import Membership, Programme, User, Workstream
from app.services import accounts, second_factor, security_log, users
from app.services import admin as admin_service
from app.web.forms import act_and_flash, save_or_show_errors
from app.web.htmx import redirect_after_post
from app.web.permissions import permission_required


@bp.route("/")
@permission_required(Permission.ADMINISTER)
def index():
    return render_template(
        "admin/index.html", programmes=admin_service.programmes(db.session), meetings=admin_service.meetings(db.session)
    )


@bp.route("/users")
@permission_required(Permission.ADMINISTER)
def list_users():
    return render_template("admin/users.html", people=admin_service.people(db.session))


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_user():
    """Invite someone: their account, and an email with a link where they set their own password."""
    form = UserForm()
    if form.validate_on_submit():
        saved = save_or_show_errors(
            form,
            lambda: accounts.invite(
                db.session, current_user, email=form.email.data, name=form.name.data, is_admin=form.is_admin.data
            ),
            lambda user: f"Invitation sent to {user.email}",
            lambda user: url_for("admin.user", user_id=user.id),
        )
        if saved is not None:
            return saved
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@permission_required(Permission.ADMINISTER)
def resend_invitation(user_id: int):
    person = db.get_or_404(User, user_id)
    return _account_action(
        person,
        lambda: accounts.resend_invitation(db.session, current_user, person),
        f"A new invitation is on its way to {person.email}",
    )


@bp.route("/users/<int:user_id>/second-factor/remove", methods=["POST"])
@permission_required(Permission.ADMINISTER)
def reset_second_factor(user_id: int):
    person = db.get_or_404(User, user_id)
    return _account_action(
        person,
        lambda: second_factor.reset(db.session, current_user, person),
        f"{person.name}'s authenticator app and recovery codes are removed. Their sessions have ended.",
    )


def _account_action(person: User, run, done: str):
    if not ButtonForm().validate_on_submit():
        abort(400)
    return act_and_flash(run, done, url_for("admin.user", user_id=person.id))


def _log_filter(form: SecurityLogForm) -> security_log.LogFilter:
    form.event.choices = [("", "Every event")] + list(SECURITY_EVENTS.items())
    if request.args and not form.validate():
        abort(400)
    return security_log.LogFilter(
        event=form.event.data or "", person=form.person.data or "", since=form.since.date, until=form.until.date
    )


@bp.route("/security-log", endpoint="security_log")
@permission_required(Permission.ADMINISTER)
def security_log_page():
    form = SecurityLogForm(request.args)
    log_filter = _log_filter(form)
    number = request.args.get("page", "1")
    number = int(number) if number.isdigit() and 0 < int(number) < 1_000_000 else 1
    rows, total = security_log.page(db.session, log_filter, number)
    pages = max(1, -(-total // security_log.PAGE_SIZE))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/security_log.html", form=form, rows=rows, total=total, number=number, pages=pages, args=args
    )


@bp.route("/security-log.csv")
@permission_required(Permission.ADMINISTER)
def security_log_csv():
    log_filter = _log_filter(SecurityLogForm(request.args))
    lines = security_log.csv_lines(db.session, log_filter)
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="security-log.csv"'},
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = MembershipForm()
    form.workstream_id.choices = admin_service.workstream_choices(db.session)
    if form.validate_on_submit():
        workstream = db.get_or_404(Workstream, form.workstream_id.data)
        saved = save_or_show_errors(
            form,
            lambda: users.add_membership(db.session, current_user, person, workstream, Role(form.role.data)),
            f"{person.name} is now {Role(form.role.data).label.lower()} of {workstream.name}",
            url_for("admin.user", user_id=person.id),
        )
        if saved is not None:
            return saved
    return render_template("admin/user.html", person=person, form=form, button=ButtonForm())


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@permission_required(Permission.ADMINISTER)
def deactivate_user(user_id: int):
    return _set_active(user_id, active=False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@permission_required(Permission.ADMINISTER)
def reactivate_user(user_id: int):
    return _set_active(user_id, active=True)


def _set_active(user_id: int, active: bool):
    person = db.get_or_404(User, user_id)
    try:
        users.set_active(db.session, current_user, person, active)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{person.name} can sign in again" if active else f"{person.name} can no longer sign in", "success")
    return redirect_after_post(url_for("admin.user", user_id=user_id))


@bp.route("/memberships/<int:membership_id>/remove", methods=["POST"])
@permission_required(Permission.ADMINISTER)
def remove_membership(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    user_id = membership.user_id
    users.remove_membership(db.session, current_user, membership)
    db.session.commit()
    flash("Role removed", "success")
    return redirect_after_post(url_for("admin.user", user_id=user_id))


@bp.route("/programmes/<int:programme_id>/thresholds", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def thresholds(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    form = ThresholdsForm(
        data={
            "amber_window_days": programme.amber_window_days,
            "red_overdue_days": programme.red_overdue_days,
            "red_overdue_share": round(programme.red_overdue_share * 100),
        }
    )
    if form.validate_on_submit():
        thresholds = Thresholds(
            form.amber_window_days.data, form.red_overdue_days.data, form.red_overdue_share.data / 100
        )
        saved = save_or_show_errors(
            form,
            lambda: admin_service.update_thresholds(db.session, current_user, programme, thresholds),
            "RAG thresholds saved",
            url_for("admin.index"),
        )
        if saved is not None:
            return saved
    return render_template("admin/thresholds.html", form=form, programme=programme)


def _programme_choices() -> list[tuple[int, str]]:
    return admin_service.programme_choices(db.session)


@bp.route("/workstreams/new", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_workstream():
    form = WorkstreamForm()
    form.programme_id.choices = _programme_choices()
    if form.validate_on_submit():
        programme = db.get_or_404(Programme, form.programme_id.data)
        saved = save_or_show_errors(
            form,
            lambda: admin_service.create_workstream(
                db.session, current_user, programme, form.name.data, form.title.data or ""
            ),
            f"Workstream {form.name.data} created",
            url_for("admin.index"),
        )
        if saved is not None:
            return saved
    return render_template("admin/workstream_form.html", form=form)


@bp.route("/meetings/new", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_meeting():
    form = MeetingForm()
    form.programme_id.choices = _programme_choices()
    if form.validate_on_submit():
        programme = db.get_or_404(Programme, form.programme_id.data)
        saved = save_or_show_errors(
            form,
            lambda: admin_service.add_meeting(db.session, current_user, programme, form.name.data, form.date.date),
            "Board meeting added",
            url_for("admin.index"),
        )
        if saved is not None:
            return saved
    return render_template("admin/meeting_form.html", form=form)


@bp.route("/jobs")
@permission_required(Permission.ADMINISTER)
def jobs():
    """The background jobs queued, running and failed, newest first, whichever server or worker has them."""
    from app import jobs as job_queue
    from app.domain.jobs import JOB_STATE_LABELS, LISTED_JOB_STATES

    backend = job_queue.backend()
    listed = backend.jobs(db.session)
    groups = [(JOB_STATE_LABELS[state], [j for j in listed if j.state == state]) for state in LISTED_JOB_STATES]
    return render_template("admin/jobs.html", groups=groups, kind=backend.kind)
