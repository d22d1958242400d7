import re

from flask import Response, flash, render_template, request, url_for
from flask_login import current_user

from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.extensions import db
from app.imports import bp
from app.imports.forms import ConfirmForm, UploadForm
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


@bp.route("/workstreams/<int:workstream_id>/import", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def upload(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.EDIT_PLAN)
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            pending = importer.keep_upload(
                db.session, current_user, workstream, file.filename, file.read(importer.UPLOAD_MAX_BYTES + 1)
            )
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            return redirect_after_post(url_for("imports.preview", workstream_id=workstream.id, upload=pending.id))
    return render_template("imports/upload.html", form=form, workstream=workstream)


def _upload_again(workstream_id: int):
    flash("Upload the file again: the one you checked has expired or was already imported", "info")
    return redirect_after_post(url_for("imports.upload", workstream_id=workstream_id))


def _preview(workstream, pending, form: ConfirmForm, failed: importer.ImportFailed | None = None, prepared=None):
    problems = failed.problems if failed else []
    return render_template(
        "imports/preview.html",
        workstream=workstream,
        pending=pending,
        prepared=prepared,
        problems=problems,
        problem_items=[{"text": str(problem)} for problem in problems],
        form=form,
    )


@bp.route("/workstreams/<int:workstream_id>/import/preview")
@permission_required(Permission.EDIT_PLAN)
def preview(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.EDIT_PLAN)
    pending = importer.find_upload(db.session, current_user, workstream, request.args.get("upload", type=int))
    if pending is None:
        return _upload_again(workstream.id)
    form = ConfirmForm(upload=pending.id)
    try:
        prepared = importer.prepare_upload(db.session, current_user, pending, today=today())
    except importer.ImportFailed as failed:
        return _preview(workstream, pending, form, failed=failed)
    return _preview(workstream, pending, form, prepared=prepared)


@bp.route("/workstreams/<int:workstream_id>/import/confirm", methods=["POST"])
@permission_required(Permission.EDIT_PLAN)
def confirm(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.EDIT_PLAN)
    form = ConfirmForm()
    upload_id = int(form.upload.data) if (form.upload.data or "").isdigit() else None
    pending = importer.find_upload(db.session, current_user, workstream, upload_id)
    if not form.validate_on_submit() or pending is None:
        return _upload_again(workstream.id)
    filename = pending.filename
    try:
        prepared = importer.confirm_upload(db.session, current_user, pending, today=today())
    except importer.ImportFailed as failed:
        db.session.rollback()
        return _preview(workstream, pending, form, failed=failed)
    db.session.commit()
    flash(f"Imported {filename}: {importer.import_summary(prepared)}", "success")
    return redirect_after_post(url_for("plan.show", workstream_id=workstream.id))


@bp.route("/workstreams/<int:workstream_id>/import/template.xlsx")
@permission_required(Permission.EDIT_PLAN)
def template(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.EDIT_PLAN)
    return _xlsx(importer.template_workbook(db.session, workstream), "highlight-plan-template.xlsx")


@bp.route("/workstreams/<int:workstream_id>/plan.xlsx")
@permission_required(Permission.VIEW_PLAN)
def export(workstream_id: int):
    workstream = get_workstream_or_404(workstream_id, need=Permission.VIEW_PLAN)
    content = importer.export_plan(
        db.session, workstream, current_user.can(Permission.VIEW_RISKS, workstream.id), today()
    )
    return _xlsx(content, f"{_slug(workstream.name)}-plan-{today().isoformat()}.xlsx")
