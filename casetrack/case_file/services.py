"""Verbs on a case's file: file the respondent's answer with its documents, keep its evidence list, record what was
served and when (setting the dates the statutory periods run from), issue standard documents from their templates,
and let an administrator replace a template. Each takes the acting user, audits on the case and flushes."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from docx import Document as WordDocument
from docxtpl import DocxTemplate
from flask import current_app
from flask_babel import force_locale
from jinja2 import Environment, StrictUndefined, TemplateError
from sqlalchemy import select

from casetrack import gbt9704
from casetrack.accounts.permissions import can
from casetrack.audit import services as audit
from casetrack.case_file import rules
from casetrack.case_file.models import DocumentTemplate, EvidenceItem, ServiceRecord
from casetrack.cases import kinds
from casetrack.cases import rules as case_rules
from casetrack.cases import services as cases
from casetrack.cases.models import Case
from casetrack.clock import utc_now
from casetrack.dates import happened_problems
from casetrack.documents import queries as documents_queries
from casetrack.documents import rules as documents_rules
from casetrack.documents import services as documents
from casetrack.documents.storage import blob_store
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.i18n import N_, text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _raise_first(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0])


def _check(actor, case: Case, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied(N_("Your role may read this file but not add to it."))
    if not any(can(actor, capability, unit_id) for unit_id in case.respondent_unit_ids):
        raise PermissionDenied(N_("You can only add to your own unit's files."))


def _document_of(case: Case, document_id) -> int | None:
    """A document named by a form, which must be in this case's file and not withdrawn."""
    if document_id in (None, "", 0):
        return None
    ids = {d.id for d in documents_queries.file_of("case", case.id)}
    if int(document_id) not in ids:
        raise DomainError(N_("That document is not in this case's file."))
    return int(document_id)


# --- the answer and its evidence list ---------------------------------------------------------------------


def file_answer(
    case: Case,
    actor,
    today: date,
    *,
    filed_on: date | None,
    answer: documents.Upload | None,
    evidence: list[documents.Upload],
    given_by: str = "",
    expected_version=None,
) -> list:
    """The respondent's answer (review) or defence (litigation) is in: its documents go into the file, its evidence
    starts the evidence list, and the case's date is set — through the case's own edit, so it is checked against
    the other dates, audited, and the deadline it closes shows as done."""
    spec = case.spec
    cases.check_case_version(case, expected_version)
    if spec.answer_field is None:
        raise DomainError(N_("This kind of case has no answer to file."))
    if not case.is_open:
        raise DomainError(N_("The case is concluded: its answer can no longer be filed."))
    if filed_on is None:
        raise DomainError(N_("Give the day the answer was filed."))
    _raise_first(happened_problems(filed_on, today))
    if answer is None:
        raise DomainError(N_("Attach the answer itself."))
    # Every file is checked before any is stored: a bad evidence file leaves no answer behind on disk.
    for upload in [answer, *evidence]:
        documents.check_upload(upload)
    given_by = given_by.strip() or case.respondent_unit.name
    cases.update_case(case, {spec.answer_field: filed_on}, actor, today, expected_version)
    (answer_document,) = documents.add_documents(
        "case", case, actor, uploads=[answer], category="answer", dated_on=filed_on, given_by=given_by
    )
    evidence_documents = (
        documents.add_documents(
            "case", case, actor, uploads=evidence, category="evidence", dated_on=filed_on, given_by=given_by
        )
        if evidence
        else []
    )
    position = _last_position(case.id)
    for offset, document in enumerate(evidence_documents, start=1):
        db.session.add(
            EvidenceItem(
                case_id=case.id,
                position=position + offset,
                name=document.title,
                source=given_by,
                document_id=document.id,
                created_by_id=getattr(actor, "id", None),
            )
        )
    db.session.flush()
    return [answer_document, *evidence_documents]


def _last_position(case_id: int) -> int:
    return max((item.position for item in evidence_of(case_id)), default=0)


def evidence_of(case_id: int) -> list[EvidenceItem]:
    stmt = select(EvidenceItem).where(EvidenceItem.case_id == case_id).order_by(EvidenceItem.position, EvidenceItem.id)
    return list(db.session.scalars(stmt))


def add_evidence_item(
    case: Case, actor, *, name: str, source: str = "", proves: str = "", pages=None, document_id=None
):
    _check(actor, case, "upload_documents")
    _raise_first(rules.evidence_problems(name, pages))
    item = EvidenceItem(
        case_id=case.id,
        position=_last_position(case.id) + 1,
        name=name.strip()[:200],
        source=source.strip()[:200],
        proves=proves.strip(),
        pages=pages,
        document_id=_document_of(case, document_id),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(item)
    db.session.flush()
    audit.record("case", case.id, "evidence_added", actor, [("evidence", None, f"{item.position}. {item.name}")])
    return item


def remove_evidence_item(item: EvidenceItem, case: Case, actor, expected_version=None) -> None:
    _check(actor, case, "upload_documents")
    cases.check_case_version(case, expected_version)
    db.session.delete(item)
    db.session.flush()
    for position, remaining in enumerate(evidence_of(case.id), start=1):
        remaining.position = position
    audit.record("case", case.id, "evidence_removed", actor, [("evidence", item.name, None)])
    db.session.flush()


def move_evidence_item(item: EvidenceItem, case: Case, actor, step: int, expected_version=None) -> None:
    _check(actor, case, "upload_documents")
    cases.check_case_version(case, expected_version)
    items = evidence_of(case.id)
    index = next(i for i, candidate in enumerate(items) if candidate.id == item.id)
    order = rules.moved(list(range(len(items))), index, step)
    for position, original in enumerate(order, start=1):
        items[original].position = position
    db.session.flush()


def evidence_list_docx(case: Case) -> bytes:
    """The 证据目录 as the office files it: title, the case and the respondent, the table, the date."""
    document = WordDocument()
    gbt9704.set_up(document, "证据目录", utc_now())
    document.add_paragraph("证据目录", style="Title")
    document.add_paragraph(
        f"案号：{case.number}　{case.spec.respondent_term}：{case.respondent_unit.name}", style="Body Text"
    )
    rows = [
        [str(item.position), item.name, item.source, item.proves, str(item.shown_pages or "")]
        for item in evidence_of(case.id)
    ]
    gbt9704.table(document, ["序号", "证据名称", "证据来源", "证明目的", "页数"], rows or [["", "", "", "", ""]])
    gbt9704.add_date_line(document, utc_now().date())
    return gbt9704.saved(document)


def store_evidence_list(case: Case, actor):
    """The list as it stands, stored into the file as a document (a list filed with the answer is part of it)."""
    if not evidence_of(case.id):
        raise DomainError(N_("The evidence list is empty: add its items first."))
    return documents.add_generated_document(
        "case",
        case,
        actor,
        content=io.BytesIO(evidence_list_docx(case)),
        filename=f"{case.number}-证据目录.docx",
        category="evidence",
        title="证据目录",
    )


# --- service records ----------------------------------------------------------------------------------------


def services_of(case_id: int, include_withdrawn: bool = False) -> list[ServiceRecord]:
    stmt = select(ServiceRecord).where(ServiceRecord.case_id == case_id)
    if not include_withdrawn:
        stmt = stmt.where(ServiceRecord.withdrawn_at.is_(None))
    return list(db.session.scalars(stmt.order_by(ServiceRecord.served_on, ServiceRecord.id)))


def record_service(
    case: Case,
    actor,
    today: date,
    *,
    direction: str,
    what: str,
    party: str,
    method: str,
    served_on: date | None,
    document_id=None,
    proof_document_id=None,
    starts: str | None = None,
    note: str = "",
    expected_version=None,
) -> ServiceRecord:
    """Record a service. One that starts a statutory period sets the case's date to the day it counts from (for a
    public notice, 30 days after publication) through the case's own edit, checked and audited."""
    _check(actor, case, "record_service")
    cases.check_case_version(case, expected_version)
    _raise_first(rules.service_problems(direction, method, what, party, starts or None, case.spec.service_starts))
    if served_on is None:
        raise DomainError(N_("Give the day of service."))
    _raise_first(happened_problems(served_on, today))
    record = ServiceRecord(
        case_id=case.id,
        direction=direction,
        what=what.strip()[:200],
        party=party.strip()[:200],
        method=method,
        served_on=served_on,
        document_id=_document_of(case, document_id),
        proof_document_id=_document_of(case, proof_document_id),
        starts=starts or None,
        note=note.strip(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    if starts:
        counts_from = rules.deemed_served_on(method, served_on)
        if counts_from > today:
            raise DomainError(
                N_("A public notice published on %(day)s counts as served only on %(counts)s: record it then."),
                day=served_on.isoformat(),
                counts=counts_from.isoformat(),
            )
        data = {starts: counts_from}
        if starts == "judgment_served_on" and not case.ruling_kind:
            data["ruling_kind"] = kinds.DEFAULT_RULING_KIND
        cases.update_case(case, data, actor, today, expected_version)
    db.session.flush()
    audit.record(
        "case",
        case.id,
        "service_recorded",
        actor,
        [("service", None, f"{served_on} {record.what} → {record.party}")],
        comment=text_of(rules.SERVICE_METHODS[method]),
    )
    return record


def withdraw_service(record: ServiceRecord, case: Case, actor, reason: str) -> ServiceRecord:
    """Strike out a service entered by mistake. A case date it set stays as it is — the date may have other
    sources — and the page says to correct it on the case."""
    _check(actor, case, "record_service")
    if record.withdrawn_at is not None:
        raise DomainError(N_("This service record was already struck out."))
    if not reason.strip():
        raise DomainError(N_("Give the reason the service record is struck out."))
    record.withdrawn_at = datetime.now(UTC)
    record.withdrawal_reason = reason.strip()
    db.session.flush()
    audit.record("case", case.id, "service_withdrawn", actor, [("service", record.what, None)], comment=reason.strip())
    return record


# --- standard documents -------------------------------------------------------------------------------------


def document_values(case: Case) -> dict:
    """The case as the standard documents' rules read it: plain values, no ORM."""
    running = case.open_suspension
    last = case.suspensions[-1] if case.suspensions else None
    shown = running or last
    hearing = (
        db.session.scalars(select(Hearing).where(Hearing.case_id == case.id).order_by(Hearing.held_on.desc())).first()
        if case.spec.has_hearings
        else None
    )
    reasons = case.spec.suspension_reasons
    return {
        "number": case.number,
        "kind_term": case.spec.term,
        "applicants": [a.name for a in case.applicants],
        "respondent": case.respondent_unit.name,
        # The 案由 names the act the applicant contests: 不服某局作出的“行政处罚”.
        "subject": text_of(case_rules.MATTERS[case.matter]) if case.matter in case_rules.MATTERS else "",
        "received_on": case.received_on,
        "accepted_on": case.accepted_on,
        "served_on": case.served_on,
        "correction_items": case.correction.items if case.correction else "",
        "correction_notice_on": case.correction.notice_on if case.correction else None,
        "suspended_on": shown.suspended_on if shown else None,
        "resumed_on": last.resumed_on if last and running is None else None,
        "suspension_reason": (shown.reason_text or text_of(reasons.get(shown.reason_code, ""))) if shown else "",
        "suspension_basis": text_of(case.spec.suspension_basis) if case.spec.suspension_basis else "",
        "hearing_on": hearing.held_on if hearing else None,
        "court": hearing.court if hearing else "",
        "head_name": hearing.principal_name if hearing else "",
        "head_title": "",
    }


def capability_for(code: str) -> str:
    return "draft_respondent_documents" if rules.STANDARD_DOCUMENTS[code].by_respondent else "generate_documents"


def applicable_documents(case: Case) -> list[str]:
    return rules.applicable(case.spec.standard_documents, document_values(case))


def default_template(code: str) -> bytes:
    """The template shipped with the app: the document's wording after GB/T 9704, its blanks as placeholders."""
    spec = rules.STANDARD_DOCUMENTS[code]
    document = WordDocument()
    gbt9704.set_up(document, spec.title, datetime(2026, 1, 1, tzinfo=UTC))
    document.add_paragraph(spec.title, style="Title")
    for text in spec.paragraphs:
        document.add_paragraph(text, style="Body Text")
    document.add_paragraph(style="Body Text")
    document.add_paragraph(spec.signed_by, style="Date")
    document.add_paragraph("{{ today }}", style="Date")
    return gbt9704.saved(document)


def active_template(code: str) -> DocumentTemplate | None:
    """The administrator's template in use for ``code``, or None when the shipped one is."""
    stmt = select(DocumentTemplate).where(DocumentTemplate.code == code).order_by(DocumentTemplate.id.desc())
    newest = db.session.scalars(stmt.limit(1)).first()
    return newest if newest is not None and newest.sha256 else None


def template_bytes(code: str) -> bytes:
    replacement = active_template(code)
    if replacement is None:
        return default_template(code)
    with blob_store().open(replacement.sha256) as source:
        return source.read()


def render(template: bytes, values: dict) -> bytes:
    """Fill a template; a placeholder the app does not know, or broken template syntax, is a DomainError."""
    try:
        filled = DocxTemplate(io.BytesIO(template))
        filled.render(values, jinja_env=Environment(undefined=StrictUndefined, autoescape=True))
    except TemplateError as error:
        raise DomainError(N_("The template cannot be filled: %(problem)s"), problem=str(error)[:200]) from None
    except Exception as error:  # a file that is no Word document, or whose XML docxtpl cannot read
        raise DomainError(
            N_("The template cannot be read as a Word document: %(problem)s"), problem=str(error)[:200]
        ) from None
    buffer = io.BytesIO()
    filled.save(buffer)
    return buffer.getvalue()


def generate(case: Case, code: str, actor, today: date):
    """Issue a standard document for the case and store it in the case's file."""
    if code not in rules.STANDARD_DOCUMENTS or code not in case.spec.standard_documents:
        raise DomainError(N_("This case is not issued that document."))
    _check(actor, case, capability_for(code))
    if code not in applicable_documents(case):
        raise DomainError(N_("The case has not reached the stage this document is issued at."))
    spec = rules.STANDARD_DOCUMENTS[code]
    issuing_body = current_app.config["CASETRACK_ISSUING_BODY"]
    # A 公文 is in Chinese whatever language the person making it reads the pages in.
    with force_locale("zh_Hans_CN"):
        values = rules.context(document_values(case), today, issuing_body)
    content = render(template_bytes(code), values)
    category = spec.category if spec.category in documents_rules.CATEGORIES else "other"
    return documents.add_generated_document(
        "case",
        case,
        actor,
        content=io.BytesIO(content),
        filename=f"{case.number}-{spec.title}.docx",
        category=category,
        title=spec.title,
        dated_on=today,
    )


def replace_template(code: str, upload: documents.Upload, actor) -> DocumentTemplate:
    """Take an administrator's template once it is a Word document that fills with a sample case."""
    if not can(actor, "administer"):
        raise PermissionDenied(N_("You do not have permission to do that."))
    if code not in rules.STANDARD_DOCUMENTS:
        raise DomainError(N_("There is no such standard document."))
    checked = documents.check_upload(upload)
    if checked.file_type.content_type != DOCX:
        raise DomainError(N_("A template must be a Word document (.docx)."))
    upload.stream.seek(0)
    content = upload.stream.read()
    render(content, rules.context(rules.SAMPLE_CASE, date(2026, 6, 1), "区人民政府"))
    blob = blob_store().put(io.BytesIO(content))
    template = DocumentTemplate(
        code=code, sha256=blob.sha256, filename=checked.display_name, uploaded_by_id=getattr(actor, "id", None)
    )
    db.session.add(template)
    db.session.flush()
    audit.record(
        "document_template",
        template.id,
        "template_replaced",
        actor,
        [("template", None, checked.display_name)],
        comment=code,
    )
    return template


def revert_template(code: str, actor) -> None:
    if not can(actor, "administer"):
        raise PermissionDenied(N_("You do not have permission to do that."))
    if code not in rules.STANDARD_DOCUMENTS:
        raise DomainError(N_("There is no such standard document."))
    if active_template(code) is None:
        raise DomainError(N_("The shipped template is already in use."))
    template = DocumentTemplate(code=code, sha256=None, filename="", uploaded_by_id=getattr(actor, "id", None))
    db.session.add(template)
    db.session.flush()
    audit.record("document_template", template.id, "template_reverted", actor, comment=code)
