"""What the dashboard shows — figure cards, charts with the table of their numbers, the watch list — shaped from
queries.Dashboard and translated for the current request. The page and the Excel export both draw from here, so
the workbook holds exactly what is on screen."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, gettext

from casetrack.dashboard.queries import RANKED_BY, Dashboard
from casetrack.i18n import N_
from casetrack.stats import figures as registry

FLAG_LABELS = {
    "high_litigation": N_("Many litigation cases"),
    "high_loss": N_("High loss rate"),
    "low_appearance": N_("Low appearance rate"),
}


def cards(data: Dashboard) -> list[dict]:
    """One card per headline figure of the registry (stats.figures): ``value`` is a count, an amount or a
    percentage (``rate``), ``change`` a year-on-year percentage (``pct``) or a change in percentage points
    (``pp``); None is "no figure". The ``*_text`` keys are the same values written out for the page."""
    shown = []
    for figure in registry.cards():
        section = data.figures[figure.section]
        card = {
            "id": figure.card,
            "title": gettext(figure.label),
            "value": section[figure.value_key],
            "rate": figure.kind == registry.RATE,
            "amount": figure.kind == registry.AMOUNT,
            "change": section[figure.change_key] if figure.change else None,
            "change_kind": figure.change,
            "previous": section[figure.previous_key] if figure.change else None,
            "detail": gettext(figure.detail, **section) if figure.detail else "",
        }
        card["value_text"] = value_text(card["value"], card["rate"], card["amount"])
        card["previous_text"] = value_text(card["previous"], card["rate"], card["amount"])
        card["change_text"] = change_text(card["change"], card["change_kind"])
        shown.append(card)
    return shown


def _series(figures: list[registry.Figure], rows: list[dict]) -> list[dict]:
    return [{"name": gettext(f.label), "data": [row[f.section][f.value_key] for row in rows]} for f in figures]


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
            "series": _series(registry.trend_counts(), data.monthly),
        },
        {
            "id": "monthly-rates",
            "title": gettext("Rates by month"),
            "kind": "line",
            "percent": True,
            "category_label": gettext("Month"),
            "categories": months,
            "series": _series(registry.trend_rates(), data.monthly),
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
                    {"name": gettext(registry.figure(key).label), "data": [row[key] for row in data.ranking]}
                    for key in RANKED_BY
                ],
            }
        )
    return shown


def overseen_table(data: Dashboard) -> dict | None:
    """A 分管 leader's units beside the district: the headline figures (stats.figures.headline) as columns, a row
    per unit and the district's last, each cell written out with its change on the year before."""
    if not data.overseen:
        return None
    columns = registry.headline()
    flags = {row["unit"]: flag_names(row) for row in data.watch}
    rows = []
    for row in data.overseen:
        cells = []
        for figure in columns:
            section = row["figures"][figure.section]
            rate = figure.kind == registry.RATE
            cells.append(
                {
                    "text": value_text(section[figure.value_key], rate),
                    "change": change_text(section[figure.change_key], figure.change) if figure.change else "",
                }
            )
        name = row["unit"] or gettext("Whole district")
        rows.append({"unit": name, "unit_id": row["unit_id"], "cells": cells, "flags": flags.get(row["unit"], [])})
    return {"columns": [gettext(figure.label) for figure in columns], "rows": rows}


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
    table = overseen_table(data)
    if table:
        result.append(
            (
                gettext("Units overseen"),
                [gettext("Unit")] + table["columns"],
                [
                    [row["unit"]]
                    + [
                        f"{cell['text']} ({cell['change']})" if cell["change"] else cell["text"]
                        for cell in row["cells"]
                    ]
                    for row in table["rows"]
                ],
            )
        )
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


def value_text(value, rate: bool, amount: bool = False) -> str:
    if value is None:
        return gettext("no figure")
    if amount:
        return f"{value:,.2f}"
    return f"{value:.2f}%" if rate else str(value)


def change_text(change: float | None, kind: str | None) -> str:
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
