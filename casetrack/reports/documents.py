"""The annual report as files: Word and Markdown.

The Word document is laid out as a government document after GB/T 9704-2012 (党政机关公文格式):
A4 with a type area of 156 × 225 mm (margins 37 mm top, 35 bottom, 28 left, 26 right); 22 lines of 28
characters of 仿宋_GB2312 三号; the title in 方正小标宋简体 二号; level headings in 黑体, 楷体_GB2312 and
bold 仿宋; page numbers "— 1 —" in 宋体 四号 at the bottom outside edge; black text throughout.
python-docx writes it; Pillow draws the trend charts (python-docx cannot make Word charts), their
Chinese labels in a CJK font of the server (README: fonts-noto-cjk).
"""

from __future__ import annotations

import io
import logging
import math
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.shared import Twips
from flask import current_app, has_app_context
from PIL import Image, ImageDraw, ImageFont

from casetrack import gbt9704
from casetrack.clock import as_utc, local, utc_now
from casetrack.gbt9704 import TEXT_WIDTH
from casetrack.gbt9704 import set_up as _set_up
from casetrack.gbt9704 import table as _table
from casetrack.reports.rules import (
    CO_RESPONDENT_NOTE,
    LOOP_HEADING,
    NO_UNIT_ACTIVE,
    NO_WATCH_LIST,
    REASON_HEADINGS,
    SUGGESTION_TYPE_HEADINGS,
    WATCH_FLAG_LABELS,
    active_units,
    cell,
    heading,
    loop_paragraph,
    omitted_units,
    pct,
    reason_rows,
    render_markdown,
    report_title,
    suggestion_type_rows,
    summary_paragraph,
    trend_counts,
    trend_rates,
    trend_rows,
    unit_columns,
    units_exceed_district,
    watch_rows,
)
from casetrack.stats.figures import RATE, Figure

log = logging.getLogger(__name__)

# --- Charts ---

#: CJK fonts looked for when CASETRACK_CHART_FONT names none: Debian's fonts-noto-cjk, fonts-wqy-microhei and
#: fonts-wqy-zenhei, then the Fedora/RHEL packages of Noto CJK.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-sans-cjk-vf-fonts/NotoSansCJK-VF.ttc",
)
#: The picture's width on the page, mm, and its pixels: 10 a millimetre (254 dpi), sharp when printed.
CHART_WIDTH_MM, CHART_PX_PER_MM = 156, 10
#: Labels 36 px high: about 10 pt on the page.
CHART_FONT_PX = 36


def markdown_bytes(report: dict, trend: list[dict], generated_at: datetime | None = None) -> bytes:
    return render_markdown(report, trend, built=local(generated_at or utc_now())).encode("utf-8")


def docx_bytes(report: dict, trend: list[dict], generated_at: datetime | None = None) -> bytes:
    """The report as a Word document built at the instant ``generated_at`` (now if not given), which it shows as
    its date in the district's time."""
    generated_at = as_utc(generated_at or utc_now())
    document = Document()
    _set_up(document, report_title(report), generated_at)

    document.add_paragraph(report_title(report), style="Title")

    document.add_paragraph("一、总体情况", style="Heading 1")
    document.add_paragraph(summary_paragraph(report), style="Body Text")

    document.add_paragraph("二、分单位情况", style="Heading 1")
    units = active_units(report)
    if units:
        columns = unit_columns(report)
        sections = [figure.section for figure in columns]
        _table(
            document,
            ["单位", *(_narrow_heading(heading(figure), figure) for figure in columns)],
            [[row["unit"], *(_narrow_cell(row, figure) for figure in columns)] for row in units],
            # Too many for one table across a portrait page: the unit column and whole sections go to each part.
            groups=[[1 + i for i, s in enumerate(sections) if s == section] for section in dict.fromkeys(sections)],
        )
        if len(units) < len(report["by_unit"]):
            document.add_paragraph(omitted_units(report, units), style="Body Text")
        if units_exceed_district(report):
            document.add_paragraph(CO_RESPONDENT_NOTE, style="Body Text")
    else:
        document.add_paragraph(NO_UNIT_ACTIVE, style="Body Text")

    document.add_paragraph("三、“两高一低”单位", style="Heading 1")
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
        document.add_paragraph(NO_WATCH_LIST, style="Body Text")

    document.add_paragraph(LOOP_HEADING, style="Heading 1")
    document.add_paragraph(loop_paragraph(report), style="Body Text")
    if type_rows := suggestion_type_rows(report):
        _table(document, SUGGESTION_TYPE_HEADINGS, type_rows)
    if reasons := reason_rows(report):
        _table(document, REASON_HEADINGS, reasons)

    document.add_paragraph("五、月度趋势", style="Heading 1")
    counts, rates = trend_counts(report), trend_rates(report)
    font = chart_font_path()
    for number, (series, percent, title) in enumerate(
        ((counts, False, "各月新发案件数"), (rates, True, "各月比率(%)")), start=1
    ):
        picture = document.add_paragraph(style="Picture")
        picture.add_run().add_picture(
            io.BytesIO(trend_chart_png(trend, series, percent, font)), width=Twips(TEXT_WIDTH)
        )
        # Without a CJK font the picture carries digits only, so the caption names the colours.
        legend = "" if font else "(" + ",".join(f"{f.trend[1]}:{f.term}" for f in series) + ")"
        document.add_paragraph(f"图{number} {title}{legend}", style="Caption")
    # A month a row: twelve months across a portrait page leave no room for a value.
    shown = trend_rows(report)
    _table(
        document,
        ["月份", *(_narrow_heading(figure.term, figure) for figure in shown)],
        [[f"{m['month']}月", *(_narrow_cell(m, figure) for figure in shown)] for m in trend],
    )

    gbt9704.add_date_line(document, local(generated_at))
    return gbt9704.saved(document)


def _narrow_heading(text: str, figure: Figure) -> str:
    # The narrow columns of the wide tables carry the per-cent sign in their heading, not after each value.
    return text + "(%)" if figure.kind == RATE else text


def _narrow_cell(figures: dict, figure: Figure) -> str:
    """A value that stays on one line of a narrow cell: "100.00" for 100.00%, "14400.00" for 14,400.00 yuan."""
    return cell(figures, figure).removesuffix("%").replace(",", "")


# --- Charts ---


def integer_ticks(largest: float, intervals: int = 5) -> list[int]:
    """The y-axis ticks of a chart whose largest value is LARGEST: whole numbers from 0 in steps of 1, 2 or 5 × 10ⁿ,
    at most INTERVALS steps, the last at or above LARGEST. 17 → 0, 5, 10, 15, 20; 100 → 0, 20, … 100."""
    top = max(math.ceil(largest), 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(top / step) <= intervals:
                return list(range(0, step * math.ceil(top / step) + 1, step))
        magnitude *= 10


def chart_font_path() -> str | None:
    """The CJK font the charts' labels are drawn in: CASETRACK_CHART_FONT, else the first of CJK_FONT_CANDIDATES
    installed; None (and a warning) when there is none — the charts then carry digits only."""
    configured = current_app.config.get("CASETRACK_CHART_FONT") if has_app_context() else None
    for path in (configured,) if configured else CJK_FONT_CANDIDATES:
        if Path(path).is_file():
            return path
    log.warning(
        "no CJK font for the report's charts (%s): install fonts-noto-cjk or set CASETRACK_CHART_FONT",
        configured or "looked for " + ", ".join(CJK_FONT_CANDIDATES),
    )
    return None


@lru_cache(maxsize=16)
def _chart_font(path: str | None, size: int):
    if path is None:
        return ImageFont.load_default(size=size)
    # A collection (.ttc) holds the Japanese, Korean and Chinese faces; the simplified Chinese one draws these labels.
    for index in range(10):
        try:
            font = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        if font.getname()[0].endswith(" SC"):
            return font
    return ImageFont.truetype(path, size)


def trend_chart_png(trend: list[dict], series: list[Figure], percent: bool, font_path: str | None = None) -> bytes:
    """Bars (counts) or lines (percentages) per month, on whole-number ticks; months with no figure leave a gap in
    a line. With a CJK font (FONT_PATH) it has Chinese labels: the months, the unit and a legend."""
    labelled = font_path is not None
    font = _chart_font(font_path, CHART_FONT_PX)
    width, height = CHART_WIDTH_MM * CHART_PX_PER_MM, 64 * CHART_PX_PER_MM
    left, right, top, bottom = 110, 30, 110 if labelled else 40, 80
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    values = [m[f.section][f.value_key] for m in trend for f in series]
    ticks = integer_ticks(100 if percent else max([v for v in values if v is not None] + [0]))
    ceiling = ticks[-1]
    plot_width, plot_height = width - left - right, height - top - bottom

    def y_of(value: float) -> float:
        return top + plot_height * (1 - value / ceiling)

    for tick in ticks:
        y = y_of(tick)
        draw.line([(left, y), (width - right, y)], fill="#cccccc", width=2)
        draw.text((left - 14, y), str(tick), fill="black", font=font, anchor="rm")
    draw.line([(left, top), (left, top + plot_height), (width - right, top + plot_height)], fill="black", width=3)

    slot = plot_width / max(len(trend), 1)
    for index, month in enumerate(trend):
        label = f"{month['month']}月" if labelled else str(month["month"])
        draw.text((left + slot * (index + 0.5), top + plot_height + 14), label, fill="black", font=font, anchor="mt")
    if labelled:
        draw.text((left - 14, top - 40), "单位：%" if percent else "单位：件", fill="black", font=font, anchor="lm")
        _legend(draw, font, series, percent, right_edge=width - right, middle=top - 40)

    if not percent:
        bar = slot * 0.8 / len(series)
        for index, month in enumerate(trend):
            for offset, figure in enumerate(series):
                x = left + slot * index + slot * 0.1 + bar * offset
                value = month[figure.section][figure.value_key]
                if value:
                    draw.rectangle([(x, y_of(value)), (x + bar - 4, top + plot_height - 1)], fill=figure.trend[0])
    else:
        for figure in series:
            colour = figure.trend[0]
            points = [
                (left + slot * (index + 0.5), y_of(value)) if value is not None else None
                for index, value in enumerate(month[figure.section][figure.value_key] for month in trend)
            ]
            for start, end in zip(points, points[1:], strict=False):
                if start and end:
                    draw.line([start, end], fill=colour, width=6)
            for point in filter(None, points):
                draw.ellipse([(point[0] - 9, point[1] - 9), (point[0] + 9, point[1] + 9)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(CHART_PX_PER_MM * 25.4,) * 2)
    return buffer.getvalue()


def _legend(draw, font, series: list[Figure], percent: bool, right_edge: int, middle: int) -> None:
    """The series' names, right-aligned above the plot, each after a sample of its bar or line."""
    entries = [(figure.trend[0], figure.term) for figure in series]
    sample, gap = 48, 36
    x = (
        right_edge
        - sum(sample + 12 + draw.textlength(term, font=font) for _, term in entries)
        - gap * (len(entries) - 1)
    )
    for colour, term in entries:
        if percent:
            draw.line([(x, middle), (x + sample, middle)], fill=colour, width=6)
            draw.ellipse([(x + sample / 2 - 9, middle - 9), (x + sample / 2 + 9, middle + 9)], fill=colour)
        else:
            draw.rectangle([(x, middle - 16), (x + sample, middle + 16)], fill=colour)
        x += sample + 12
        draw.text((x, middle), term, fill="black", font=font, anchor="lm")
        x += draw.textlength(term, font=font) + gap
