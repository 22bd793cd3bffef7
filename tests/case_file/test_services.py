"""The answer, the evidence list, service records and standard documents on both databases."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.case_file import services
from casetrack.case_file.models import EvidenceItem, ServiceRecord
from casetrack.cases.rules import compute_deadlines
from casetrack.documents.models import Document
from casetrack.documents.services import Upload, add_documents
from casetrack.documents.storage import blob_store
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.workdays.services import current_calendar
from tests.documents.helpers import docx_bytes, pdf_bytes, png_bytes, stored_files

# A Wednesday whose service date plus 15 days is a working day: the deadline assertions read whole days, not the
# day the suite happens to run (on 2026-12-07 the defence deadline fell on a Saturday and moved to Monday).
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today(frozen_clock):
    frozen_clock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


def _upload(content, name):
    return Upload(io.BytesIO(content), name)


@pytest.fixture
def review(factories):
    unit = factories.unit(name="区市场监管局")
    case = factories.case(
        number="富政复〔2026〕21号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=20),
        accepted_on=TODAY - timedelta(days=18),
        copy_sent_on=TODAY - timedelta(days=15),
        summary="不服行政处罚决定，请求撤销",
    )
    db.session.flush()
    return case


def _deadline(case, code):
    return next(d for d in compute_deadlines(case.dates(), current_calendar()) if d.code == code)


def _text(document) -> str:
    with blob_store().open(document.current.sha256) as source:
        word = WordDocument(source)
    return "\n".join(p.text for p in word.paragraphs)


def test_filing_the_answer_stores_it_lists_its_evidence_and_meets_the_deadline(factories, review):
    liaison = factories.user(role="unit", unit=review.respondent_unit)
    stored = services.file_answer(
        review,
        liaison,
        TODAY,
        filed_on=TODAY - timedelta(days=2),
        answer=_upload(pdf_bytes(4), "答复书.pdf"),
        evidence=[_upload(png_bytes(), "现场照片.png"), _upload(pdf_bytes(2), "处罚决定书.pdf")],
    )
    assert [d.category for d in stored] == ["answer", "evidence", "evidence"]
    assert review.answer_received_on == TODAY - timedelta(days=2)
    assert _deadline(review, "respondent_answer").done_on == TODAY - timedelta(days=2)
    items = services.evidence_of(review.id)
    assert [(i.position, i.name, i.source, i.shown_pages) for i in items] == [
        (1, "现场照片", "区市场监管局", 1),
        (2, "处罚决定书", "区市场监管局", 2),
    ]


def test_an_answer_dated_in_the_future_stores_nothing(factories, review):
    with pytest.raises(DomainError):
        services.file_answer(
            review,
            SYSTEM,
            TODAY,
            filed_on=TODAY + timedelta(days=1),
            answer=_upload(pdf_bytes(), "答复书.pdf"),
            evidence=[],
        )
    db.session.flush()
    assert db.session.scalar(select(func.count(Document.id))) == 0 and stored_files() == []
    assert review.answer_received_on is None


def test_another_units_liaison_cannot_file_the_answer(factories, review):
    stranger = factories.user(role="unit", unit=factories.unit(name="区城管局"))
    with pytest.raises(PermissionDenied):
        services.file_answer(
            review, stranger, TODAY, filed_on=TODAY, answer=_upload(pdf_bytes(), "答复书.pdf"), evidence=[]
        )


def test_the_evidence_list_is_ordered_exported_and_stored(factories, review):
    (photo,) = add_documents("case", review, SYSTEM, uploads=[_upload(pdf_bytes(3), "照片.pdf")], category="evidence")
    first = services.add_evidence_item(review, SYSTEM, name="营业执照", source="市场主体登记系统", proves="主体资格")
    second = services.add_evidence_item(review, SYSTEM, name="现场照片", proves="违法事实", document_id=photo.id)
    services.move_evidence_item(second, review, SYSTEM, -1)
    assert [i.name for i in services.evidence_of(review.id)] == ["现场照片", "营业执照"]
    word = WordDocument(io.BytesIO(services.evidence_list_docx(review)))
    rows = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert rows[0] == ["序号", "证据名称", "证据来源", "证明目的", "页数"]
    assert rows[1] == ["1", "现场照片", "", "违法事实", "3"] and rows[2][1] == "营业执照"
    assert "被申请人：区市场监管局" in "\n".join(p.text for p in word.paragraphs)
    stored = services.store_evidence_list(review, SYSTEM)
    assert stored.title == "证据目录" and stored.category == "evidence"
    services.remove_evidence_item(first, review, SYSTEM)
    assert [(i.position, i.name) for i in services.evidence_of(review.id)] == [(1, "现场照片")]


def test_an_evidence_item_cannot_name_another_cases_document(factories, review):
    other = factories.case(number="富政复〔2026〕22号", respondent_unit=review.respondent_unit)
    (foreign,) = add_documents("case", other, SYSTEM, uploads=[_upload(pdf_bytes(), "x.pdf")], category="evidence")
    with pytest.raises(DomainError):
        services.add_evidence_item(review, SYSTEM, name="x", document_id=foreign.id)
    assert db.session.scalar(select(func.count(EvidenceItem.id))) == 0


def test_a_service_that_starts_a_period_sets_the_case_date_and_the_deadline(factories):
    suit = factories.case(
        kind="litigation",
        number="（2026）浙0111行初21号",
        received_on=TODAY - timedelta(days=10),
        accepted_on=TODAY - timedelta(days=10),
    )
    db.session.flush()
    (proof,) = add_documents(
        "case", suit, SYSTEM, uploads=[_upload(pdf_bytes(), "送达回证.pdf")], category="service_proof"
    )
    record = services.record_service(
        suit,
        SYSTEM,
        TODAY,
        direction="received",
        what="起诉状副本",
        party="杭州市富阳区人民法院",
        method="post",
        served_on=TODAY - timedelta(days=3),
        proof_document_id=proof.id,
        starts="served_on",
    )
    assert suit.served_on == TODAY - timedelta(days=3)
    assert _deadline(suit, "defence").due_on == TODAY + timedelta(days=12)
    services.withdraw_service(record, suit, SYSTEM, "录入错误")
    assert services.services_of(suit.id) == [] and suit.served_on == TODAY - timedelta(days=3)


def test_a_public_notice_starts_its_period_thirty_days_after_publication(factories):
    suit = factories.case(
        kind="litigation",
        number="（2026）浙0111行初22号",
        received_on=TODAY - timedelta(days=90),
        accepted_on=TODAY - timedelta(days=90),
        concluded_on=TODAY - timedelta(days=45),
        outcome="revoked",
    )
    db.session.flush()
    services.record_service(
        suit,
        SYSTEM,
        TODAY,
        direction="sent",
        what="判决书",
        party="原告",
        method="public_notice",
        served_on=TODAY - timedelta(days=40),
        starts="judgment_served_on",
    )
    assert suit.judgment_served_on == TODAY - timedelta(days=10)
    with pytest.raises(DomainError):
        services.record_service(
            suit,
            SYSTEM,
            TODAY,
            direction="sent",
            what="判决书",
            party="原告",
            method="public_notice",
            served_on=TODAY - timedelta(days=5),
            starts="judgment_served_on",
        )


def test_a_bad_service_changes_nothing(factories, review):
    stranger = factories.user(role="unit", unit=factories.unit(name="区城管局"))
    with pytest.raises(PermissionDenied):
        services.record_service(
            review, stranger, TODAY, direction="sent", what="x", party="y", method="post", served_on=TODAY
        )
    with pytest.raises(DomainError):
        services.record_service(
            review, SYSTEM, TODAY, direction="sent", what="x", party="y", method="fax", served_on=TODAY
        )
    with pytest.raises(DomainError):
        services.record_service(
            review,
            SYSTEM,
            TODAY,
            direction="sent",
            what="判决书",
            party="y",
            method="post",
            served_on=TODAY,
            starts="judgment_served_on",
        )
    db.session.flush()
    assert db.session.scalar(select(func.count(ServiceRecord.id))) == 0


def test_a_generated_acceptance_notice_carries_the_cases_number_parties_and_dates(factories, review):
    staff = factories.user(role="legal")
    document = services.generate(review, "acceptance_notice", staff, TODAY)
    text = _text(document)
    applicant = review.applicants[0].name
    assert document.title == "行政复议受理通知书" and document.category == "notice"
    assert review.number in text and applicant in text and "区市场监管局" in text
    accepted = review.accepted_on
    assert f"{accepted.year}年{accepted.month}月{accepted.day}日" in text
    received = review.received_on
    assert f"{received.year}年{received.month}月{received.day}日" in text and "{{" not in text


def test_a_liaison_drafts_its_defence_but_issues_no_notice(factories):
    unit = factories.unit(name="区住建局")
    liaison = factories.user(role="unit", unit=unit)
    suit = factories.case(
        kind="litigation",
        number="（2026）浙0111行初23号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=5),
        served_on=TODAY - timedelta(days=4),
    )
    review = factories.case(
        number="富政复〔2026〕23号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=5),
        accepted_on=TODAY - timedelta(days=4),
    )
    db.session.flush()
    assert "答辩人：区住建局" in _text(services.generate(suit, "defence", liaison, TODAY))
    with pytest.raises(PermissionDenied):
        services.generate(review, "acceptance_notice", liaison, TODAY)
    with pytest.raises(DomainError):
        services.generate(review, "defence", SYSTEM, TODAY)


def test_a_replaced_template_is_used_and_a_broken_one_is_refused(factories, review):
    admin = factories.user(role="admin")
    with pytest.raises(DomainError) as broken:
        services.replace_template("acceptance_notice", _upload(docx_bytes("{{ no_such_field }}"), "模板.docx"), admin)
    assert "no_such_field" in str(broken.value.params)
    with pytest.raises(DomainError):
        services.replace_template("acceptance_notice", _upload(docx_bytes("{% if %}"), "模板.docx"), admin)
    with pytest.raises(DomainError):
        services.replace_template("acceptance_notice", _upload(pdf_bytes(), "模板.pdf"), admin)
    assert stored_files() == []
    services.replace_template(
        "acceptance_notice", _upload(docx_bytes("本地模板 {{ case_number }}"), "模板.docx"), admin
    )
    assert "本地模板 富政复〔2026〕21号" in _text(services.generate(review, "acceptance_notice", SYSTEM, TODAY))
    services.revert_template("acceptance_notice", admin)
    assert "本地模板" not in _text(services.generate(review, "acceptance_notice", SYSTEM, TODAY))
    with pytest.raises(PermissionDenied):
        services.replace_template("acceptance_notice", _upload(docx_bytes(), "m.docx"), factories.user(role="legal"))


def test_a_bad_evidence_file_stores_neither_it_nor_the_answer(factories, review):
    from tests.documents.helpers import EXE_BYTES

    with pytest.raises(DomainError):
        services.file_answer(
            review,
            SYSTEM,
            TODAY,
            filed_on=TODAY,
            answer=_upload(pdf_bytes(), "答复书.pdf"),
            evidence=[_upload(EXE_BYTES, "证据.pdf")],
        )
    assert stored_files() == [] and review.answer_received_on is None
