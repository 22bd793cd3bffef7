"""Issue 11, item 8: every workbook the app hands out opens ready to read — the header bold and frozen above the
rows, and each column as wide as what it holds (a Chinese character about twice a digit), never wider than a
screen's share. Widths come from the rows held back before writing begins, so an export of any size still streams."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from casetrack.ledger import workbook
from casetrack.ledger.workbook import MAX_WIDTH, WIDTH_SAMPLE_ROWS, column_widths, shown_width, write_workbook
from tests.hardening.world import build, signed_in


def xlsx_downloads(app) -> list[str]:
    """Every "export what I see" of the app: the GET rules answering an .xlsx without a variable."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.endswith(".xlsx") and not rule.arguments
    )


def assert_ready_to_read(sheet, where: str) -> None:
    assert sheet.freeze_panes == "A2", where
    header = next(sheet.iter_rows(min_row=1, max_row=1))
    assert header and all(cell.font.b for cell in header if cell.value is not None), where
    for column, title in enumerate(header, start=1):
        dimension = sheet.column_dimensions[get_column_letter(column)]
        assert dimension.customWidth and dimension.width <= MAX_WIDTH, f"{where} {title.value}"
        values = [row[column - 1] for row in sheet.iter_rows(max_row=WIDTH_SAMPLE_ROWS + 1, values_only=True)]
        # Nothing held back is cut off (up to the cap, where Excel's cell editor shows the rest).
        needed = max(shown_width(value) for value in values)
        assert dimension.width >= min(needed, MAX_WIDTH), f"{where} {title.value}: {dimension.width} < {needed}"


def test_every_export_has_a_bold_frozen_header_and_columns_fitted_to_their_content(app, factories):
    world = build(factories)
    client = signed_in(app, world["people"]["legal"]).client
    # The audit trail's export is the audit administrator's alone (三员分立).
    auditor = signed_in(app, world["people"]["auditor"]).client
    downloads = xlsx_downloads(app)
    assert downloads
    for url in downloads:
        response = (auditor if url.startswith("/audit/") else client).get(url)
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet"), url
        book = load_workbook(io.BytesIO(response.data))
        for sheet in book.worksheets:
            assert sheet.max_row > 1, f"{url} {sheet.title}: the world has rows for every export"
            assert_ready_to_read(sheet, f"{url} {sheet.title}")


def test_a_chinese_column_is_twice_as_wide_as_one_of_as_many_digits_and_none_is_wider_than_the_cap():
    chinese, digits = "富阳区住房和城乡建设局", "0" * len("富阳区住房和城乡建设局")
    assert shown_width(chinese) == 2 * shown_width(digits)
    assert shown_width("（２０２６）浙０１８３行初１２号") == 2 * len("（２０２６）浙０１８３行初１２号")
    assert shown_width("第一行\n第二行很长很长") == shown_width("第二行很长很长")
    narrow, wide, capped = column_widths(["a", "b", "c"], [[digits, chinese, "说明" * 200]])
    assert narrow < wide and wide - narrow == shown_width(chinese) - shown_width(digits)
    assert capped == MAX_WIDTH


def test_a_large_export_streams_every_row_with_widths_from_the_rows_held_back(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "WIDTH_SAMPLE_ROWS", 5)

    def rows():
        for number in range(50):
            yield [f"{number}号", "短" if number < 5 else "这一行在预读之后，不再改变列宽"]

    path = tmp_path / "large.xlsx"
    assert write_workbook(path, [("案件", ["案号", "说明"], rows())]) == {"案件": 50}
    sheet = load_workbook(path).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [f"{n}号" for n in range(50)]
    assert sheet.column_dimensions["B"].width == column_widths(["说明"], [["短"]])[0]
