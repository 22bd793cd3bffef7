"""The annual report as files: Word (python-docx, trend charts drawn with Pillow) and Markdown."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

from casetrack.reports.rules import (
    NO_UNIT_ACTIVE,
    NO_WATCH_LIST,
    TREND_ROWS,
    UNIT_COLUMNS,
    WATCH_FLAG_LABELS,
    active_units,
    cell,
    omitted_units,
    pct,
    render_markdown,
    report_title,
    summary_paragraph,
    watch_rows,
)

#: Colours of the chart series; the captions name them, since the pictures carry digits only (no CJK font is
#: guaranteed on a server).
COUNT_SERIES = (("review", "new", "#2f6fb0", "蓝色"), ("litigation", "new", "#e07b24", "橙色"))
RATE_SERIES = (
    ("review", "correction_rate_pct", "#2f6fb0", "蓝色"),
    ("litigation", "loss_rate_pct", "#c0392b", "红色"),
    ("appearance", "rate_pct", "#27ae60", "绿色"),
    ("mediation", "success_rate_pct", "#8e44ad", "紫色"),
)
SERIES_NAMES = {
    ("review", "new"): "复议新发",
    ("litigation", "new"): "诉讼新发",
    ("review", "correction_rate_pct"): "纠错率",
    ("litigation", "loss_rate_pct"): "败诉率",
    ("appearance", "rate_pct"): "出庭率",
    ("mediation", "success_rate_pct"): "调解成功率",
}


def markdown_bytes(report: dict, trend: list[dict]) -> bytes:
    return render_markdown(report, trend).encode("utf-8")


def docx_bytes(report: dict, trend: list[dict]) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "宋体", Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")

    title = document.add_heading(report_title(report), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(summary_paragraph(report))

    document.add_heading("二、分单位情况", level=1)
    units = active_units(report)
    if units:
        _table(
            document,
            ["单位", *(heading for heading, *_ in UNIT_COLUMNS)],
            [[row["unit"], *(cell(row, *column[1:]) for column in UNIT_COLUMNS)] for row in units],
        )
        if len(units) < len(report["by_unit"]):
            document.add_paragraph(omitted_units(report, units))
    else:
        document.add_paragraph(NO_UNIT_ACTIVE)

    document.add_heading("三、“两高一低”单位", level=1)
    watched = watch_rows(report)
    if watched:
        _table(
            document,
            ["单位", "诉讼新发(件)", "败诉率", "出庭率", "情形"],
            [
                [
                    row["unit"],
                    str(row["litigation_new"]),
                    pct(row["loss_rate_pct"]),
                    pct(row["appearance_rate_pct"]),
                    "、".join(WATCH_FLAG_LABELS[flag] for flag in row["flags"]),
                ]
                for row in watched
            ],
        )
    else:
        document.add_paragraph(NO_WATCH_LIST)

    document.add_heading("四、月度趋势", level=1)
    document.add_picture(io.BytesIO(trend_chart_png(trend, COUNT_SERIES, percent=False)), width=Cm(16))
    document.add_paragraph(
        "图1 各月新发案件数(" + ",".join(f"{colour}:{SERIES_NAMES[(s, k)]}" for s, k, _, colour in COUNT_SERIES) + ")"
    )
    document.add_picture(io.BytesIO(trend_chart_png(trend, RATE_SERIES, percent=True)), width=Cm(16))
    document.add_paragraph(
        "图2 各月比率(%)(" + ",".join(f"{colour}:{SERIES_NAMES[(s, k)]}" for s, k, _, colour in RATE_SERIES) + ")"
    )
    _table(
        document,
        ["指标", *(f"{m['month']}月" for m in trend)],
        [[heading, *(cell(m, section, key, is_pct) for m in trend)] for heading, section, key, is_pct in TREND_ROWS],
    )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, headings: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for position, heading in enumerate(headings):
        table.rows[0].cells[position].text = heading
    for row in rows:
        cells = table.add_row().cells
        for position, value in enumerate(row):
            cells[position].text = value


def trend_chart_png(trend: list[dict], series, percent: bool) -> bytes:
    """Bars (counts) or lines (percentages) per month; months with no figure leave a gap in a line."""
    width, height, left, right, top, bottom = 960, 380, 60, 20, 20, 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    values = [m[section][key] for m in trend for section, key, *_ in series]
    ceiling = 100.0 if percent else float(max([v for v in values if v is not None] + [1]))
    plot_width, plot_height = width - left - right, height - top - bottom

    def y_of(value: float) -> float:
        return top + plot_height * (1 - value / ceiling)

    for step in range(5):
        value = ceiling * step / 4
        y = y_of(value)
        draw.line([(left, y), (width - right, y)], fill="#dddddd")
        label = f"{value:.0f}" + ("%" if percent else "")
        draw.text((left - 8, y), label, fill="#333333", font=font, anchor="rm")
    draw.line([(left, top), (left, top + plot_height), (width - right, top + plot_height)], fill="#333333")

    slot = plot_width / max(len(trend), 1)
    for index, month in enumerate(trend):
        draw.text(
            (left + slot * (index + 0.5), height - bottom + 8),
            str(month["month"]),
            fill="#333333",
            font=font,
            anchor="mt",
        )
    if not percent:
        bar = slot * 0.8 / len(series)
        for index, month in enumerate(trend):
            for offset, (section, key, colour, _) in enumerate(series):
                x = left + slot * index + slot * 0.1 + bar * offset
                draw.rectangle([(x, y_of(month[section][key])), (x + bar - 2, top + plot_height)], fill=colour)
    else:
        for section, key, colour, _ in series:
            points = [
                (left + slot * (index + 0.5), y_of(month[section][key])) if month[section][key] is not None else None
                for index, month in enumerate(trend)
            ]
            for start, end in zip(points, points[1:], strict=False):
                if start and end:
                    draw.line([start, end], fill=colour, width=3)
            for point in filter(None, points):
                draw.ellipse([(point[0] - 4, point[1] - 4), (point[0] + 4, point[1] + 4)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
