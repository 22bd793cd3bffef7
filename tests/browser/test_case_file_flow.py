"""The case file (卷宗) in a real browser: a unit liaison adds its answer and evidence to its own case from the case
page; the legal bureau previews the PDF in the browser and downloads the whole file as a ZIP whose table of
contents lists what is in it."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from docx import Document as WordDocument
from playwright.sync_api import expect

from tests.browser.helpers import login, logout
from tests.documents.helpers import EXE_BYTES, pdf_bytes, png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def review_of_unit_a(in_app, factories, today):
    with in_app():
        unit_a = factories.unit(name="区市场监管局")
        clerk = factories.user(role="legal")
        liaison = factories.user(role="unit", unit=unit_a)
        case = factories.case(
            number="富政复〔2026〕77号",
            respondent_unit=unit_a,
            received_on=today - timedelta(days=12),
            accepted_on=today - timedelta(days=10),
        )
        return {"id": case.id, "clerk": clerk.username, "liaison": liaison.username}


def test_the_liaison_files_its_answer_and_the_bureau_previews_it_and_downloads_the_file(
    page, new_page, review_of_unit_a, tmp_path, today
):
    review = review_of_unit_a
    answer, photo, disguised = tmp_path / "答复书.pdf", tmp_path / "现场照片.png", tmp_path / "证据清单.pdf"
    answer.write_bytes(pdf_bytes(3))
    photo.write_bytes(png_bytes())
    disguised.write_bytes(EXE_BYTES)

    login(page, review["liaison"])
    page.goto(f"/cases/{review['id']}")
    section = page.locator("#documents")
    expect(section).to_contain_text("卷宗中还没有文件")

    # An executable named .pdf is refused, with the reason, and nothing is listed.
    page.select_option("#document-category", "evidence")
    page.set_input_files("#document-files", [str(disguised)])
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    expect(page.locator(".flash.error")).to_contain_text("不是可接收的文件类型")
    expect(page.locator("#document-list")).to_have_count(0)

    # The answer with its evidence, filed in one go: the answer and the photo go into the file, the photo onto the
    # evidence list, and the case records the day.
    page.fill("#answer-filed-on", today.isoformat())
    page.set_input_files("#answer-file", [str(answer)])
    page.set_input_files("#answer-evidence", [str(photo)])
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    expect(page.locator(".flash.info")).to_contain_text("答复已连同材料提交")
    expect(page.locator("#answer-filed")).to_contain_text(today.isoformat())
    evidence = page.locator("#evidence-list tbody tr")
    expect(evidence).to_have_count(1)
    expect(evidence.nth(0)).to_contain_text("现场照片")
    page.fill("#evidence-name", "营业执照")
    page.fill("#evidence-source", "市场主体登记系统")
    page.fill("#evidence-proves", "申请人的主体资格")
    with page.expect_navigation():
        page.click("#evidence-form button[type=submit]")
    expect(evidence).to_have_count(2)
    with page.expect_navigation():
        page.click("#store-evidence")
    rows = page.locator("#document-list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("答复书")
    expect(rows.nth(0)).to_contain_text("3 页")
    expect(page.locator("#document-list")).to_contain_text("证据目录")
    logout(page)

    bureau = new_page()
    login(bureau, review["clerk"])
    bureau.goto(f"/cases/{review['id']}")
    bureau.click("#document-list tbody tr:first-child td:nth-child(2) a")
    expect(bureau.locator("#version-list tbody tr")).to_have_count(1)
    with bureau.context.expect_page() as opened:
        bureau.click("#preview")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.evaluate("document.contentType") == "application/pdf"
    preview.close()

    bureau.goto(f"/cases/{review['id']}")
    with bureau.expect_download() as downloading:
        bureau.click("#download-file")
    download = downloading.value
    assert download.suggested_filename.endswith(".zip") and "77" in download.suggested_filename
    bundle = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))
    names = bundle.namelist()
    toc = WordDocument(io.BytesIO(bundle.read(names[0])))
    listed = [row.cells[5].text for row in toc.tables[0].rows[1:]]
    assert names[0] == "000-卷宗目录.docx" and listed == names[1:]
    assert bundle.read(names[1]) == answer.read_bytes()
    assert any("证据目录" in name for name in names)
