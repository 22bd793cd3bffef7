"""Uploading a ledger: a dry run first, showing what would change and every bad row; then the real import."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from casetrack.accounts.forms import ConfirmForm
from casetrack.broker import enqueue
from casetrack.clock import local_today
from casetrack.ledger import background, services
from casetrack.ledger.forms import ConfirmImportForm, UploadForm
from casetrack.ledger.sheets import registry
from casetrack.ledger.tasks import run_import
from casetrack.unit_of_work import after_commit, attempt, discard_changes
from casetrack.web import permission_required, xlsx_download

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
_UPLOAD_NAME = re.compile(r"^u(\d+)-[A-Za-z0-9_-]+\.(xlsx|csv)$")


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored_upload(name: str) -> Path | None:
    """An upload kept between preview and confirmation, only ever the uploader's own."""
    match = _UPLOAD_NAME.match(name or "")
    if not match or int(match.group(1)) != current_user.id:
        return None
    path = _upload_dir() / name
    return path if path.exists() else None


def _sheet_titles() -> dict[str, str]:
    return {entity: spec.sheet_names[0] for entity, spec in registry().items()}


@bp.route("/", methods=["GET", "POST"])
@permission_required("import_ledger")
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        suffix = Path(form.file.data.filename).suffix.lower()
        name = f"u{current_user.id}-{secrets.token_urlsafe(12)}{suffix}"
        path = _upload_dir() / name
        form.file.data.save(path)
        size = path.stat().st_size
        if background.wanted(size):
            job = background.start(current_user, name, form.file.data.filename, size)
            after_commit(lambda: enqueue(run_import, job.id))
            return redirect(url_for("ledger.background_import", import_id=job.id))
        report = services.import_ledger(
            path, current_user, local_today(), dry_run=True, original_name=form.file.data.filename
        )
        discard_changes()
        if not report.ok:
            path.unlink(missing_ok=True)
        page = render_template(
            "ledger/preview.html",
            report=report,
            filename=form.file.data.filename,
            confirm=ConfirmImportForm(upload=name),
            sheet_titles=_sheet_titles(),
        )
        return page, 200 if report.ok else 400
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")
    return render_template("ledger/upload.html", form=form, sheets=registry().values())


@bp.route("/confirm", methods=["POST"])
@permission_required("import_ledger")
def confirm():
    form = ConfirmImportForm()
    path = _stored_upload(form.upload.data) if form.validate_on_submit() else None
    if path is None:
        flash(gettext("The uploaded file is no longer available. Upload it again."), "error")
        return redirect(url_for("ledger.upload"))
    try:
        # Checked again: the database may have changed since the preview.
        report = services.import_ledger(path, current_user, local_today())
    finally:
        path.unlink(missing_ok=True)
    if not report.ok:
        return render_template(
            "ledger/preview.html", report=report, filename="", confirm=None, sheet_titles=_sheet_titles()
        ), 400
    created, updated, unchanged = report.totals()
    flash(
        gettext(
            "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=created,
            updated=updated,
            unchanged=unchanged,
        ),
        "info",
    )
    return redirect(url_for("cases.list_cases"))


@bp.route("/imports/<int:import_id>")
@permission_required("import_ledger")
def background_import(import_id: int):
    job = background.job_of(import_id, current_user)
    return render_template(
        "ledger/background.html",
        job=job,
        progress=background.progress(job),
        report=background.report_of(job),
        confirm=ConfirmForm(),
        sheet_titles=_sheet_titles(),
    )


@bp.route("/imports/<int:import_id>/progress.json")
@permission_required("import_ledger")
def background_progress(import_id: int):
    return jsonify(background.progress(background.job_of(import_id, current_user)))


@bp.route("/imports/<int:import_id>/confirm", methods=["POST"])
@permission_required("import_ledger")
def background_confirm(import_id: int):
    ConfirmForm().validate_on_submit() or abort(400)
    background.job_of(import_id, current_user)  # someone else's: not found, rather than a message about its state
    if attempt(lambda: background.confirm(import_id, current_user)):
        after_commit(lambda: enqueue(run_import, import_id))
    return redirect(url_for("ledger.background_import", import_id=import_id))


@bp.route("/export.xlsx")
@permission_required("export_ledger")
def export():
    return xlsx_download(lambda file: services.export_ledger(file, current_user), "ledger")
