"""The layout of a government document after GB/T 9704-2012 (党政机关公文格式), for every Word file the app writes
(the annual report, the standard notices, a file's table of contents, evidence lists): A4 with a type area of
156 × 225 mm (margins 37 mm top, 35 bottom, 28 left, 26 right); 22 lines of 28 characters of 仿宋_GB2312 三号; the
title in 方正小标宋简体 二号; level headings in 黑体, 楷体_GB2312 and bold 仿宋; page numbers "— 1 —" in 宋体 四号 at
the bottom outside edge; black text throughout.

``set_up(document, title, generated_at)`` lays a python-docx Document out so (styles "Title", "Heading 1–3",
"Body Text", "Date", "Table Text", "Caption", "Picture"), and ``table(document, headings, rows)`` sets a table that
fits the type area, split into parts where it cannot."""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from unicodedata import east_asian_width

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from lxml import etree

# --- The page (GB/T 9704-2012 5.2), in twips (1/20 pt; 1 mm = 56.7 twips) ---

PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4, 210 × 297 mm
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474  # 37, 35, 28, 26 mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
#: 225 mm of type area over 22 lines: 579 twips (28.95 pt) a line, the line grid's pitch and the text's exact line
#: height, as Word's 公文 templates have it.
LINE_PITCH = (PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) // LINES_PER_PAGE
#: The page number's line sits about 7 mm under the type area (GB/T 9704 7.5): the footer's foot is 22 mm up.
FOOTER_DISTANCE = 1247
HEADER_DISTANCE = 851

# --- Type (GB/T 9704-2012 5.2.1, 7.2, 7.3.3, 7.5) ---

#: Chinese type sizes in points: 二号, 三号, 四号, 小四, 五号.
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4, SIZE_5 = 22, 16, 14, 12, 10.5
TITLE_FONT, BODY_FONT, PAGE_NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", "宋体"
#: (font, bold) of the headings of levels 一、 (一) 1.
HEADING_FONTS = (("黑体", False), ("楷体_GB2312", False), (BODY_FONT, True))
TABLE_FONT, TABLE_SIZE = BODY_FONT, SIZE_SMALL_4
CAPTION_SIZE = SIZE_4
#: 28 characters of 三号 (16 pt) are 448 pt, the line 442: each is set 0.25 pt closer (twentieths of a point).
#: Word's 公文 templates get there with a character grid (docGrid linesAndChars); LibreOffice lays such a grid out
#: two cells to a character, so the spacing is the run's.
CHAR_SPACING = TEXT_WIDTH // CHARS_PER_LINE - SIZE_3 * 20
#: What Word uses in the font table's place when a computer lacks a font (w:altName): the GB2312-era names
#: of the standard are rarely installed outside government offices, their successors nearly always are.
FONT_FALLBACKS = {
    "方正小标宋简体": "宋体",
    "仿宋_GB2312": "仿宋",
    "仿宋": "FangSong",
    "楷体_GB2312": "楷体",
    "楷体": "KaiTi",
    "黑体": "SimHei",
    "宋体": "SimSun",
}
BLACK = "000000"

# --- Tables ---

#: Cell padding left and right, twips (1 mm).
CELL_PADDING = 57
#: A heading wraps after this many characters; a number never wraps.
HEADING_CHARS = 4
#: A column of names (units) gets room for this many characters before the table is split in two.
NAME_CHARS = 6
_NUMBER = re.compile(r"[-+]?[\d,.]+%?|—")

# --- The document's page, styles and fonts ---


def set_up(document, title: str, generated_at: datetime) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Twips(HEADER_DISTANCE), Twips(FOOTER_DISTANCE)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = section._sectPr.makeelement(qn("w:docGrid"), {})
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))

    _set_styles(document)
    _add_fonts(document)
    _page_numbers(document)

    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "casetrack", "casetrack"
    properties.language = "zh-CN"
    # OOXML keeps these in UTC (python-docx writes them with a "Z").
    properties.created = properties.modified = generated_at.replace(tzinfo=None)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _run_properties(font: str, size: float, bold: bool = False, measure: bool = False) -> str:
    """Run properties; MEASURE: 三号 text set CHARS_PER_LINE to the line."""
    half_points = round(size * 2)
    weight = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    spacing = f'<w:spacing w:val="{CHAR_SPACING}"/>' if measure else ""
    return (
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"'
        f' w:hint="eastAsia"/>{weight}<w:color w:val="{BLACK}"/>{spacing}<w:sz w:val="{half_points}"/>'
        f'<w:szCs w:val="{half_points}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
    )


def _paragraph_properties(
    *,
    align: str = "both",
    first_line_chars: int = 0,
    right_chars: int = 0,
    grid: bool = True,
    after: int = 0,
    keep_next: bool = False,
    outline: int | None = None,
) -> str:
    """Paragraph properties; on the grid a line is exactly LINE_PITCH, off it (tables, pictures) single."""
    pitch = (SIZE_3 * 20 + CHAR_SPACING) / (SIZE_3 * 20)  # a character of the measure, in 三号 ems
    parts = ["<w:keepNext/><w:keepLines/>" if keep_next else ""]
    parts.append("" if grid else '<w:snapToGrid w:val="0"/>')
    line = f'w:line="{LINE_PITCH}" w:lineRule="exact"' if grid else 'w:line="240" w:lineRule="auto"'
    parts.append(f'<w:spacing w:before="0" w:beforeLines="0" w:after="{after}" w:afterLines="0" {line}/>')
    first = round(first_line_chars * SIZE_3 * 20 * pitch)
    right = round(right_chars * SIZE_3 * 20 * pitch)
    parts.append(
        f'<w:ind w:left="0" w:leftChars="0" w:right="{right}" w:rightChars="{right_chars * 100}"'
        f' w:firstLine="{first}" w:firstLineChars="{first_line_chars * 100}"/>'
    )
    parts.append(f'<w:jc w:val="{align}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr {nsdecls('w')}>{''.join(parts)}</w:pPr>"


def _style(document, name: str, based_on: str | None, ppr: str, rpr: str):
    """The paragraph style NAME with exactly these properties (Word's own, when it has one, loses its colours,
    theme fonts, borders and spacing)."""
    styles = document.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on:
        style.base_style = styles[based_on]
    element = style.element
    for tag in ("w:pPr", "w:rPr"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    style.quick_style = True
    # A paragraph style ends with its paragraph and run properties, in that order.
    element.append(parse_xml(ppr))
    element.append(parse_xml(rpr))
    return style


def _set_styles(document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for container, xml in (
        ("w:rPrDefault", _run_properties(BODY_FONT, SIZE_3)),
        ("w:pPrDefault", _paragraph_properties()),
    ):
        holder = defaults.find(qn(container))
        for child in list(holder):
            holder.remove(child)
        holder.append(parse_xml(xml))

    _style(document, "Normal", None, _paragraph_properties(), _run_properties(BODY_FONT, SIZE_3, measure=True))
    # A body paragraph and a level heading both start two characters in (GB/T 9704 7.3.3).
    _style(
        document,
        "Body Text",
        "Normal",
        _paragraph_properties(first_line_chars=2),
        _run_properties(BODY_FONT, SIZE_3, measure=True),
    )
    _style(
        document,
        "Title",
        "Normal",
        # One blank line between the title and the text (GB/T 9704 7.3.2).
        _paragraph_properties(align="center", after=LINE_PITCH, keep_next=True),
        _run_properties(TITLE_FONT, SIZE_2),
    )
    for level, (font, bold) in enumerate(HEADING_FONTS, start=1):
        _style(
            document,
            f"Heading {level}",
            "Normal",
            _paragraph_properties(first_line_chars=2, keep_next=True, outline=level - 1),
            _run_properties(font, SIZE_3, bold, measure=True),
        )
    _style(
        document,
        "Table Text",
        "Normal",
        _paragraph_properties(align="center", grid=False),
        _run_properties(TABLE_FONT, TABLE_SIZE),
    )
    _style(
        document,
        "Picture",
        "Normal",
        _paragraph_properties(align="center", grid=False, keep_next=True),
        _run_properties(BODY_FONT, SIZE_3),
    )
    _style(
        document,
        "Caption",
        "Normal",
        # Half a line below, before what follows the picture.
        _paragraph_properties(align="center", after=LINE_PITCH // 2),
        _run_properties(BODY_FONT, CAPTION_SIZE),
    )
    _style(
        document,
        "Date",
        "Normal",
        _paragraph_properties(align="right", right_chars=4),
        _run_properties(BODY_FONT, SIZE_3, measure=True),
    )
    _style(document, "Footer", "Normal", _paragraph_properties(grid=False), _run_properties(PAGE_NUMBER_FONT, SIZE_4))


def _add_fonts(document) -> None:
    """Name the report's fonts, and what stands in for each, in the font table."""
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    table = etree.fromstring(part.blob)
    for existing in table.findall(qn("w:font")):
        if existing.get(qn("w:name")) in FONT_FALLBACKS:
            table.remove(existing)
    for name, fallback in FONT_FALLBACKS.items():
        family, pitch = (
            ("modern", "fixed") if name.startswith(("仿宋", "楷体", "黑体", "宋体")) else ("auto", "variable")
        )
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{fallback}"/><w:charset w:val="86"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    # python-docx keeps parts it does not model (the font table among them) as bytes.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(document) -> None:
    """ "— 1 —" in 宋体 四号: odd pages at the right, even pages at the left, one character in (GB/T 9704 7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["Footer"]
        properties = paragraph._p.get_or_add_pPr()
        indent = {qn(f"w:{side}"): str(round(SIZE_4 * 20)), qn(f"w:{side}Chars"): "100"}
        properties.append(properties.makeelement(qn("w:ind"), indent))
        properties.append(properties.makeelement(qn("w:jc"), {qn("w:val"): side}))
        for xml in (
            '<w:r><w:t xml:space="preserve">— </w:t></w:r>',
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
            "<w:r><w:t>1</w:t></w:r>",
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
            '<w:r><w:t xml:space="preserve"> —</w:t></w:r>',
        ):
            run = parse_xml(xml.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1))
            run.insert(0, parse_xml(_run_properties(PAGE_NUMBER_FONT, SIZE_4)))
            paragraph._p.append(run)


# --- Tables ---


def text_width(text: str, size: float) -> float:
    """Points one line of TEXT takes at SIZE: an em for a full-width character, a generous 0.65 em for any other
    (the digits of 仿宋_GB2312 take half an em; those of the fonts standing in for it, up to 0.64)."""
    return sum(1.0 if east_asian_width(char) in "WFA" else 0.65 for char in text) * size


def _twips(points: float) -> int:
    return math.ceil(points * 20) + 2 * CELL_PADDING


def _column_needs(headings: list[str], rows: list[list[str]], size: float) -> tuple[list[int], list[int]]:
    """The least and the most width (twips) each column wants: a number (or "—") stays on one line, a heading
    wraps after HEADING_CHARS characters, a name after NAME_CHARS but would rather not wrap."""
    least, most = [], []
    for index, title in enumerate(headings):
        values = [row[index] for row in rows]
        title_width = min(text_width(title, size), HEADING_CHARS * size)
        longest = max((text_width(value, size) for value in values), default=0.0)
        if all(_NUMBER.fullmatch(value) for value in values):
            least.append(_twips(max(title_width, longest)))
            most.append(least[-1])
        else:
            least.append(_twips(max(title_width, min(longest, NAME_CHARS * size))))
            most.append(_twips(max(title_width, longest)))
    return least, most


def column_widths(headings: list[str], rows: list[list[str]], size: float, total: int = TEXT_WIDTH) -> list[int] | None:
    """Column widths in twips that fill TOTAL, names given room before the rest is shared out; None when the
    columns do not fit (see _column_needs)."""
    least, most = _column_needs(headings, rows, size)
    if sum(least) > total:
        return None
    spare, wanted = total - sum(least), sum(most) - sum(least)
    widths = [
        low + (high - low) * min(spare, wanted) // wanted if wanted else low
        for low, high in zip(least, most, strict=True)
    ]
    spare = total - sum(widths)
    widths = [width + spare // len(widths) for width in widths]
    widths[0] += total - sum(widths)
    return widths


def table_parts(headings: list[str], rows: list[list[str]], groups: list[list[int]] | None = None):
    """The tables a table is set as: [(column indexes, widths, size)]. Column 0 (the names) starts every part; the
    other columns go in GROUPS (default: all of them together), as many whole groups to a part as fit the width at
    the table size — a group that does not fit alone at 五号, and failing that squeezed."""
    groups = groups or [list(range(1, len(headings)))]
    parts: list[list[int]] = []
    for group in groups:
        if parts and _fit([0, *parts[-1], *group], headings, rows, (TABLE_SIZE,)):
            parts[-1].extend(group)
        else:
            parts.append(list(group))
    laid_out = []
    for part in parts:
        columns = [0, *part]
        fitted = _fit(columns, headings, rows, (TABLE_SIZE, SIZE_5))
        if fitted is None:
            least, _ = _column_needs(
                [headings[i] for i in columns], [[row[i] for i in columns] for row in rows], SIZE_5
            )
            widths = [width * TEXT_WIDTH // sum(least) for width in least]
            widths[0] += TEXT_WIDTH - sum(widths)
            fitted = (widths, SIZE_5)
        laid_out.append((columns, *fitted))
    return laid_out


def _fit(columns, headings, rows, sizes):
    for size in sizes:
        widths = column_widths([headings[i] for i in columns], [[row[i] for i in columns] for row in rows], size)
        if widths is not None:
            return widths, size
    return None


def table(document, headings: list[str], rows: list[list[str]], groups: list[list[int]] | None = None) -> None:
    for number, (columns, widths, size) in enumerate(table_parts(headings, rows, groups)):
        if number or _ends_with_a_table(document):
            # A line between two tables: with none, Word and LibreOffice join them into one, and the first one's
            # repeated heading row then stands over the second's rows on the next page.
            document.add_paragraph(style="Picture")
        _one_table(document, [headings[i] for i in columns], [[row[i] for i in columns] for row in rows], widths, size)


def _ends_with_a_table(document) -> bool:
    blocks = [child for child in document.element.body if child.tag != qn("w:sectPr")]
    return bool(blocks) and blocks[-1].tag == qn("w:tbl")


def _one_table(document, headings: list[str], rows: list[list[str]], widths: list[int], size: float) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    width = properties.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(widths)))
    properties.find(qn("w:tblLook")).addprevious(
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:top w:w="28" w:type="dxa"/><w:left w:w="{CELL_PADDING}" w:type="dxa"/>'
            f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="{CELL_PADDING}" w:type="dxa"/></w:tblCellMar>'
        )
    )
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = Twips(column_width)
    run_properties = _run_properties(TABLE_FONT, size)
    # A column of numbers (as _column_needs reads them) is right-aligned and never wraps: its width is its widest.
    numeric = [bool(rows) and all(_NUMBER.fullmatch(row[i]) for row in rows) for i in range(len(headings))]
    for index, values in enumerate([headings, *rows]):
        row = table.rows[0] if index == 0 else table.add_row()
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(row_properties.makeelement(qn("w:cantSplit"), {}))
        if index == 0:
            # The heading row is repeated on every page the table runs onto.
            row_properties.append(row_properties.makeelement(qn("w:tblHeader"), {}))
        for cell_, value, column_width, is_number in zip(row.cells, values, widths, numeric, strict=True):
            cell_.width = Twips(column_width)
            cell_.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell_.paragraphs[0]
            paragraph.style = document.styles["Table Text"]
            if index and is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                cell_._tc.get_or_add_tcPr().append(parse_xml(f"<w:noWrap {nsdecls('w')}/>"))
            run = paragraph.add_run(value)
            run._r.insert(0, parse_xml(run_properties))
            run.bold = index == 0


def chinese_date(day) -> str:
    """2026年12月3日: how a 公文 writes its date (成文日期), without leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def add_date_line(document, day) -> None:
    """The date the document was made (成文日期), four characters in from the right, a line below the text."""
    document.add_paragraph(style="Body Text")
    document.add_paragraph(chinese_date(day), style="Date")


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
