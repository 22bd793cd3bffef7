"""Uploading a ledger: a dry run first, showing what would change and every bad row; then the real import."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from casetrack.accounts.forms import ConfirmForm
from casetrack.broker import enqueue
from casetrack.clock import local_today
from casetrack.ledger import background, services, uploads
from casetrack.ledger.forms import ConfirmImportForm, UploadForm
from casetrack.ledger.sheets import registry
from casetrack.ledger.tasks import run_import
from casetrack.replica import reads_replica
from casetrack.unit_of_work import after_commit, attempt, discard_changes
from casetrack.web import permission_required, xlsx_download

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


def _upload_folder() -> Path:
    """The uploads folder, cleared of uploads past their age first: a preview nobody confirmed leaves its file."""
    folder = uploads.directory(current_app.instance_path)
    uploads.sweep(folder, current_app.config["CASETRACK_IMPORT_UPLOAD_MAX_AGE_SECONDS"])
    return folder


def _sheet_titles() -> dict[str, str]:
    return {entity: spec.sheet_names[0] for entity, spec in registry().items()}


@bp.route("/", methods=["GET", "POST"])
@permission_required("import_ledger")
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        stored = uploads.store(form.file.data, current_user.id, _upload_folder())
        size = stored.path.stat().st_size
        if background.wanted(size):
            job = background.start(current_user, stored.name, stored.original_name, size)
            after_commit(lambda: enqueue(run_import, job.id))
            return redirect(url_for("ledger.background_import", import_id=job.id))
        keep = False
        try:
            report = services.import_ledger(
                stored.path, current_user, local_today(), dry_run=True, original_name=stored.original_name
            )
            # Kept for the confirmation only when there is something to confirm; a preview that raised keeps nothing.
            keep = report.ok
        finally:
            if not keep:
                uploads.discard(stored)
        discard_changes()
        page = render_template(
            "ledger/preview.html",
            report=report,
            filename=stored.original_name,
            confirm=ConfirmImportForm(upload=stored.name),
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
    stored = uploads.find(form.upload.data, current_user.id, _upload_folder()) if form.validate_on_submit() else None
    if stored is None:
        flash(gettext("The uploaded file is no longer available. Upload it again."), "error")
        return redirect(url_for("ledger.upload"))
    try:
        # Checked again: the database may have changed since the preview.
        report = services.import_ledger(stored.path, current_user, local_today(), original_name=stored.original_name)
    finally:
        uploads.discard(stored)
    if not report.ok:
        return render_template(
            "ledger/preview.html",
            report=report,
            filename=stored.original_name,
            confirm=None,
            sheet_titles=_sheet_titles(),
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
@reads_replica
def export():
    return xlsx_download(lambda file: services.export_ledger(file, current_user), "ledger")
