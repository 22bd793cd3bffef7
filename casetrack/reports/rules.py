"""The annual report's words: the paragraph in the seed report's style and the Markdown document. Pure.

The report is a Chinese government document whatever the reader's interface language, so its text is written
here in Chinese rather than through the translation catalogue.
"""

from __future__ import annotations

from datetime import date

from casetrack.stats.rules import is_month_end, watch_list

#: The by-unit table's columns: heading, section, key, is a percentage.
UNIT_COLUMNS = (
    ("复议新发(件)", "review", "new", False),
    ("复议纠错(件)", "review", "corrected", False),
    ("纠错率", "review", "correction_rate_pct", True),
    ("诉讼新发(件)", "litigation", "new", False),
    ("败诉(件)", "litigation", "lost", False),
    ("败诉率", "litigation", "loss_rate_pct", True),
    ("负责人出庭率", "appearance", "rate_pct", True),
    ("调解成功率", "mediation", "success_rate_pct", True),
)

WATCH_FLAG_LABELS = {"high_litigation": "诉讼案件多", "high_loss": "败诉率高", "low_appearance": "出庭率低"}

#: The trend tables' rows: heading, section, key, is a percentage.
TREND_ROWS = (
    ("复议新发", "review", "new", False),
    ("诉讼新发", "litigation", "new", False),
    ("纠错率", "review", "correction_rate_pct", True),
    ("败诉率", "litigation", "loss_rate_pct", True),
    ("出庭率", "appearance", "rate_pct", True),
    ("调解成功率", "mediation", "success_rate_pct", True),
)

NO_FIGURE = "—"
NO_UNIT_ACTIVE = "本期无单位有案件。"
NO_WATCH_LIST = "本期无行政诉讼案件,无需列出。"


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


def summary_paragraph(report: dict, area: str = "全区") -> str:
    """ "2020年全区行政复议新发94件,同比下降20.34%,纠错9件,纠错率8.57%,下降48.9个百分点;……" """
    review, litigation = report["review"], report["litigation"]
    appearance, mediation = report["appearance"], report["mediation"]
    parts = [
        f"{period_label(report)}{area}行政复议新发{review['new']}件,{_yoy(review['new_yoy_pct'])},"
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
    return ";".join(parts) + "。"


def cell(figures: dict, section: str, key: str, is_pct: bool) -> str:
    value = figures[section][key]
    return pct(value) if is_pct else str(value)


def active_units(report: dict) -> list[dict]:
    """Units with anything to report; a province has hundreds of units without a single case in a year."""

    def any_activity(row: dict) -> bool:
        return bool(
            row["review"]["new"]
            or row["review"]["concluded"]
            or row["litigation"]["new"]
            or row["litigation"]["concluded"]
            or row["appearance"]["required"]
            or row["mediation"]["concluded"]
        )

    return [row for row in report["by_unit"] if any_activity(row)]


def watch_rows(report: dict, size: int = 5) -> list[dict]:
    return watch_list({row["unit"]: row for row in report["by_unit"]}, size=size, district=report)


def render_markdown(report: dict, trend: list[dict]) -> str:
    lines = [f"# {report_title(report)}", "", "## 一、总体情况", "", summary_paragraph(report), ""]

    lines += ["## 二、分单位情况", ""]
    units = active_units(report)
    if units:
        lines.append("| 单位 | " + " | ".join(heading for heading, *_ in UNIT_COLUMNS) + " |")
        lines.append("|---|" + "---:|" * len(UNIT_COLUMNS))
        for row in units:
            lines.append(f"| {row['unit']} | " + " | ".join(cell(row, *column[1:]) for column in UNIT_COLUMNS) + " |")
        if len(units) < len(report["by_unit"]):
            lines += ["", omitted_units(report, units)]
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
                f"| {row['unit']} | {row['litigation_new']} | {pct(row['loss_rate_pct'])} | "
                f"{pct(row['appearance_rate_pct'])} | {flags} |"
            )
    else:
        lines.append(NO_WATCH_LIST)
    lines.append("")

    lines += ["## 四、月度趋势", ""]
    lines.append("| 指标 | " + " | ".join(f"{m['month']}月" for m in trend) + " |")
    lines.append("|---|" + "---:|" * len(trend))
    for heading, section, key, is_pct in TREND_ROWS:
        lines.append(f"| {heading} | " + " | ".join(cell(m, section, key, is_pct) for m in trend) + " |")
    lines += ["", "```text", *text_bars(trend), "```", ""]
    return "\n".join(lines)


def text_bars(trend: list[dict], width: int = 30) -> list[str]:
    """The monthly new cases as a bar chart in plain text, for readers of the Markdown file."""
    largest = max([m["review"]["new"] for m in trend] + [m["litigation"]["new"] for m in trend] + [1])
    rows = []
    for m in trend:
        for label, value in (("复议", m["review"]["new"]), ("诉讼", m["litigation"]["new"])):
            rows.append(f"{m['month']:>2}月 {label} {'█' * round(value * width / largest):<{width}} {value}")
    return rows
