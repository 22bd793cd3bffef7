"""The annual report's words: the paragraph in the seed report's style and the Markdown document. Pure.

The report is a Chinese government document whatever the reader's interface language, so its text is written
here in Chinese rather than through the translation catalogue.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from casetrack.cases.kinds import COMPENSATION, LITIGATION, REVIEW
from casetrack.stats import figures as registry
from casetrack.stats.figures import AMOUNT, COUNT, RATE, REVIEW_HEARING, Figure
from casetrack.stats.rules import has_activity, is_month_end, watch_list

WATCH_FLAG_LABELS = {"high_litigation": "诉讼案件多", "high_loss": "败诉率高", "low_appearance": "出庭率低"}

NO_FIGURE = "—"
NO_UNIT_ACTIVE = "本期无单位有案件。"
NO_WATCH_LIST = "本期无行政诉讼案件,无需列出。"


def _shown(figure: Figure, report: dict) -> bool:
    """An optional section (stats.figures.Section.optional) is shown only for a period in which it counted."""
    section = registry.section(figure.section)
    if not section.optional:
        return True
    counts = report[figure.section]
    return any(
        counts[f.value_key]
        for f in registry.of_section(figure.section)
        if f.kind == COUNT and (not section.activity or f.field in section.activity)
    )


def unit_columns(report: dict) -> list[Figure]:
    """The by-unit table's columns."""
    return [figure for figure in registry.unit_columns() if _shown(figure, report)]


def trend_counts(report: dict) -> list[Figure]:
    return [figure for figure in registry.trend_counts() if _shown(figure, report)]


def trend_rates(report: dict) -> list[Figure]:
    return [figure for figure in registry.trend_rates() if _shown(figure, report)]


def trend_rows(report: dict) -> list[Figure]:
    """The trend table's rows: the counts, then the rates."""
    return trend_counts(report) + trend_rates(report)


def heading(figure: Figure) -> str:
    return f"{figure.term}(件)" if figure.kind == COUNT else figure.term


#: SPEC section 3: why the units' rows may add up to more than the district.
CO_RESPONDENT_NOTE = (
    "注：有共同被告的案件，全区数据计为一件，在其每一被告单位的数据中各计一件，故各单位数据之和大于全区数据。"
)


def units_exceed_district(report: dict) -> bool:
    """Whether some count of the units adds up to more than the district's: a case with co-defendants counts for
    each of its respondent units but once for the district."""
    return any(
        sum(row[figure.section][figure.value_key] for row in report["by_unit"])
        > report[figure.section][figure.value_key]
        for figure in registry.counted()
        if figure.kind == COUNT and figure.section in report
    )


def omitted_units(report: dict, listed: list[dict]) -> str:
    return f"另有{len(report['by_unit']) - len(listed)}个单位本期无案件,未列出。"


def pct(value: float | None) -> str:
    return NO_FIGURE if value is None else f"{value:.2f}%"


def points(value: float) -> str:
    """17.0 → "17", 48.9 → "48.9": the seed writes whole points without decimals."""
    return f"{abs(value):.2f}".rstrip("0").rstrip(".")


def _yoy(change: float | None) -> str:
    if change is None:
        return "上年同期无案件"
    if change == 0:
        return "与上年持平"
    return f"同比{'上升' if change > 0 else '下降'}{abs(change):.2f}%"


def _rate_clause(name: str, rate: float | None, change_pp: float | None) -> str:
    if rate is None:
        return f"{name}无数据(无审结案件)"
    clause = f"{name}{rate:.2f}%"
    if change_pp is None:
        return clause
    if change_pp == 0:
        return clause + ",与上年持平"
    return clause + f",{'上升' if change_pp > 0 else '下降'}{points(change_pp)}个百分点"


def period_label(report: dict) -> str:
    """ "2020年", "2020年1—10月" (to a month's end) or "2026年1月1日至11月26日" (to a day)."""
    year = report["year"]
    if "through" not in report:
        return f"{year}年"
    through = date.fromisoformat(report["through"])
    if is_month_end(through):
        return f"{year}年1月" if through.month == 1 else f"{year}年1—{through.month}月"
    return f"{year}年1月1日至{through.month}月{through.day}日"


def report_title(report: dict) -> str:
    if "through" not in report:
        return f"{report['year']}年度行政争议预防化解工作报告"
    return f"{period_label(report)}行政争议预防化解工作情况"


def summary_paragraph(report: dict, area: str = "全区", period: str | None = None) -> str:
    """ "2020年全区行政复议新发94件,同比下降20.34%,纠错9件,纠错率8.57%,下降48.9个百分点;……" ``period``: its
    words for a period other than the report's own (the joint-meeting pack's)."""
    review, litigation = report[REVIEW], report[LITIGATION]
    appearance, mediation = report["appearance"], report["mediation"]
    compensation = report[COMPENSATION]
    parts = [
        f"{period or period_label(report)}{area}行政复议新发{review['new']}件,{_yoy(review['new_yoy_pct'])},"
        f"纠错{review['corrected']}件,"
        + _rate_clause("纠错率", review["correction_rate_pct"], review["correction_rate_change_pp"]),
        f"行政诉讼新发{litigation['new']}件,{_yoy(litigation['new_yoy_pct'])},败诉{litigation['lost']}件,"
        + _rate_clause("败诉率", litigation["loss_rate_pct"], litigation["loss_rate_change_pp"]),
        f"行政机关负责人出庭应诉{appearance['appeared']}件,"
        + (f"出庭率{appearance['rate_pct']:.2f}%" if appearance["rate_pct"] is not None else "无开庭案件"),
        f"行政争议调解成功{mediation['succeeded']}件,"
        + (
            f"成功率{mediation['success_rate_pct']:.2f}%" if mediation["success_rate_pct"] is not None else "无办结调解"
        ),
    ]
    hearings = report.get(REVIEW_HEARING)
    # 听证 are reported beside, never inside, the court appearance rate; a period without any says nothing of them.
    if hearings and hearings["required"]:
        parts.append(
            f"行政复议听证{hearings['required']}件,被申请人负责人参加听证{hearings['attended']}件,"
            f"听证负责人参加率{hearings['rate_pct']:.2f}%"
        )
    if compensation["new"] or compensation["concluded"]:
        parts.append(
            f"行政赔偿案件新收{compensation['new']}件,决定{compensation['concluded']}件,"
            f"其中予以赔偿{compensation['granted']}件,赔偿金额{compensation['amount_granted']:,.2f}元"
        )
    return ";".join(parts) + "。"


#: A cell starting with one of these could be read as a heading, quote, list item, code or emphasis marker.
_MARKDOWN_LEADERS = "#>+-*=_~`"


def table_text(text: str) -> str:
    """Free text (a unit's name) as one Markdown table cell: a "|" would start a new column, a backslash escape the
    next character, and a line break end the row. Runs of white space become one space."""
    text = " ".join(str(text).replace("\\", "\\\\").replace("|", "\\|").split())
    if text[:1] in _MARKDOWN_LEADERS:
        return "\\" + text
    # An ordered-list marker is escaped at its dot: a backslash before a digit is printed as it is.
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def cell(figures: dict, figure: Figure) -> str:
    value = figures[figure.section][figure.value_key]
    if figure.kind == RATE:
        return pct(value)
    return f"{value:,.2f}" if figure.kind == AMOUNT else str(value)


def active_units(report: dict) -> list[dict]:
    """Units with anything to report; a province has hundreds of units without a single case in a year."""
    return [row for row in report["by_unit"] if has_activity(row)]


def watch_rows(report: dict, size: int = 5) -> list[dict]:
    return watch_list({row["unit"]: row for row in report["by_unit"]}, size=size, district=report)


def render_markdown(report: dict, trend: list[dict], built: datetime | None = None) -> str:
    """The report in Markdown; BUILT, the district's time it was made, is shown under the title."""
    lines = [f"# {report_title(report)}", ""]
    if built is not None:
        lines += [f"生成时间：{built:%Y-%m-%d %H:%M}", ""]
    lines += ["## 一、总体情况", "", summary_paragraph(report), ""]

    lines += ["## 二、分单位情况", ""]
    units = active_units(report)
    if units:
        columns = unit_columns(report)
        lines.append("| 单位 | " + " | ".join(heading(figure) for figure in columns) + " |")
        lines.append("|---|" + "---:|" * len(columns))
        for row in units:
            lines.append(f"| {table_text(row['unit'])} | " + " | ".join(cell(row, figure) for figure in columns) + " |")
        if len(units) < len(report["by_unit"]):
            lines += ["", omitted_units(report, units)]
        if units_exceed_district(report):
            lines += ["", CO_RESPONDENT_NOTE]
    else:
        lines.append(NO_UNIT_ACTIVE)
    lines.append("")

    lines += ["## 三、“两高一低”单位", ""]
    watched = watch_rows(report)
    if watched:
        lines += ["| 单位 | 诉讼新发(件) | 败诉率 | 出庭率 | 情形 |", "|---|---:|---:|---:|---|"]
        for row in watched:
            flags = "、".join(WATCH_FLAG_LABELS[flag] for flag in row["flags"])
            lines.append(
                f"| {table_text(row['unit'])} | {row['litigation_new']} | {pct(row['loss_rate_pct'])} | "
                f"{pct(row['appearance_rate_pct'])} | {flags} |"
            )
    else:
        lines.append(NO_WATCH_LIST)
    lines.append("")

    lines += [f"## {LOOP_HEADING}", "", loop_paragraph(report), ""]
    if type_rows := suggestion_type_rows(report):
        lines.append("| " + " | ".join(SUGGESTION_TYPE_HEADINGS) + " |")
        lines.append("|---|" + "---:|" * (len(SUGGESTION_TYPE_HEADINGS) - 1))
        lines += ["| " + " | ".join(row) + " |" for row in type_rows]
        lines.append("")
    if reasons := reason_rows(report):
        lines.append("| " + " | ".join(REASON_HEADINGS) + " |")
        lines.append("|---|---:|---:|")
        lines += ["| " + " | ".join(row) + " |" for row in reasons]
        lines.append("")

    lines += ["## 五、月度趋势", ""]
    lines.append("| 指标 | " + " | ".join(f"{m['month']}月" for m in trend) + " |")
    lines.append("|---|" + "---:|" * len(trend))
    for figure in trend_rows(report):
        lines.append(f"| {figure.term} | " + " | ".join(cell(m, figure) for m in trend) + " |")
    lines += ["", "```text", *text_bars(trend, trend_counts(report)), "```", ""]
    return "\n".join(lines)


def text_bars(trend: list[dict], figures: list[Figure], width: int = 30) -> list[str]:
    """The monthly counts as a bar chart in plain text, for readers of the Markdown file."""
    largest = max([m[f.section][f.value_key] for m in trend for f in figures] + [1])
    rows = []
    for m in trend:
        for figure in figures:
            value = m[figure.section][figure.value_key]
            rows.append(f"{m['month']:>2}月 {figure.term} {'█' * round(value * width / largest):<{width}} {value}")
    return rows


# --- closing the loop (issue 14): suggestions, rectification, reasons ---------------------------------------

LOOP_HEADING = "四、建议办理与败诉纠错整改"
SUGGESTION_TYPE_HEADINGS = ["类型", "收到(份)", "已回复(份)", "按期回复(份)", "整改完毕(份)"]
REASON_HEADINGS = ["原因", "案件数(件)", "占已分析案件"]
NO_SUGGESTIONS = "本期未收到司法建议、检察建议或行政复议意见书、建议书。"


def _procuratorial_clause(types: list[dict]) -> str | None:
    """ "全区各单位接受检察建议34份并整改完毕" when every one is rectified, the seed's words; otherwise how many."""
    rows = [row for row in types if row["procuratorial"]]
    received = sum(row["received"] for row in rows)
    if not received:
        return None
    rectified = sum(row["rectified"] for row in rows)
    if rectified == received:
        return f"全区各单位接受检察建议{received}份并整改完毕"
    return f"全区各单位接受检察建议{received}份,已整改完毕{rectified}份"


def loop_paragraph(report: dict) -> str:
    """The suggestions received and what became of them, and the rectification after corrections and losses, in
    the seed's style: "支持检察机关开展行政公益诉讼和检察监督,全区各单位接受检察建议34份并整改完毕。" """
    types = report.get("suggestions_by_type", [])
    parts = []
    if clause := _procuratorial_clause(types):
        parts.append("支持检察机关开展行政公益诉讼和检察监督," + clause)
    for row in types:
        if row["procuratorial"] or not row["received"]:
            continue
        parts.append(f"收到{row['term']}{row['received']}份,已回复{row['replied']}份,整改完毕{row['rectified']}份")
    rectification = report.get("rectification") or {}
    if rectification.get("due"):
        parts.append(
            f"纠错、败诉案件整改事项到期{rectification['due']}项,按期完成{rectification['done_on_time']}项,"
            f"按期整改率{pct(rectification['on_time_rate_pct'])}"
        )
    reasons = reason_rows(report)
    if reasons:
        leading = "、".join(f"{row[0]}({row[1]}件)" for row in reasons[:2])
        parts.append(f"纠错、败诉案件原因以{leading}为主")
    if not parts:
        return NO_SUGGESTIONS
    return ";".join(parts) + "。"


def suggestion_type_rows(report: dict) -> list[list[str]]:
    return [
        [row["term"], str(row["received"]), str(row["replied"]), str(row["replied_on_time"]), str(row["rectified"])]
        for row in report.get("suggestions_by_type", [])
        if row["received"]
    ]


def reason_rows(report: dict) -> list[list[str]]:
    """The coded reasons, most cited first: (term, cases, share of the coded cases)."""
    section = report.get(registry.ADVERSE_REASONS) or {}
    if not section.get("coded"):
        return []
    rows = [
        [figure.term, section[figure.field], pct(section[f"{figure.field}_share_pct"])]
        for figure in registry.of_section(registry.ADVERSE_REASONS)
        if figure.kind == COUNT and figure.field in registry.REASON_CODES and section[figure.field]
    ]
    return [[term, str(count), share] for term, count, share in sorted(rows, key=lambda row: -row[1])]
