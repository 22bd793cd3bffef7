"""The pack the legal bureau takes to the court–government joint meeting (府院联席会议): for a period, the figures,
the suggestions and what became of them, the class-case table (类案分析), the suggestions still open and the
rectification overdue — one Word document after GB/T 9704, like the annual report."""

from __future__ import annotations

from datetime import date, datetime

from docx import Document

from casetrack import gbt9704
from casetrack.cases.rules import MATTERS
from casetrack.clock import as_utc, local, utc_now
from casetrack.i18n import text_of
from casetrack.rectification import rules as rectification_rules
from casetrack.rectification.queries import class_case_rows, overdue_items
from casetrack.reports.rules import (
    REASON_HEADINGS,
    SUGGESTION_TYPE_HEADINGS,
    loop_paragraph,
    reason_rows,
    suggestion_type_rows,
    summary_paragraph,
)
from casetrack.reports.services import suggestions_by_type
from casetrack.stats.queries import Period, figures
from casetrack.stats.rules import compared_days
from casetrack.suggestions import rules as suggestion_rules
from casetrack.suggestions.queries import open_suggestions

NO_CLASS_CASES = "本期纠错、败诉案件尚未分析原因。"
NO_OPEN_SUGGESTIONS = "无未办结的建议。"
NO_OVERDUE = "无逾期未完成的整改事项。"


def period_words(period: Period) -> str:
    return f"{gbt9704.chinese_date(period.start)}至{gbt9704.chinese_date(period.end)}"


def title(period: Period) -> str:
    return f"{period_words(period)}行政争议预防化解情况(府院联席会议材料)"


def pack(period: Period, today: date) -> dict:
    """What the pack says, read once: the same numbers go into its text and its tables."""
    year_earlier = Period(*compared_days(period.start.year, None, period.end)[2:])
    if period.start != date(period.start.year, 1, 1):
        year_earlier = Period(period.start.replace(year=period.start.year - 1), year_earlier.end)
    report = {"year": period.start.year, **figures(period, year_earlier)}
    report["suggestions_by_type"] = suggestions_by_type(period)
    return {
        "report": report,
        "class_cases": class_case_rows(period),
        "open_suggestions": open_suggestions(until=period.end),
        "overdue": overdue_items(today),
        "today": today,
    }


def _text(message) -> str:
    # The pack is a Chinese government document whatever the reader's language: labels in their Chinese words.
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        return text_of(message)


def docx_bytes(period: Period, today: date, generated_at: datetime | None = None) -> bytes:
    data = pack(period, today)
    report = data["report"]
    generated_at = as_utc(generated_at or utc_now())
    document = Document()
    gbt9704.set_up(document, title(period), generated_at)
    document.add_paragraph(title(period), style="Title")

    document.add_paragraph("一、总体情况", style="Heading 1")
    document.add_paragraph(summary_paragraph(report, period=period_words(period)), style="Body Text")

    document.add_paragraph("二、建议办理与整改情况", style="Heading 1")
    document.add_paragraph(loop_paragraph(report), style="Body Text")
    if rows := suggestion_type_rows(report):
        gbt9704.table(document, SUGGESTION_TYPE_HEADINGS, rows)

    document.add_paragraph("三、类案分析", style="Heading 1")
    if reasons := reason_rows(report):
        gbt9704.table(document, REASON_HEADINGS, reasons)
    if data["class_cases"]:
        gbt9704.table(
            document,
            ["单位", "案由类别", "原因", "案件数(件)"],
            [
                [row.unit, _text(MATTERS.get(row.matter, row.matter)), row.reason, str(row.cases)]
                for row in data["class_cases"]
            ],
        )
    else:
        document.add_paragraph(NO_CLASS_CASES, style="Body Text")

    document.add_paragraph("四、未办结的建议", style="Heading 1")
    if data["open_suggestions"]:
        gbt9704.table(
            document,
            ["文号", "类型", "发出机关", "接收单位", "回复期限", "状态"],
            [
                [
                    s.number,
                    suggestion_rules.TYPES[s.kind].term,
                    s.issuer,
                    "、".join(unit.name for unit in s.units),
                    s.reply_due_on.isoformat(),
                    _text(suggestion_rules.STATES[s.state]),
                ]
                for s in data["open_suggestions"]
            ],
        )
    else:
        document.add_paragraph(NO_OPEN_SUGGESTIONS, style="Body Text")

    document.add_paragraph("五、逾期未完成的整改", style="Heading 1")
    if data["overdue"]:
        gbt9704.table(
            document,
            ["案号", "单位", "整改事项", "期限", "逾期(天)"],
            [
                [
                    item.case.number,
                    item.unit.name,
                    _text(rectification_rules.ACTIONS[item.action]),
                    item.due_on.isoformat(),
                    str((today - item.due_on).days),
                ]
                for item in data["overdue"]
            ],
        )
    else:
        document.add_paragraph(NO_OVERDUE, style="Body Text")

    gbt9704.add_date_line(document, local(generated_at))
    return gbt9704.saved(document)


def download_name(period: Period) -> str:
    return f"joint-meeting-{period.start.isoformat()}-{period.end.isoformat()}.docx"
