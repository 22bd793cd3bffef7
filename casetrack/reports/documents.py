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
    WATCH_FLAG_LABELS,
    active_units,
    cell,
    heading,
    omitted_units,
    pct,
    render_markdown,
    report_title,
    summary_paragraph,
    trend_counts,
    trend_rates,
    trend_rows,
    unit_columns,
    watch_rows,
)
from casetrack.stats.figures import RATE, Figure


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
        columns = unit_columns(report)
        _table(
            document,
            ["单位", *(_narrow_heading(heading(figure), figure) for figure in columns)],
            [[row["unit"], *(_narrow_cell(row, figure) for figure in columns)] for row in units],
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
    # The pictures carry digits only (no CJK font is guaranteed on a server), so the captions name the colours.
    counts, rates = trend_counts(report), trend_rates(report)
    document.add_picture(io.BytesIO(trend_chart_png(trend, counts, percent=False)), width=Cm(16))
    document.add_paragraph("图1 各月新发案件数(" + ",".join(f"{f.trend[1]}:{f.term}" for f in counts) + ")")
    document.add_picture(io.BytesIO(trend_chart_png(trend, rates, percent=True)), width=Cm(16))
    document.add_paragraph("图2 各月比率(%)(" + ",".join(f"{f.trend[1]}:{f.term}" for f in rates) + ")")
    # A month a row: twelve months across a portrait page leave no room for a value.
    shown = trend_rows(report)
    _table(
        document,
        ["月份", *(_narrow_heading(figure.term, figure) for figure in shown)],
        [[f"{m['month']}月", *(_narrow_cell(m, figure) for figure in shown)] for m in trend],
    )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _narrow_heading(text: str, figure: Figure) -> str:
    # The narrow columns of the wide tables carry the per-cent sign in their heading, not after each value.
    return text + "(%)" if figure.kind == RATE else text


def _narrow_cell(figures: dict, figure: Figure) -> str:
    """A value that stays on one line of a narrow cell: "100.00" for 100.00%, "14400.00" for 14,400.00 yuan."""
    return cell(figures, figure).removesuffix("%").replace(",", "")


#: A portrait page fits this many columns at the body size; wider tables are set smaller so that a value such as
#: "100.00%" stays on one line of its cell.
ROOMY_COLUMNS = 7


def _table(document, headings: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    size = Pt(12) if len(headings) <= ROOMY_COLUMNS else Pt(8)
    for cells, values in ((table.rows[0].cells, headings), *((table.add_row().cells, row) for row in rows)):
        for cell_, value in zip(cells, values, strict=True):
            cell_.text = value
            for run in cell_.paragraphs[0].runs:
                run.font.size = size


def trend_chart_png(trend: list[dict], series: list[Figure], percent: bool) -> bytes:
    """Bars (counts) or lines (percentages) per month; months with no figure leave a gap in a line."""
    width, height, left, right, top, bottom = 960, 380, 60, 20, 20, 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    values = [m[f.section][f.value_key] for m in trend for f in series]
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
            for offset, figure in enumerate(series):
                x = left + slot * index + slot * 0.1 + bar * offset
                value = month[figure.section][figure.value_key]
                draw.rectangle([(x, y_of(value)), (x + bar - 2, top + plot_height)], fill=figure.trend[0])
    else:
        for figure in series:
            colour = figure.trend[0]
            values = [month[figure.section][figure.value_key] for month in trend]
            points = [
                (left + slot * (index + 0.5), y_of(value)) if value is not None else None
                for index, value in enumerate(values)
            ]
            for start, end in zip(points, points[1:], strict=False):
                if start and end:
                    draw.line([start, end], fill=colour, width=3)
            for point in filter(None, points):
                draw.ellipse([(point[0] - 4, point[1] - 4), (point[0] + 4, point[1] + 4)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
