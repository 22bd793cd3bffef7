"""The file (卷宗) of a record in the browser: add documents, look at one and its versions, preview or download it,
replace it, withdraw it, and download the whole file as a ZIP with its table of contents."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from casetrack.accounts.permissions import can
from casetrack.documents import archive, owners, queries, rules, services
from casetrack.documents.forms import ReplaceForm, UploadForm, WithdrawForm
from casetrack.documents.storage import BlobCorrupt, BlobMissing, blob_store
from casetrack.errors import NotFound
from casetrack.i18n import N_
from casetrack.params import parse_id
from casetrack.unit_of_work import attempt, attempted
from casetrack.web import accepts_body_up_to

bp = Blueprint("documents", __name__, url_prefix="/documents")


def _owner_or_404(owner_type: str, owner_id: int):
    kind = owners.kind_of(owner_type)
    return kind, kind.load_visible(current_user, owner_id)


def _uploads(files) -> list[services.Upload]:
    # A browser sends one empty part for a file input left empty: that is no file, not an empty one.
    return [services.Upload(f.stream, f.filename) for f in files if f and (f.filename or f.content_length)]


def _form_problems(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def may_add(kind, owner) -> bool:
    return any(can(current_user, "upload_documents", unit_id) for unit_id in kind.units_of(owner) or [None])


@bp.route("/<owner_type>/<int:owner_id>")
@login_required
def file_index(owner_type: str, owner_id: int):
    kind, owner = _owner_or_404(owner_type, owner_id)
    show_withdrawn = request.args.get("withdrawn") == "1"
    return render_template(
        "documents/file.html",
        kind=kind,
        owner=owner,
        owner_type=owner_type,
        documents=queries.file_of(owner_type, owner.id, include_withdrawn=show_withdrawn),
        withdrawn_count=queries.withdrawn_count(owner_type, owner.id),
        show_withdrawn=show_withdrawn,
        upload_form=UploadForm(),
        may_add=may_add(kind, owner),
        rules=rules,
    )


@bp.route("/<owner_type>/<int:owner_id>", methods=["POST"])
@login_required
@accepts_body_up_to("CASETRACK_DOCUMENT_MAX_REQUEST_BYTES")
def upload(owner_type: str, owner_id: int):
    kind, owner = _owner_or_404(owner_type, owner_id)
    back = request.form.get("back") or ""
    back = (
        back
        if back.startswith("/") and not back.startswith("//")
        else url_for("documents.file_index", owner_type=owner_type, owner_id=owner.id)
    )
    form = UploadForm()
    if not form.validate_on_submit():
        _form_problems(form)
        return redirect(back)
    done, documents = attempted(
        lambda: services.add_documents(
            owner_type,
            owner,
            current_user,
            uploads=_uploads(form.files.data or []),
            category=form.category.data,
            title=form.title.data or "",
            dated_on=form.dated_on.data,
            given_by=form.given_by.data or "",
        )
    )
    if done:
        flash(
            gettext(
                "%(count)s document(s) added to the file: %(titles)s",
                count=len(documents),
                titles="、".join(d.title for d in documents),
            ),
            "info",
        )
    return redirect(back)


@bp.route("/<int:document_id>")
@login_required
def show(document_id: int):
    document, owner = queries.get_visible_document(current_user, document_id)
    kind = owners.kind_of(document.owner_type)
    return render_template(
        "documents/detail.html",
        document=document,
        owner=owner,
        kind=kind,
        file_type=rules.FILE_TYPES.get(document.current.content_type),
        replace_form=ReplaceForm(obj=document),
        withdraw_form=WithdrawForm(obj=document),
        may_change=may_add(kind, owner) and not document.withdrawn,
        may_withdraw=any(can(current_user, "withdraw_documents", u) for u in kind.units_of(owner) or [None]),
        rules=rules,
    )


def content_disposition(disposition: str, name: str, fallback: str) -> str:
    """RFC 6266: the UTF-8 name for every current browser, an ASCII one for the rest."""
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def stored_file_response(key: str, content_type: str, name: str, fallback: str, inline: bool):
    """Send a blob, checked against its hash first (a changed file is refused, never sent), from disk by the web
    server itself where the store has local files — never read whole into memory."""
    store = blob_store()
    try:
        if (path := store.local_path(key)) is not None:
            if store.check(key) != "ok":
                raise BlobCorrupt(key) if path.exists() else BlobMissing(key)
            response = send_file(path, mimetype=content_type, conditional=True, etag=key, max_age=0)
        else:
            response = send_file(store.open(key), mimetype=content_type, etag=key, max_age=0)
    except (BlobMissing, BlobCorrupt) as error:
        current_app.logger.error("document blob %s is %s", key, type(error).__name__)
        raise NotFound(
            N_("The file's content is missing or damaged on the server; the administrator has been told.")
        ) from None
    response.headers["Content-Disposition"] = content_disposition("inline" if inline else "attachment", name, fallback)
    response.headers["Cache-Control"] = "private, no-cache"
    response.serves_user_file = True
    return response


@bp.route("/<int:document_id>/content")
@login_required
def content(document_id: int):
    document, _ = queries.get_visible_document(current_user, document_id)
    version = queries.version_of(
        document, parse_id(request.args.get("version", "")) if "version" in request.args else None
    )
    file_type = rules.FILE_TYPES.get(version.content_type)
    inline = request.args.get("preview") == "1" and file_type is not None and file_type.previewable
    extension = file_type.extension if file_type else "bin"
    return stored_file_response(
        version.sha256,
        version.content_type,
        version.filename,
        f"document-{document.id}-v{version.number}.{extension}",
        inline,
    )


@bp.route("/<int:document_id>/replace", methods=["POST"])
@login_required
@accepts_body_up_to("CASETRACK_DOCUMENT_MAX_REQUEST_BYTES")
def replace(document_id: int):
    document, _ = queries.get_visible_document(current_user, document_id)
    back = url_for("documents.show", document_id=document.id)
    form = ReplaceForm()
    if not form.validate_on_submit():
        _form_problems(form)
        return redirect(back)
    uploads = _uploads([form.file.data])
    attempt(
        lambda: services.replace_document(
            document, current_user, uploads[0] if uploads else None, expected_version=form.version.data
        ),
        gettext("The new version is stored; the earlier ones are kept."),
    )
    return redirect(back)


@bp.route("/<int:document_id>/withdraw", methods=["POST"])
@login_required
def withdraw(document_id: int):
    document, _ = queries.get_visible_document(current_user, document_id)
    back = url_for("documents.show", document_id=document.id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(
            gettext("Give the reason the document is withdrawn: it stays in the file, hidden, with that reason."),
            "error",
        )
        return redirect(back)
    attempt(
        lambda: services.withdraw_document(
            document, current_user, form.reason.data, expected_version=form.version.data
        ),
        gettext("The document is withdrawn: hidden from the file, kept with its reason."),
    )
    return redirect(back)


@bp.route("/<owner_type>/<int:owner_id>/archive.zip")
@login_required
def download_archive(owner_type: str, owner_id: int):
    kind, owner = _owner_or_404(owner_type, owner_id)
    documents = queries.file_of(owner_type, owner.id)
    if not documents:
        flash(gettext("The file has no documents yet: there is nothing to download."), "error")
        return redirect(url_for("documents.file_index", owner_type=owner_type, owner_id=owner.id))
    try:
        spool, name = archive.build(kind, owner, documents, blob_store())
    except (BlobMissing, BlobCorrupt):
        abort(500)
    response = send_file(spool, mimetype="application/zip", max_age=0)
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", name, f"file-{owner_type}-{owner.id}.zip"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@dataclass
class FilePanel:
    documents: list
    withdrawn_count: int
    may_add: bool
    upload_form: UploadForm
    limit: str
    rules: object = rules


@bp.app_template_global()
def document_file(owner_type: str, owner) -> FilePanel:
    """What a record's page shows of its file (templates/documents/_file.html), so each owner's page needs only
    the include."""
    kind = owners.kind_of(owner_type)
    return FilePanel(
        documents=queries.file_of(owner_type, owner.id),
        withdrawn_count=queries.withdrawn_count(owner_type, owner.id),
        may_add=may_add(kind, owner),
        upload_form=UploadForm(formdata=None),
        limit=rules.megabytes(services.max_file_bytes()),
    )
