import re

from flask import Response, abort, flash, render_template, request, url_for
from flask_login import current_user

from app.domain.errors import DomainError, NotAllowed
from app.domain.permissions import Permission
from app.extensions import db
from app.imports import bp
from app.imports.forms import ACCEPT, ConfirmForm, NewWorkstreamForm, UploadForm
from app.models import Programme
from app.services import admin as admin_service
from app.services import importer
from app.web.dates import today
from app.web.forms import apply_domain_error
from app.web.htmx import redirect_after_post
from app.web.permissions import get_workstream_or_404, permission_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"


def _importable_workstream(workstream_id: int):
    """The workstream, once the current user may import into it (404, or 403 through NotAllowed)."""
    workstream = get_workstream_or_404(workstream_id, need=Permission.IMPORT_PLAN)
    if not importer.may_import(db.session, current_user, workstream):
        abort(403)
    return workstream


def _keep(form, keep):
    """Read and keep the uploaded file; on a bad file, the form shows why."""
    file = form.file.data
    try:
        pending = keep(file.filename, file.read(importer.UPLOAD_MAX_BYTES + 1))
    except NotAllowed:
        raise  # 403, by the app's handler
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error, default_field="file")
        return None
    db.session.commit()
    return pending


@bp.route("/workstreams/<int:workstream_id>/import", methods=["GET", "POST"])
@permission_required(Permission.IMPORT_PLAN)
def upload(workstream_id: int):
    workstream = _importable_workstream(workstream_id)
    form = UploadForm()
    if form.validate_on_submit():
        pending = _keep(
            form, lambda name, content: importer.keep_upload(db.session, current_user, workstream, name, content)
        )
        if pending is not None:
            return redirect_after_post(url_for("imports.preview", workstream_id=workstream.id, upload=pending.id))
    return render_template("imports/upload.html", form=form, workstream=workstream, accept=ACCEPT)


def _preview(pending, form: ConfirmForm, *, workstream=None, failed=None, prepared=None, status: int = 200):
    problems = failed.problems if failed else []
    if workstream is not None:
        confirm_url = url_for("imports.confirm", workstream_id=workstream.id)
        back_url = url_for("imports.upload", workstream_id=workstream.id)
        cancel_url = url_for("plan.show", workstream_id=workstream.id)
    else:
        confirm_url = url_for("imports.new_workstream_confirm")
        back_url = cancel_url = url_for("imports.new_workstream")
    return render_template(
        "imports/preview.html",
        workstream=workstream,
        caption=workstream.name if workstream else f"New workstream: {pending.workstream_name}",
        pending=pending,
        prepared=prepared,
        problems=problems,
        problem_items=[{"text": str(problem)} for problem in problems],
        form=form,
        confirm_url=confirm_url,
        back_url=back_url,
        cancel_url=cancel_url,
    ), status


def _show(pending, workstream=None):
    form = ConfirmForm(upload=pending.id)
    try:
        prepared = importer.prepare_upload(db.session, current_user, pending, today=today())
    except importer.ImportFailed as failed:
        return _preview(pending, form, workstream=workstream, failed=failed)
    return _preview(pending, form, workstream=workstream, prepared=prepared)


def _upload_again(url: str):
    flash("Upload the file again: the one you checked has expired or was already imported", "info")
    return redirect_after_post(url)


def _confirm(workstream=None):
    """Check the kept rows again and write them; the plan page of the workstream (created, for a new one)."""
    form = ConfirmForm()
    upload_id = int(form.upload.data) if (form.upload.data or "").isdigit() else None
    pending = importer.find_upload(db.session, current_user, workstream, upload_id)
    if not form.validate_on_submit() or pending is None:
        again = (
            url_for("imports.upload", workstream_id=workstream.id) if workstream else url_for("imports.new_workstream")
        )
        return _upload_again(again)
    filename = pending.filename
    try:
        prepared, target = importer.confirm_upload(db.session, current_user, pending, today=today())
    except importer.ImportFailed as failed:
        db.session.rollback()
        pending = importer.find_upload(db.session, current_user, workstream, upload_id)
        return _preview(pending, form, workstream=workstream, failed=failed)
    target_id = target.id
    db.session.commit()
    flash(f"Imported {filename}: {importer.import_summary(prepared)}", "success")
    return redirect_after_post(url_for("plan.show", workstream_id=target_id))


@bp.route("/workstreams/<int:workstream_id>/import/preview")
@permission_required(Permission.IMPORT_PLAN)
def preview(workstream_id: int):
    workstream = _importable_workstream(workstream_id)
    pending = importer.find_upload(db.session, current_user, workstream, request.args.get("upload", type=int))
    if pending is None:
        return _upload_again(url_for("imports.upload", workstream_id=workstream.id))
    return _show(pending, workstream)


@bp.route("/workstreams/<int:workstream_id>/import/confirm", methods=["POST"])
@permission_required(Permission.IMPORT_PLAN)
def confirm(workstream_id: int):
    return _confirm(_importable_workstream(workstream_id))


@bp.route("/workstreams/<int:workstream_id>/import/template.xlsx")
@permission_required(Permission.IMPORT_PLAN)
def template(workstream_id: int):
    workstream = _importable_workstream(workstream_id)
    return _xlsx(importer.template_workbook(db.session, workstream), "highlight-plan-template.xlsx")


@bp.route("/imports/new-workstream", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_workstream():
    form = NewWorkstreamForm()
    form.programme_id.choices = admin_service.programme_choices(db.session)
    if form.validate_on_submit():
        programme = db.session.get(Programme, form.programme_id.data)
        pending = _keep(
            form,
            lambda name, content: importer.keep_new_workstream_upload(
                db.session, current_user, programme, form.name.data, name, content
            ),
        )
        if pending is not None:
            return redirect_after_post(url_for("imports.new_workstream_preview", upload=pending.id))
    return render_template("imports/new_workstream.html", form=form, accept=ACCEPT)


@bp.route("/imports/new-workstream/preview")
@permission_required(Permission.ADMINISTER)
def new_workstream_preview():
    pending = importer.find_upload(db.session, current_user, None, request.args.get("upload", type=int))
    if pending is None:
        return _upload_again(url_for("imports.new_workstream"))
    return _show(pending)


@bp.route("/imports/new-workstream/confirm", methods=["POST"])
@permission_required(Permission.ADMINISTER)
def new_workstream_confirm():
    return _confirm()


@bp.route("/imports/template.xlsx")
@permission_required(Permission.ADMINISTER)
def new_template():
    return _xlsx(importer.template_workbook(db.session, None), "highlight-plan-template.xlsx")


@bp.route("/workstreams/<int:workstream_id>/plan.xlsx")
@permission_required(Permission.VIEW_PLAN)
def export(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.VIEW_PLAN)
    content = importer.export_plan(
        db.session, workstream, current_user.can(Permission.VIEW_RISKS, workstream.id), today()
    )
    return _xlsx(content, f"{_slug(workstream.name)}-plan-{today().isoformat()}.xlsx")
