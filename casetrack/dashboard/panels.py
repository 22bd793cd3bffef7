"""What the dashboard shows — figure cards, charts with the table of their numbers, the watch list — shaped from
queries.Dashboard and translated for the current request. The page and the Excel export both draw from here, so
the workbook holds exactly what is on screen."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, gettext

from casetrack.dashboard.queries import Dashboard
from casetrack.i18n import N_

FLAG_LABELS = {
    "high_litigation": N_("Many litigation cases"),
    "high_loss": N_("High loss rate"),
    "low_appearance": N_("Low appearance rate"),
}


def cards(data: Dashboard) -> list[dict]:
    """One card per headline figure: ``value`` is a count or a percentage (``rate``), ``change`` a year-on-year
    percentage (``pct``) or a change in percentage points (``pp``); None is "no figure". The ``*_text`` keys
    are the same values written out for the page."""
    review, litigation = data.figures["review"], data.figures["litigation"]
    appearance, mediation = data.figures["appearance"], data.figures["mediation"]
    shown = [
        {
            "id": "review-new",
            "title": gettext("New review cases"),
            "value": review["new"],
            "rate": False,
            "change": review["new_yoy_pct"],
            "change_kind": "pct",
            "previous": review["new_prev"],
            "detail": "",
        },
        {
            "id": "correction-rate",
            "title": gettext("Review correction rate"),
            "value": review["correction_rate_pct"],
            "rate": True,
            "change": review["correction_rate_change_pp"],
            "change_kind": "pp",
            "previous": review["correction_rate_prev_pct"],
            "detail": gettext(
                "%(corrected)s corrected of %(concluded)s concluded",
                corrected=review["corrected"],
                concluded=review["concluded"],
            ),
        },
        {
            "id": "litigation-new",
            "title": gettext("New first-instance litigation cases"),
            "value": litigation["new"],
            "rate": False,
            "change": litigation["new_yoy_pct"],
            "change_kind": "pct",
            "previous": litigation["new_prev"],
            "detail": "",
        },
        {
            "id": "loss-rate",
            "title": gettext("Litigation loss rate"),
            "value": litigation["loss_rate_pct"],
            "rate": True,
            "change": litigation["loss_rate_change_pp"],
            "change_kind": "pp",
            "previous": litigation["loss_rate_prev_pct"],
            "detail": gettext(
                "%(lost)s lost of %(concluded)s concluded", lost=litigation["lost"], concluded=litigation["concluded"]
            ),
        },
        {
            "id": "appearance-rate",
            "title": gettext("Appearance rate"),
            "value": appearance["rate_pct"],
            "rate": True,
            "change": None,
            "change_kind": None,
            "previous": None,
            "detail": gettext(
                "a head appeared in %(appeared)s of %(required)s cases with a hearing",
                appeared=appearance["appeared"],
                required=appearance["required"],
            ),
        },
        {
            "id": "mediation-success-rate",
            "title": gettext("Mediation success rate"),
            "value": mediation["success_rate_pct"],
            "rate": True,
            "change": None,
            "change_kind": None,
            "previous": None,
            "detail": gettext(
                "%(succeeded)s succeeded of %(concluded)s concluded",
                succeeded=mediation["succeeded"],
                concluded=mediation["concluded"],
            ),
        },
    ]
    for card in shown:
        card["value_text"] = _value_text(card["value"], card["rate"])
        card["previous_text"] = _value_text(card["previous"], card["rate"])
        card["change_text"] = _change_text(card["change"], card["change_kind"])
    return shown


def charts(data: Dashboard) -> list[dict]:
    """Each chart as ``categories`` and ``series`` ({name, data}); dashboard.js draws them and the template
    writes the same numbers as a table. ``percent`` charts hold rates (None: no figure)."""
    months = [_month_name(data.year, row["month"]) for row in data.monthly]
    shown = [
        {
            "id": "monthly-new",
            "title": gettext("New cases by month"),
            "kind": "bar",
            "percent": False,
            "category_label": gettext("Month"),
            "categories": months,
            "series": [
                {"name": gettext("New review cases"), "data": [row["review"]["new"] for row in data.monthly]},
                {
                    "name": gettext("New first-instance litigation cases"),
                    "data": [row["litigation"]["new"] for row in data.monthly],
                },
            ],
        },
        {
            "id": "monthly-rates",
            "title": gettext("Rates by month"),
            "kind": "line",
            "percent": True,
            "category_label": gettext("Month"),
            "categories": months,
            "series": [
                {
                    "name": gettext("Review correction rate"),
                    "data": [row["review"]["correction_rate_pct"] for row in data.monthly],
                },
                {
                    "name": gettext("Litigation loss rate"),
                    "data": [row["litigation"]["loss_rate_pct"] for row in data.monthly],
                },
                {"name": gettext("Appearance rate"), "data": [row["appearance"]["rate_pct"] for row in data.monthly]},
                {
                    "name": gettext("Mediation success rate"),
                    "data": [row["mediation"]["success_rate_pct"] for row in data.monthly],
                },
            ],
        },
    ]
    if data.ranking:
        shown.append(
            {
                "id": "unit-ranking",
                "title": gettext("New cases by unit"),
                "kind": "bar",
                "horizontal": True,
                "percent": False,
                "category_label": gettext("Unit"),
                "categories": [row["unit"] for row in data.ranking],
                "series": [
                    {
                        "name": gettext("New first-instance litigation cases"),
                        "data": [row["litigation_new"] for row in data.ranking],
                    },
                    {"name": gettext("New review cases"), "data": [row["review_new"] for row in data.ranking]},
                ],
            }
        )
    return shown


def flag_names(row: dict) -> list[str]:
    return [gettext(FLAG_LABELS[flag]) for flag in row["flags"]]


def sheets(data: Dashboard, unit_name: str) -> list[tuple[str, list[str], list[list]]]:
    """The page as workbook sheets (title, header, rows) for ledger.workbook.write_workbook."""
    no_figure = gettext("no figure")

    def shown(value):
        return no_figure if value is None else value

    period = f"{data.period.start.isoformat()} – {data.period.end.isoformat()}"
    previous = f"{data.previous.start.isoformat()} – {data.previous.end.isoformat()}"
    result = [
        (
            gettext("Figures"),
            [
                gettext("Figure"),
                gettext("Value"),
                gettext("Same period a year earlier"),
                gettext("Change"),
                gettext("Details"),
            ],
            [[unit_name, period, previous, "", ""]]
            + [
                [
                    card["title"] + (" (%)" if card["rate"] else ""),
                    shown(card["value"]),
                    "" if card["change_kind"] is None else shown(card["previous"]),
                    "" if card["change_kind"] is None else card["change_text"],
                    card["detail"],
                ]
                for card in cards(data)
            ],
        )
    ]
    for chart in charts(data):
        suffix = " (%)" if chart["percent"] else ""
        result.append(
            (
                _sheet_title(chart["title"]),
                [chart["category_label"]] + [series["name"] + suffix for series in chart["series"]],
                [
                    [category] + [shown(series["data"][i]) for series in chart["series"]]
                    for i, category in enumerate(chart["categories"])
                ],
            )
        )
    if data.watch:
        result.append(
            (
                _sheet_title(gettext("Watch list")),
                [
                    gettext("Unit"),
                    gettext("New first-instance litigation cases"),
                    gettext("Rank"),
                    gettext("Litigation loss rate") + " (%)",
                    gettext("Rank"),
                    gettext("Appearance rate") + " (%)",
                    gettext("Rank"),
                    gettext("Flags"),
                ],
                [
                    [
                        row["unit"],
                        row["litigation_new"],
                        row["ranks"]["high_litigation"] or "—",
                        shown(row["loss_rate_pct"]),
                        row["ranks"]["high_loss"] or "—",
                        shown(row["appearance_rate_pct"]),
                        row["ranks"]["low_appearance"] or "—",
                        "、".join(flag_names(row)),
                    ]
                    for row in data.watch
                ],
            )
        )
    return result


def _value_text(value, rate: bool) -> str:
    if value is None:
        return gettext("no figure")
    return f"{value:.2f}%" if rate else str(value)


def _change_text(change: float | None, kind: str | None) -> str:
    """+50.00% for a count, -1.20 pp for a rate (a change in percentage points, not a percentage of the rate)."""
    if change is None:
        return gettext("no figure")
    if kind == "pp":
        return gettext("%(value)s pp", value=f"{change:+.2f}")
    return f"{change:+.2f}%"


def _month_name(year: int, month: int) -> str:
    return format_date(date(year, month, 1), "LLL")


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names, and names longer than 31 characters.
    return "".join(" " if c in "[]:*?/\\" else c for c in title)[:31]
