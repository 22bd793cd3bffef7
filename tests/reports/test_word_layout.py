"""The Word report is laid out as a government document (GB/T 9704-2012 党政机关公文格式), read back from its XML:
A4, the standard margins, 22 lines of 28 characters, the standard fonts and sizes, black text, "— 1 —" page numbers,
tables that keep every number on one line, and charts on whole-number ticks."""

import io
import math
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from lxml import etree

from casetrack import gbt9704 as layout
from casetrack.gbt9704 import table_parts, text_width
from casetrack.reports import documents
from casetrack.reports.documents import docx_bytes, integer_ticks
from casetrack.reports.services import report_files
from casetrack.stats import figures as registry
from casetrack.stats.rules import shape_figures

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Twips of the type area, and the mm that the standard gives.
A4 = {"w": "11906", "h": "16838"}
MARGINS = {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}  # 37, 35, 28, 26 mm


def _shaped(**counts) -> dict:
    """The annual-report shape of some counts (review_new=3, …), compared with a year of nothing."""
    labels = [figure.sql_label for figure in registry.counted()]
    return shape_figures({label: counts.get(label, 0) for label in labels}, dict.fromkeys(labels, 0))


@pytest.fixture(scope="module")
def word() -> bytes:
    """A 2020 report of three units, built at 17:30 UTC on 1 December 2026."""
    units = {
        "区市场监管局": _shaped(review_new=3, litigation_new=1, litigation_concluded=1, litigation_lost=1),
        "区自然资源和规划分局": _shaped(review_new=7, review_concluded=4, review_corrected=1, litigation_new=1),
        "东洲街道": _shaped(
            review_new=11, litigation_new=2, appearance_required=2, appearance_appeared=1, mediation_concluded=3
        ),
    }
    district = _shaped(
        review_new=21,
        review_concluded=4,
        review_corrected=1,
        litigation_new=4,
        litigation_concluded=1,
        litigation_lost=1,
        appearance_required=2,
        appearance_appeared=1,
        mediation_concluded=3,
    )
    report = {"year": 2020, **district, "by_unit": [{"unit": name, **figures} for name, figures in units.items()]}
    trend = [{"month": month, **_shaped(review_new=month % 4, litigation_new=month % 3)} for month in range(1, 13)]
    return docx_bytes(report, trend, generated_at=datetime(2026, 12, 1, 17, 30, tzinfo=UTC))


def _xml(content: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return etree.fromstring(archive.read(name))


def _style(styles, name: str):
    (style,) = [s for s in styles.iter(f"{W}style") if s.find(f"{W}name").get(f"{W}val") == name]
    return style


def _font(element) -> tuple[str, int, bool]:
    """(eastAsia font, size in half-points, bold) of a style or run properties."""
    rpr = element.find(f"{W}rPr")
    bold = rpr.find(f"{W}b")
    return (
        rpr.find(f"{W}rFonts").get(f"{W}eastAsia"),
        int(rpr.find(f"{W}sz").get(f"{W}val")),
        bold is not None and bold.get(f"{W}val") not in ("0", "false"),
    )


def test_the_page_is_a4_with_the_standard_margins_and_22_lines_of_28_characters(word):
    body = _xml(word, "word/document.xml")
    (section,) = body.iter(f"{W}sectPr")
    size, margins, grid = (section.find(f"{W}{tag}") for tag in ("pgSz", "pgMar", "docGrid"))
    assert {key: size.get(f"{W}{key}") for key in A4} == A4
    assert {key: margins.get(f"{W}{key}") for key in MARGINS} == MARGINS
    # 22 lines: a line grid of 579 twips (28.95 pt), which the body's exact line height repeats.
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}linePitch") == "579"
    type_height = int(A4["h"]) - int(MARGINS["top"]) - int(MARGINS["bottom"])
    assert math.floor(type_height / 579) == 22
    styles = _xml(word, "word/styles.xml")
    for name in ("Normal", "Body Text", "heading 1"):
        spacing = _style(styles, name).find(f"{W}pPr/{W}spacing")
        assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("579", "exact")
    # 28 characters of 三号 (16 pt = 320 twips), each set closer by the run's character spacing, fill 156 mm.
    type_width = int(A4["w"]) - int(MARGINS["left"]) - int(MARGINS["right"])
    body_text = _style(styles, "Body Text").find(f"{W}rPr")
    pitch = int(body_text.find(f"{W}sz").get(f"{W}val")) * 10 + int(body_text.find(f"{W}spacing").get(f"{W}val"))
    assert math.floor(type_width / pitch) == 28
    # A body paragraph starts two characters in.
    assert _style(styles, "Body Text").find(f"{W}pPr/{W}ind").get(f"{W}firstLineChars") == "200"


def test_title_body_and_headings_use_the_standard_fonts_and_sizes(word):
    styles = _xml(word, "word/styles.xml")
    assert _font(_style(styles, "Title")) == ("方正小标宋简体", 44, False)  # 二号, 22 pt
    assert _style(styles, "Title").find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    assert _font(_style(styles, "Body Text")) == ("仿宋_GB2312", 32, False)  # 三号, 16 pt
    assert _font(_style(styles, "heading 1")) == ("黑体", 32, False)
    assert _font(_style(styles, "heading 2")) == ("楷体_GB2312", 32, False)
    assert _font(_style(styles, "heading 3")) == ("仿宋_GB2312", 32, True)
    assert _font(_style(styles, "Table Text"))[0] == "仿宋_GB2312"
    for name in ("Title", "heading 1", "Body Text"):
        fonts = _style(styles, name).find(f"{W}rPr/{W}rFonts")
        # The font is named for every script, no theme font can override it.
        assert not [key for key in fonts.attrib if "Theme" in key or "theme" in key]
        assert fonts.get(f"{W}ascii") == fonts.get(f"{W}eastAsia")
    # The paragraphs use them.
    document = Document(io.BytesIO(word))
    by_text = {paragraph.text: paragraph.style.name for paragraph in document.paragraphs}
    assert by_text["2020年度行政争议预防化解工作报告"] == "Title"
    assert by_text["一、总体情况"] == "Heading 1"
    assert document.paragraphs[2].text.startswith("2020年全区行政复议新发") and document.paragraphs[2].style.name == (
        "Body Text"
    )


def test_the_font_table_names_what_stands_in_for_each_font(word):
    fonts = {
        font.get(f"{W}name"): font.find(f"{W}altName").get(f"{W}val")
        for font in _xml(word, "word/fontTable.xml").iter(f"{W}font")
        if font.find(f"{W}altName") is not None
    }
    assert fonts["仿宋_GB2312"] == "仿宋" and fonts["仿宋"] == "FangSong"
    assert fonts["楷体_GB2312"] == "楷体" and fonts["黑体"] == "SimHei" and fonts["方正小标宋简体"] == "宋体"


def test_all_text_is_black(word):
    styles = _xml(word, "word/styles.xml")
    used = {"Normal", "Title", "Body Text", "heading 1", "heading 2", "heading 3", "Table Text", "caption", "Date"}
    used |= {"footer", "Picture"}
    for name in used:
        colour = _style(styles, name).find(f"{W}rPr/{W}color")
        assert colour.get(f"{W}val") == "000000" and colour.get(f"{W}themeColor") is None, name
    for part in ("word/document.xml", "word/footer1.xml", "word/footer2.xml"):
        assert {c.get(f"{W}val") for c in _xml(word, part).iter(f"{W}color")} <= {"000000"}, part
    # Word's blue rule under the title is gone.
    assert _style(styles, "Title").find(f"{W}pPr/{W}pBdr") is None


def test_page_numbers_are_dashed_in_song_four_at_the_bottom_outside_edge(word):
    document = Document(io.BytesIO(word))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer._element.find(f"{W}p")
        assert paragraph.find(f"{W}pPr/{W}jc").get(f"{W}val") == side
        assert paragraph.find(f"{W}pPr/{W}ind").get(f"{W}{side}Chars") == "100"  # one character in
        texts = [t.text for t in paragraph.iter(f"{W}t", f"{W}instrText")]
        assert texts == ["— ", " PAGE ", "1", " —"]
        for run in paragraph.iter(f"{W}r"):
            assert _font(run) == ("宋体", 28, False)  # 四号, 14 pt
            assert run.find(f"{W}rPr/{W}rFonts").get(f"{W}ascii") == "宋体"


def test_tables_are_in_fangsong_with_a_bold_heading_row_and_numbers_that_fit_their_cells(word):
    document = Document(io.BytesIO(word))
    type_width = int(A4["w"]) - int(MARGINS["left"]) - int(MARGINS["right"])
    for table in document.tables:
        widths = [int(cell.width.twips) for cell in table.rows[0].cells]
        assert sum(widths) <= type_width
        heading_row = table.rows[0]
        assert heading_row._tr.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on every page
        for index, row in enumerate(table.rows):
            for cell, width in zip(row.cells, widths, strict=True):
                (run,) = cell.paragraphs[0].runs
                font, half_points, bold = _font(run._r)
                assert font == "仿宋_GB2312" and bold == (index == 0)
                if index and layout._NUMBER.fullmatch(cell.text):
                    assert layout._twips(text_width(cell.text, half_points / 2)) <= width, cell.text
        for column in range(1, len(widths)):
            values = [row.cells[column] for row in table.rows[1:]]
            if values and all(layout._NUMBER.fullmatch(cell.text) for cell in values):
                # A column of numbers is right-aligned and does not wrap; its heading stays centred.
                for cell in values:
                    assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, cell.text
                    assert cell._tc.tcPr.find(f"{W}noWrap") is not None
                assert table.rows[0].cells[column].paragraphs[0].alignment is None
        assert table.rows[1].cells[0].paragraphs[0].alignment is None  # names are not numbers


def test_the_table_by_unit_is_split_into_whole_sections_each_with_the_unit_column(word):
    document = Document(io.BytesIO(word))
    first, second = document.tables[0], document.tables[1]
    assert [c.text for c in first.rows[0].cells] == [
        "单位",
        "复议新发(件)",
        "复议纠错(件)",
        "纠错率(%)",
        "诉讼新发(件)",
        "败诉(件)",
        "败诉率(%)",
    ]
    assert [c.text for c in second.rows[0].cells] == ["单位", "出庭率(%)", "调解成功率(%)"]
    assert [r.cells[0].text for r in first.rows] == [r.cells[0].text for r in second.rows]


def test_the_document_is_dated_on_the_day_it_was_built_in_beijing(word):
    document = Document(io.BytesIO(word))
    date_line = document.paragraphs[-1]
    assert date_line.text == "2026年12月2日" and date_line.style.name == "Date"
    assert date_line.style.element.find(f"{W}pPr/{W}ind").get(f"{W}rightChars") == "400"  # four characters in


def test_chart_ticks_are_whole_numbers_in_round_steps():
    assert integer_ticks(17) == [0, 5, 10, 15, 20]
    assert integer_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert integer_ticks(3) == [0, 1, 2, 3]
    assert integer_ticks(6) == [0, 2, 4, 6]
    assert integer_ticks(0) == [0, 1]
    assert integer_ticks(0.4) == [0, 1]
    assert integer_ticks(1234) == [0, 500, 1000, 1500]
    for largest in range(0, 2000, 7):
        ticks = integer_ticks(largest)
        assert all(isinstance(t, int) for t in ticks) and ticks[-1] >= largest and len(ticks) <= 6


def test_a_wide_table_goes_in_parts_of_whole_groups_that_fit_the_page():
    headings = ["单位", *(f"指标{n}(件)" for n in range(10))]
    rows = [["区自然资源和规划分局", *("100.00" for _ in range(10))]]
    parts = table_parts(headings, rows, groups=[[1, 2, 3], [4, 5, 6], [7], [8, 9, 10]])
    assert [columns for columns, _, _ in parts] == [[0, 1, 2, 3, 4, 5, 6], [0, 7, 8, 9, 10]]
    for _, widths, size in parts:
        assert sum(widths) == layout.TEXT_WIDTH and size == layout.TABLE_SIZE
    # A group too wide for the page alone is set a size smaller (五号) rather than breaking its numbers.
    rows = [["区自然资源和规划分局", *("14400.00" for _ in range(6))]]
    ((columns, widths, size),) = table_parts(headings[:7], rows)
    assert size == layout.SIZE_5 and sum(widths) == layout.TEXT_WIDTH
    # A narrow table stays whole.
    assert [columns for columns, _, _ in table_parts(["月份", "复议新发"], [["1月", "5"]])] == [[0, 1]]


def test_the_charts_have_chinese_labels_in_a_cjk_font_or_say_the_colours_in_the_caption(app, word, tmp_path):
    if documents.chart_font_path() is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    captions = [p.text for p in Document(io.BytesIO(word)).paragraphs if p.style.name == "Caption"]
    assert captions == ["图1 各月新发案件数", "图2 各月比率(%)"]
    app.config["CASETRACK_CHART_FONT"] = str(tmp_path / "missing.ttc")
    try:
        assert documents.chart_font_path() is None
        content = report_files(2020, ("docx",))["docx"]
    finally:
        app.config["CASETRACK_CHART_FONT"] = ""
    captions = [p.text for p in Document(io.BytesIO(content)).paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("图1 各月新发案件数(蓝色:复议新发,")


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice not installed")
def test_libreoffice_renders_it_on_a4_with_whole_numbers_and_page_numbers(word, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(word)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    words = set(text.split())
    for table in Document(io.BytesIO(word)).tables:
        for row in table.rows[1:]:
            for cell in row.cells[1:]:
                assert cell.text in words, cell.text  # every number in one piece


def test_two_tables_in_a_row_stay_two_so_each_keeps_its_own_repeated_heading():
    # Adjacent <w:tbl> elements with nothing between them are shown as one table by Word and LibreOffice: the
    # suggestions table's heading row then repeated over the reasons table's rows on the next page.
    document = Document()
    layout.set_up(document, "测试", datetime(2026, 12, 8, tzinfo=UTC))
    layout.table(document, ["类型", "收到(份)"], [["司法建议", "1"]])
    layout.table(document, ["原因", "案件数(件)"], [["程序违法", "6"]])
    blocks = [etree.QName(child).localname for child in document.element.body]
    first = blocks.index("tbl")
    assert blocks[first : first + 3] == ["tbl", "p", "tbl"], blocks
