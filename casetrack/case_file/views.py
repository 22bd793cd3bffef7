"""The case file's working parts on the case page: the answer and its evidence list, service records, standard
documents; and the administrators' page of templates."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from casetrack.accounts.permissions import can
from casetrack.case_file import rules, services
from casetrack.case_file.forms import (
    AnswerForm,
    EvidenceChangeForm,
    EvidenceItemForm,
    GenerateForm,
    ReasonForm,
    ServiceForm,
    TemplateForm,
)
from casetrack.case_file.models import EvidenceItem, ServiceRecord
from casetrack.cases.queries import get_visible_case
from casetrack.clock import local_today
from casetrack.documents import queries as documents_queries
from casetrack.documents.services import Upload
from casetrack.documents.views import content_disposition
from casetrack.extensions import db
from casetrack.forms import Form
from casetrack.i18n import text_of
from casetrack.unit_of_work import attempt, attempted
from casetrack.web import accepts_body_up_to, permission_required, xlsx_download

bp = Blueprint("case_file", __name__, url_prefix="/case-file")
admin_bp = Blueprint("document_templates", __name__, url_prefix="/admin/document-templates")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _back(case_id: int, anchor: str):
    return redirect(url_for("cases.show_case", case_id=case_id) + f"#{anchor}")


def _problems(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def _uploads(files) -> list[Upload]:
    return [Upload(f.stream, f.filename) for f in files if f and f.filename]


def _may(capability: str, case) -> bool:
    return any(can(current_user, capability, unit_id) for unit_id in case.respondent_unit_ids)


@dataclass
class CaseFilePanel:
    evidence: list
    services: list
    withdrawn_services: int
    documents: list
    answer_form: AnswerForm
    evidence_form: EvidenceItemForm
    service_form: ServiceForm
    generate_form: GenerateForm
    reason_form: ReasonForm
    change_form: EvidenceChangeForm
    may_file: bool
    may_record: bool
    may_generate: list
    today: object = None
    rules: object = rules


@bp.app_template_global()
def case_file_panel(case) -> CaseFilePanel:
    """What the case page shows of the answer, the evidence list, the services and the standard documents."""
    documents = documents_queries.file_of("case", case.id)
    choices = [("", "—")] + [(str(d.id), d.title) for d in documents]
    evidence_form, service_form = EvidenceItemForm(formdata=None), ServiceForm(formdata=None)
    evidence_form.document_id.choices = choices
    service_form.document_id.choices = service_form.proof_document_id.choices = choices
    service_form.starts.choices = [("", "—")] + [(f, text_of(label)) for f, label in case.spec.service_starts.items()]
    generate_form = GenerateForm(formdata=None)
    applicable = services.applicable_documents(case)
    generate_form.code.choices = [
        (code, rules.STANDARD_DOCUMENTS[code].title) for code in applicable if _may(services.capability_for(code), case)
    ]
    all_services = services.services_of(case.id, include_withdrawn=True)
    return CaseFilePanel(
        evidence=services.evidence_of(case.id),
        services=[s for s in all_services if s.withdrawn_at is None],
        withdrawn_services=sum(1 for s in all_services if s.withdrawn_at is not None),
        documents=documents,
        answer_form=AnswerForm(formdata=None),
        evidence_form=evidence_form,
        service_form=service_form,
        generate_form=generate_form,
        reason_form=ReasonForm(formdata=None),
        change_form=EvidenceChangeForm(formdata=None),
        may_file=_may("edit_case", case) and _may("upload_documents", case),
        may_record=_may("record_service", case),
        may_generate=generate_form.code.choices,
        today=local_today(),
    )


@bp.route("/<int:case_id>/answer", methods=["POST"])
@login_required
@accepts_body_up_to("CASETRACK_DOCUMENT_MAX_REQUEST_BYTES")
def file_answer(case_id: int):
    case = get_visible_case(current_user, case_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        _problems(form)
        return _back(case.id, "answer")
    answer = _uploads([form.answer.data])
    attempt(
        lambda: services.file_answer(
            case,
            current_user,
            local_today(),
            filed_on=form.filed_on.data,
            answer=answer[0] if answer else None,
            evidence=_uploads(form.evidence.data or []),
            given_by=form.given_by.data or "",
            expected_version=form.version.data,
        ),
        gettext("The answer is filed with its documents, and its deadline is met."),
    )
    return _back(case.id, "answer")


def _item(case_id: int, evidence_id: int):
    case = get_visible_case(current_user, case_id)
    item = db.session.get(EvidenceItem, evidence_id)
    if item is None or item.case_id != case.id:
        abort(404)
    return case, item


@bp.route("/<int:case_id>/evidence", methods=["POST"])
@login_required
def add_evidence(case_id: int):
    case = get_visible_case(current_user, case_id)
    form = EvidenceItemForm()
    if not form.validate_on_submit():
        _problems(form)
        return _back(case.id, "evidence")
    attempt(
        lambda: services.add_evidence_item(
            case,
            current_user,
            name=form.name.data or "",
            source=form.source.data or "",
            proves=form.proves.data or "",
            pages=form.pages.data,
            document_id=form.document_id.data or None,
        ),
        gettext("The evidence is added to the list."),
    )
    return _back(case.id, "evidence")


@bp.route("/<int:case_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@login_required
def remove_evidence(case_id: int, evidence_id: int):
    case, item = _item(case_id, evidence_id)
    form = EvidenceChangeForm()
    if form.validate_on_submit():
        attempt(
            lambda: services.remove_evidence_item(item, case, current_user, form.version.data),
            gettext("Removed from the list."),
        )
    return _back(case.id, "evidence")


@bp.route("/<int:case_id>/evidence/<int:evidence_id>/<any(up, down):direction>", methods=["POST"])
@login_required
def move_evidence(case_id: int, evidence_id: int, direction: str):
    case, item = _item(case_id, evidence_id)
    form = EvidenceChangeForm()
    if form.validate_on_submit():
        step = -1 if direction == "up" else 1
        attempt(lambda: services.move_evidence_item(item, case, current_user, step, form.version.data))
    return _back(case.id, "evidence")


@bp.route("/<int:case_id>/evidence.docx")
@login_required
def evidence_docx(case_id: int):
    case = get_visible_case(current_user, case_id)
    response = send_file(io.BytesIO(services.evidence_list_docx(case)), mimetype=DOCX, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"{case.number}-证据目录.docx", f"evidence-list-{case.id}.docx"
    )
    return response


@bp.route("/<int:case_id>/evidence/store", methods=["POST"])
@login_required
def store_evidence(case_id: int):
    case = get_visible_case(current_user, case_id)
    if Form().validate_on_submit():
        attempt(
            lambda: services.store_evidence_list(case, current_user),
            gettext("The evidence list is stored in the file."),
        )
    return _back(case.id, "documents")


@bp.route("/<int:case_id>/services", methods=["POST"])
@login_required
def record_service(case_id: int):
    case = get_visible_case(current_user, case_id)
    form = ServiceForm()
    if not form.validate_on_submit():
        _problems(form)
        return _back(case.id, "service-records")
    done, record = attempted(
        lambda: services.record_service(
            case,
            current_user,
            local_today(),
            direction=form.direction.data,
            what=form.what.data or "",
            party=form.party.data or "",
            method=form.method.data,
            served_on=form.served_on.data,
            document_id=form.document_id.data or None,
            proof_document_id=form.proof_document_id.data or None,
            starts=form.starts.data or None,
            note=form.note.data or "",
            expected_version=form.version.data,
        )
    )
    if done:
        flash(gettext("The service on %(day)s is recorded.", day=record.served_on.isoformat()), "info")
    return _back(case.id, "service-records")


@bp.route("/<int:case_id>/services/<int:service_id>/withdraw", methods=["POST"])
@login_required
def withdraw_service(case_id: int, service_id: int):
    case = get_visible_case(current_user, case_id)
    record = db.session.get(ServiceRecord, service_id)
    if record is None or record.case_id != case.id:
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.withdraw_service(record, case, current_user, form.reason.data or ""),
            gettext("The service record is struck out."),
        )
        if done and record.starts:
            flash(
                gettext("It had set a date of the case: correct that date on the case if it was wrong."),
                "warn",
            )
    return _back(case.id, "service-records")


@bp.route("/<int:case_id>/services.xlsx")
@login_required
def services_xlsx(case_id: int):
    case = get_visible_case(current_user, case_id)

    def write(buffer):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "送达"
        sheet.append(["送达日期", "发出/收到", "送达内容", "受送达人/送达人", "方式", "送达回证", "起算", "备注"])
        for record in services.services_of(case.id):
            sheet.append(
                [
                    record.served_on,
                    text_of(rules.SERVICE_DIRECTIONS[record.direction]),
                    record.what,
                    record.party,
                    text_of(rules.SERVICE_METHODS[record.method]),
                    record.proof.title if record.proof else "",
                    text_of(case.spec.service_starts.get(record.starts, "")) if record.starts else "",
                    record.note,
                ]
            )
        book.save(buffer)

    return xlsx_download(write, f"{case.number}-送达")


@bp.route("/<int:case_id>/generate", methods=["POST"])
@login_required
def generate(case_id: int):
    case = get_visible_case(current_user, case_id)
    form = GenerateForm()
    if not form.validate_on_submit():
        return _back(case.id, "standard-documents")
    done, document = attempted(lambda: services.generate(case, form.code.data or "", current_user, local_today()))
    if done:
        flash(
            gettext(
                "%(title)s is made and stored in the file: open it, complete it, and replace it with the final "
                "version.",
                title=document.title,
            ),
            "info",
        )
        return redirect(url_for("documents.show", document_id=document.id))
    return _back(case.id, "standard-documents")


# --- the administrators' templates ----------------------------------------------------------------------------


@admin_bp.route("/")
@permission_required("administer")
def index():
    return render_template(
        "case_file/templates.html",
        documents=rules.STANDARD_DOCUMENTS,
        active={code: services.active_template(code) for code in rules.STANDARD_DOCUMENTS},
        form=TemplateForm(formdata=None),
        confirm=Form(formdata=None),
    )


@admin_bp.route("/<template_code>.docx")
@permission_required("administer")
def download(template_code: str):
    code = template_code
    if code not in rules.STANDARD_DOCUMENTS:
        abort(404)
    title = rules.STANDARD_DOCUMENTS[code].title
    response = send_file(io.BytesIO(services.template_bytes(code)), mimetype=DOCX, max_age=0)
    response.headers["Content-Disposition"] = content_disposition("attachment", f"{title}（模板）.docx", f"{code}.docx")
    return response


@admin_bp.route("/<template_code>", methods=["POST"])
@permission_required("administer")
def replace(template_code: str):
    code = template_code
    if code not in rules.STANDARD_DOCUMENTS:
        abort(404)
    form = TemplateForm()
    uploads = _uploads([form.file.data]) if form.validate_on_submit() else []
    if not uploads:
        flash(gettext("Choose the template file (.docx)."), "error")
    else:
        attempt(
            lambda: services.replace_template(code, uploads[0], current_user),
            gettext("The new template is in use."),
        )
    return redirect(url_for("document_templates.index"))


@admin_bp.route("/<template_code>/revert", methods=["POST"])
@permission_required("administer")
def revert(template_code: str):
    code = template_code
    if code not in rules.STANDARD_DOCUMENTS:
        abort(404)
    if Form().validate_on_submit():
        attempt(lambda: services.revert_template(code, current_user), gettext("The shipped template is in use again."))
    return redirect(url_for("document_templates.index"))
