"""Uploading a ledger: a dry run first, showing what would change and every bad row; then the real import."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from casetrack.clock import local_today
from casetrack.ledger import services, uploads
from casetrack.ledger.forms import ConfirmImportForm, UploadForm
from casetrack.ledger.sheets import registry
from casetrack.unit_of_work import discard_changes
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


@bp.route("/export.xlsx")
@permission_required("export_ledger")
def export():
    return xlsx_download(lambda file: services.export_ledger(file, current_user), "ledger")
