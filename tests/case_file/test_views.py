"""The case file's working parts through the pages: messages in Chinese, downloads, and another unit's case a 404."""

import io
from datetime import timedelta

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from casetrack.clock import local_today
from casetrack.extensions import db
from tests.documents.helpers import docx_bytes, pdf_bytes

TODAY = local_today()


@pytest.fixture
def world(factories):
    unit = factories.unit(name="区市场监管局")
    review = factories.case(
        number="富政复〔2026〕31号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=9),
        accepted_on=TODAY - timedelta(days=8),
        copy_sent_on=TODAY - timedelta(days=7),
    )
    other = factories.case(number="富政复〔2026〕32号", respondent_unit=factories.unit(name="区城管局"))
    db.session.commit()
    return {"unit": unit, "review": review, "other": other}


def _post(actions, url, data, **kwargs):
    return actions.post(url, data=data, content_type="multipart/form-data", follow_redirects=True, **kwargs)


def test_the_liaison_files_the_answer_from_the_case_page(login_as, world):
    review = world["review"]
    liaison = login_as("unit", unit=world["unit"])
    page = liaison.get(f"/cases/{review.id}").get_data(as_text=True)
    assert 'id="answer-form"' in page and "提交答复" in page
    missing = _post(
        liaison, f"/case-file/{review.id}/answer", {"filed_on": TODAY.isoformat(), "version": review.version}
    )
    assert "请附上答复书" in missing.get_data(as_text=True)
    done = _post(
        liaison,
        f"/case-file/{review.id}/answer",
        {
            "filed_on": TODAY.isoformat(),
            "version": str(review.version),
            "answer": (io.BytesIO(pdf_bytes(2)), "答复书.pdf"),
            "evidence": [(io.BytesIO(pdf_bytes()), "处罚决定书.pdf")],
        },
    ).get_data(as_text=True)
    assert "答复已连同材料提交" in done and 'id="evidence-list"' in done and "处罚决定书" in done
    assert 'id="answer-form"' not in done
    listing = liaison.get(f"/case-file/{review.id}/evidence.docx")
    assert "filename*=UTF-8''" in listing.headers["Content-Disposition"]
    table = WordDocument(io.BytesIO(listing.get_data())).tables[0]
    assert [cell.text for cell in table.rows[1].cells][:2] == ["1", "处罚决定书"]


def test_services_are_recorded_and_exported_with_their_proof(login_as, world):
    review = world["review"]
    legal = login_as("legal")
    refused = _post(
        legal, f"/case-file/{review.id}/services", {"version": review.version, "method": "post", "direction": "sent"}
    )
    assert "请填写送达的文书" in refused.get_data(as_text=True)
    recorded = _post(
        legal,
        f"/case-file/{review.id}/services",
        {
            "version": str(review.version),
            "direction": "sent",
            "what": "申请书副本",
            "party": "区市场监管局",
            "method": "electronic",
            "served_on": (TODAY - timedelta(days=6)).isoformat(),
            "starts": "copy_sent_on",
        },
    ).get_data(as_text=True)
    assert "送达已登记" in recorded and "申请书副本" in recorded
    db.session.expire_all()
    assert db.session.get(type(review), review.id).copy_sent_on == TODAY - timedelta(days=6)
    sheet = load_workbook(io.BytesIO(legal.get(f"/case-file/{review.id}/services.xlsx").get_data())).active
    assert [c.value for c in sheet[2]][1:5] == ["发出", "申请书副本", "区市场监管局", "电子送达"]


def test_a_standard_document_is_made_and_opens_on_its_page(login_as, world):
    review = world["review"]
    legal = login_as("legal")
    page = legal.get(f"/cases/{review.id}").get_data(as_text=True)
    assert 'value="acceptance_notice"' in page
    made = legal.post(f"/case-file/{review.id}/generate", data={"code": "acceptance_notice"})
    assert made.status_code == 302 and "/documents/" in made.headers["Location"]
    shown = legal.get(made.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "行政复议受理通知书" in shown
    wrong = legal.post(f"/case-file/{review.id}/generate", data={"code": "defence"}, follow_redirects=True)
    assert "本案不制作这种文书" in wrong.get_data(as_text=True)
    liaison_page = login_as("unit", unit=world["unit"]).get(f"/cases/{review.id}").get_data(as_text=True)
    assert 'value="acceptance_notice"' not in liaison_page


def test_another_units_case_file_routes_are_404(login_as, world):
    other = world["other"]
    liaison = login_as("unit", unit=world["unit"])
    for url in (f"/case-file/{other.id}/evidence.docx", f"/case-file/{other.id}/services.xlsx"):
        assert liaison.get(url).status_code == 404
    for url in (f"/case-file/{other.id}/answer", f"/case-file/{other.id}/evidence", f"/case-file/{other.id}/services"):
        assert liaison.post(url, data={}).status_code == 404


def test_the_administrator_replaces_a_template_and_a_broken_one_is_explained(login_as, world):
    admin = login_as("admin")
    page = admin.get("/admin/document-templates/").get_data(as_text=True)
    assert "行政复议受理通知书" in page and "系统自带模板" in page
    shipped = admin.get("/admin/document-templates/acceptance_notice.docx")
    assert "{{ case_number }}" in "\n".join(p.text for p in WordDocument(io.BytesIO(shipped.get_data())).paragraphs)
    broken = _post(
        admin,
        "/admin/document-templates/acceptance_notice",
        {"file": (io.BytesIO(docx_bytes("{{ 案号 ")), "坏模板.docx")},
    )
    assert "模板无法填充" in broken.get_data(as_text=True)
    taken = _post(
        admin,
        "/admin/document-templates/acceptance_notice",
        {"file": (io.BytesIO(docx_bytes("{{ case_number }} 本区格式")), "本区模板.docx")},
    )
    assert "新模板已启用" in taken.get_data(as_text=True)
    reverted = admin.post("/admin/document-templates/acceptance_notice/revert", data={}, follow_redirects=True)
    assert "已恢复使用系统自带模板" in reverted.get_data(as_text=True)
    assert login_as("legal").get("/admin/document-templates/").status_code == 403
