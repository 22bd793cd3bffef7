"""The case file through the web and the API: upload from the case page, preview and download headers, the ZIP
and its table of contents, refusals with their message in Chinese, and another unit's document as a 404."""

import io
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.accounts.services import issue_token
from casetrack.documents import archive, services
from casetrack.documents.models import Document
from casetrack.extensions import db
from tests.documents.helpers import EXE_BYTES, docx_bytes, pdf_bytes, png_bytes, stored_files


@pytest.fixture
def world(factories):
    unit = factories.unit(name="区市场监管局")
    other = factories.unit(name="区城管局")
    case = factories.case(respondent_unit=unit, number="富政复〔2026〕12号")
    other_case = factories.case(respondent_unit=other, number="富政复〔2026〕13号")
    db.session.commit()
    return {"unit": unit, "other": other, "case": case, "other_case": other_case}


def _add(case, content=None, name="申请书.pdf", category="application", **values):
    (document,) = services.add_documents(
        "case",
        case,
        SYSTEM,
        uploads=[services.Upload(io.BytesIO(content or pdf_bytes()), name)],
        category=category,
        **values,
    )
    db.session.commit()
    return document


def _post_files(actions, case, files, **fields):
    data = {"category": "evidence", "title": "", "dated_on": "", "given_by": "", **fields}
    data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return actions.post(
        f"/documents/case/{case.id}", data=data, content_type="multipart/form-data", follow_redirects=True
    )


def _document_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Document.id)))


def test_a_liaison_uploads_on_its_case_page_and_sees_the_documents_listed(login_as, world):
    liaison = login_as("unit", unit=world["unit"])
    page = liaison.get(f"/cases/{world['case'].id}").get_data(as_text=True)
    assert 'id="upload-form"' in page and "卷宗" in page
    answer = _post_files(
        liaison,
        world["case"],
        [(pdf_bytes(2), "答复书.pdf"), (docx_bytes(), "依据.docx")],
        category="answer",
        given_by="区市场监管局",
        dated_on="2026-11-20",
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "2 份文件已加入卷宗" in text
    assert "答复书.pdf" in text and "依据.docx" in text and "2 页" in text


def test_a_disguised_executable_is_refused_in_chinese_and_nothing_is_stored(login_as, world):
    liaison = login_as("unit", unit=world["unit"])
    refused = _post_files(liaison, world["case"], [(EXE_BYTES, "判决书.pdf")])
    assert "判决书.pdf 不是可接收的文件类型" in refused.get_data(as_text=True)
    empty = _post_files(liaison, world["case"], [(b"", "空.pdf")])
    assert "空.pdf 是空文件" in empty.get_data(as_text=True)
    none = _post_files(liaison, world["case"], [])
    assert "请选择要上传的文件" in none.get_data(as_text=True)
    assert _document_count() == 0 and stored_files() == []


def test_a_request_over_the_limit_is_refused_before_it_is_read_with_the_limit_named(login_as, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_DOCUMENT_MAX_REQUEST_BYTES", 1024 * 1024)
    liaison = login_as("unit", unit=world["unit"])
    refused = _post_files(liaison, world["case"], [(pdf_bytes() + b"\0" * (2 * 1024 * 1024), "大.pdf")])
    assert refused.status_code == 413 and "1 MB" in refused.get_data(as_text=True)
    assert _document_count() == 0


def test_preview_and_download_headers_keep_the_file_from_acting_on_the_site(login_as, world):
    content = pdf_bytes()
    document = _add(world["case"], content, name="行政复议申请书.pdf")
    legal = login_as("legal")
    preview = legal.get(f"/documents/{document.id}/content?preview=1")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert preview.headers["Content-Disposition"] == (
        f"inline; filename=\"document-{document.id}-v1.pdf\"; filename*=UTF-8''{quote('行政复议申请书.pdf')}"
    )
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    assert preview.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert preview.get_data() == content
    download = legal.get(f"/documents/{document.id}/content")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    word = _add(world["case"], docx_bytes(), name="答辩状.docx", category="answer")
    # Word is never shown inline, whatever is asked.
    assert legal.get(f"/documents/{word.id}/content?preview=1").headers["Content-Disposition"].startswith("attachment")


def test_a_file_changed_on_disk_is_never_sent(login_as, world):
    document = _add(world["case"], png_bytes(), name="照片.png", category="evidence")
    from casetrack.documents.storage import blob_store

    path = blob_store().local_path(document.current.sha256)
    path.write_bytes(b"\x89PNG changed")
    response = login_as("legal").get(f"/documents/{document.id}/content")
    assert response.status_code == 404 and "缺失或已损坏" in response.get_data(as_text=True)


def test_another_units_document_is_a_404_on_every_route(login_as, world):
    document = _add(world["other_case"])
    liaison = login_as("unit", unit=world["unit"])
    for url in (
        f"/documents/{document.id}",
        f"/documents/{document.id}/content",
        f"/documents/case/{world['other_case'].id}",
        f"/documents/case/{world['other_case'].id}/archive.zip",
        "/documents/nothing/1",
    ):
        assert liaison.get(url).status_code == 404, url
    assert liaison.post(f"/documents/{document.id}/withdraw", data={"reason": "x", "version": "1"}).status_code == 404
    assert _post_files(liaison, world["other_case"], [(pdf_bytes(), "x.pdf")]).status_code == 404
    assert _document_count() == 1


def test_replace_and_withdraw_from_the_document_page(login_as, world):
    document = _add(world["case"], pdf_bytes(1), name="答复书.pdf", category="answer")
    liaison = login_as("unit", unit=world["unit"])
    page = liaison.get(f"/documents/{document.id}").get_data(as_text=True)
    assert 'id="replace-form"' in page and 'id="preview"' in page
    replaced = liaison.post(
        f"/documents/{document.id}/replace",
        data={"file": (io.BytesIO(pdf_bytes(2)), "答复书（修改）.pdf"), "version": str(document.version)},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "新版本已保存" in replaced and "v2" in replaced and "v1" in replaced
    db.session.expire_all()
    version = db.session.get(Document, document.id).version
    no_reason = liaison.post(
        f"/documents/{document.id}/withdraw", data={"reason": "", "version": str(version)}, follow_redirects=True
    )
    assert "请说明撤回的理由" in no_reason.get_data(as_text=True)
    withdrawn = liaison.post(
        f"/documents/{document.id}/withdraw",
        data={"reason": "上传错误", "version": str(version)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "上传错误" in withdrawn and 'id="withdrawn-note"' in withdrawn
    case_page = liaison.get(f"/cases/{world['case'].id}").get_data(as_text=True)
    assert "答复书（修改）.pdf" not in case_page and "1 份已撤回的文件" in case_page


def test_the_zip_opens_with_a_table_of_contents_that_matches_its_entries(login_as, world):
    application = pdf_bytes(3)
    _add(world["case"], application, name="申请书.pdf", category="application", dated_on=None)
    _add(world["case"], png_bytes(), name="现场照片.png", category="evidence", title="现场照片")
    withdrawn = _add(world["case"], docx_bytes(), name="草稿.docx", category="other")
    services.withdraw_document(withdrawn, SYSTEM, "草稿")
    db.session.commit()
    response = login_as("legal").get(f"/documents/case/{world['case'].id}/archive.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = bundle.namelist()
    assert names[0] == archive.TOC_NAME and len(names) == 3
    toc = WordDocument(io.BytesIO(bundle.read(names[0])))
    rows = [[cell.text for cell in row.cells] for table in toc.tables for row in table.rows]
    assert rows[0] == archive.TOC_HEADINGS
    body = rows[1:]
    assert [row[5] for row in body] == names[1:]
    assert [row[0] for row in body] == ["1", "2"] and body[0][4] == "3" and body[1][2] == "现场照片"
    assert bundle.read(names[1]) == application
    assert all("草稿" not in name for name in names)


def test_an_empty_file_offers_no_zip_but_says_why(login_as, world):
    page = login_as("legal").get(f"/documents/case/{world['case'].id}/archive.zip", follow_redirects=True)
    assert "卷宗中还没有文件" in page.get_data(as_text=True)


# --- API ---------------------------------------------------------------------------------------------------------


def _bearer(user):
    token = issue_token(user, actor=SYSTEM)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _api_post(client, headers, case_id, content=None, name="答辩状.pdf", **fields):
    data = {"category": "answer", **fields}
    if content is not False:
        data["file"] = (io.BytesIO(content if content is not None else pdf_bytes()), name)
    return client.post(
        f"/api/v1/cases/{case_id}/documents", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_the_api_adds_lists_and_serves_documents_with_the_case_scoping(app, factories, world):
    liaison = factories.user(role="unit", unit=world["unit"])
    headers = _bearer(liaison)
    client = app.test_client()
    content = pdf_bytes()
    created = _api_post(client, headers, world["case"].id, content, title="答辩状", dated_on="2026-11-30")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {k: body[k] for k in ("title", "category", "content_type", "size")} == {
        "title": "答辩状",
        "category": "answer",
        "content_type": "application/pdf",
        "size": len(content),
    }
    assert len(body["sha256"]) == 64 and isinstance(body["id"], int)
    listed = client.get(f"/api/v1/cases/{world['case'].id}/documents", headers=headers).get_json()
    assert [d["id"] for d in listed["items"]] == [body["id"]]
    served = client.get(f"/api/v1/documents/{body['id']}/content", headers=headers)
    assert served.status_code == 200 and served.get_data() == content
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    foreign = _add(world["other_case"])
    assert client.get(f"/api/v1/documents/{foreign.id}/content", headers=headers).status_code == 404
    assert client.get(f"/api/v1/cases/{world['other_case'].id}/documents", headers=headers).status_code == 404
    assert _api_post(client, headers, world["other_case"].id).status_code == 404


@pytest.mark.parametrize(
    ("content", "fields", "status", "fragment"),
    [
        (EXE_BYTES, {}, 415, "不是可接收的文件类型"),
        (b"", {}, 400, "是空文件"),
        (False, {}, 400, "仅发送一个文件"),
        (None, {"category": "secret"}, 400, "category"),
        (None, {"dated_on": "2026-13-01"}, 400, "dated_on"),
        (None, {"dated_on": "2999-01-01"}, 400, "晚于今天"),
        (None, {"owner": "me"}, 400, "未知字段 owner"),
    ],
)
def test_the_api_refuses_bad_uploads_in_json_and_stores_nothing(
    app, factories, world, content, fields, status, fragment
):
    headers = _bearer(factories.user(role="legal"))
    response = _api_post(app.test_client(), headers, world["case"].id, content, **fields)
    assert response.status_code == status and response.mimetype == "application/json"
    assert fragment in response.get_json()["error"]
    assert _document_count() == 0 and stored_files() == []


def test_the_api_answers_413_for_an_oversized_request(app, factories, world, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_DOCUMENT_MAX_REQUEST_BYTES", 1024 * 1024)
    headers = _bearer(factories.user(role="legal"))
    response = _api_post(app.test_client(), headers, world["case"].id, pdf_bytes() + b"\0" * (2 * 1024 * 1024))
    assert response.status_code == 413 and response.mimetype == "application/json"


def test_a_session_post_to_the_api_needs_the_csrf_token(login_as, world):
    legal = login_as("legal")
    response = _api_post(legal.client, {}, world["case"].id)
    assert response.status_code == 400 and "X-CSRFToken" in response.get_json()["error"]
    with_token = _api_post(legal.client, {"X-CSRFToken": legal.token}, world["case"].id)
    assert with_token.status_code == 201


def test_mediations_and_interviews_have_files_scoped_like_their_pages(login_as, factories, world):
    from casetrack.interviews.models import Interview
    from casetrack.mediation.models import Mediation

    factories.mediation(world["unit"], "富调〔2026〕5号", "open")
    factories.mediation(world["other"], "富调〔2026〕6号", "open")
    interview = Interview(
        held_on=date.today(), leader_name="区长", unit_id=world["unit"].id, interviewee="局长", reason="loss"
    )
    db.session.add(interview)
    db.session.commit()
    own, foreign = (
        db.session.scalar(select(Mediation).where(Mediation.number == n))
        for n in ("富调〔2026〕5号", "富调〔2026〕6号")
    )
    liaison = login_as("unit", unit=world["unit"])
    page = liaison.get(f"/mediations/{own.id}").get_data(as_text=True)
    assert 'id="upload-form"' in page
    agreement = liaison.post(
        f"/documents/mediation/{own.id}",
        data={"category": "mediation_agreement", "files": [(io.BytesIO(pdf_bytes()), "调解协议.pdf")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "调解协议.pdf" in agreement
    assert liaison.get(f"/documents/mediation/{foreign.id}").status_code == 404
    # Interviews are the legal bureau's and the leaders': a liaison does not even learn that one has a file.
    assert liaison.get(f"/documents/interview/{interview.id}").status_code == 404
    legal = login_as("legal")
    assert 'id="upload-form"' in legal.get(f"/interviews/{interview.id}").get_data(as_text=True)
    leader_page = login_as("leader").get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert 'id="documents"' in leader_page and 'id="upload-form"' not in leader_page
