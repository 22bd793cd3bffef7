"""Arithmetic of the figures (SPEC section 3): rates, year-on-year changes, rounding. Pure."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from casetrack.cases.kinds import LITIGATION
from casetrack.stats.figures import AMOUNT, COUNT, FIGURES, SECTIONS, Figure, section_figures

_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(5)}


def round_half_up(value: Decimal | float, places: int = 2) -> float:
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return float(exact.quantize(_QUANTA.get(places) or Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rate_pct(numerator: int, denominator: int) -> float | None:
    """numerator / denominator as a percentage, half-up to 2 decimals; None ("no figure") for a zero denominator."""
    if not denominator:
        return None
    if numerator == denominator or not numerator:  # most of a district's units, most of the time: no arithmetic
        return 100.0 if numerator else 0.0
    return round_half_up(Decimal(numerator) * 100 / Decimal(denominator))


def change_pct(current: int, previous: int) -> float | None:
    """Year-on-year change of a count, in percent; None when the previous period had none."""
    if not previous:
        return None
    if current == previous:
        return 0.0
    return round_half_up(Decimal(current - previous) * 100 / Decimal(previous))


def change_pp(current_rate: float | None, previous_rate: float | None) -> float | None:
    """Change of a rate in percentage points, from the rounded rates as published."""
    if current_rate is None or previous_rate is None:
        return None
    return round_half_up(Decimal(str(current_rate)) - Decimal(str(previous_rate)))


def shape_figures(now: dict, before: dict) -> dict:
    """Counts from the SQL aggregates (stats.queries, labelled ``<section>_<field>``) of a period and of the same
    period a year earlier → the annual-report shape (SPEC section 4): one dict per section of the figure registry,
    each figure with its rate and, where it is compared, last year's value and the change."""
    shaped: dict[str, dict] = {}
    for section in SECTIONS:
        values: dict = {}
        for figure in section_figures(section.code):
            values.update(_shaped(figure, now, before))
        shaped[section.code] = values
    return shaped


def _shaped(figure: Figure, now: dict, before: dict) -> dict:
    if figure.kind == AMOUNT:
        return {figure.value_key: round_half_up(Decimal(int(now[figure.sql_label])) / 100)}
    if figure.kind == COUNT:
        current = int(now[figure.sql_label])
        if figure.change is None:
            return {figure.value_key: current}
        previous = int(before[figure.sql_label])
        return {
            figure.value_key: current,
            figure.previous_key: previous,
            figure.change_key: change_pct(current, previous),
        }

    def rate(counts: dict) -> float | None:
        return rate_pct(
            int(counts[f"{figure.section}_{figure.numerator}"]), int(counts[f"{figure.section}_{figure.denominator}"])
        )

    current = rate(now)
    if figure.change is None:
        return {figure.value_key: current}
    previous = rate(before)
    return {figure.value_key: current, figure.previous_key: previous, figure.change_key: change_pp(current, previous)}


def compared(figure: Figure, now: dict, year_earlier: dict) -> tuple:
    """(value, last year's, change) of one figure of two shaped periods (``shape_figures``), whether or not the
    registry compares it in the annual report: a count's change in percent, a rate's in percentage points."""
    value = now[figure.section][figure.value_key]
    before = year_earlier[figure.section][figure.value_key]
    if figure.kind == COUNT:
        return value, before, change_pct(value, before)
    return value, before, change_pp(value, before)


def has_activity(shaped: dict, with_previous: bool = False) -> bool:
    """Anything counted in shape_figures' result (or, ``with_previous``, in the year-earlier period it compares)."""
    for figure in FIGURES:
        if figure.kind != COUNT:
            continue
        section = shaped[figure.section]
        if section[figure.value_key] or (with_previous and figure.previous_key and section[figure.previous_key]):
            return True
    return False


#: Flags of the "两高一低" watch list: many litigation cases, a high loss rate, a low appearance rate.
WATCH_FLAGS = ("high_litigation", "high_loss", "low_appearance")


def watch_list(by_unit: dict[str, dict], size: int = 5, district: dict | None = None) -> list[dict]:
    """The "两高一低" list: each unit's rank by litigation count (high first), loss rate (high first) and
    appearance rate (low first); a unit in the top ``size`` of any ranking is listed with the flags it earned,
    most flags first. A rate only ranks when it is worse than the district's own (without ``district``: any
    loss, any missed appearance) — a unit at 100 % appearance is never "low" however many share that rate.
    Units without a figure (no litigation, no concluded case, no hearing) are not ranked on it."""
    loss_bar = (district or {}).get(LITIGATION, {}).get("loss_rate_pct") or 0.0
    appearance_bar = (district or {}).get("appearance", {}).get("rate_pct") or 100.0
    rows = [
        {
            "unit": unit,
            "litigation_new": f[LITIGATION]["new"],
            "loss_rate_pct": f[LITIGATION]["loss_rate_pct"],
            "appearance_rate_pct": f["appearance"]["rate_pct"],
        }
        for unit, f in by_unit.items()
    ]

    def ranked(key: str, reverse: bool, worse_than: float) -> dict[str, int]:
        usable = [r for r in rows if r[key] is not None and (r[key] > worse_than if reverse else r[key] < worse_than)]
        ordered = sorted(usable, key=lambda r: (-r[key] if reverse else r[key], r["unit"]))
        return {r["unit"]: position for position, r in enumerate(ordered, start=1)}

    ranks = {
        "high_litigation": ranked("litigation_new", reverse=True, worse_than=0),
        "high_loss": ranked("loss_rate_pct", reverse=True, worse_than=loss_bar),
        "low_appearance": ranked("appearance_rate_pct", reverse=False, worse_than=appearance_bar),
    }
    listed = []
    for row in rows:
        flags = [flag for flag in WATCH_FLAGS if ranks[flag].get(row["unit"], size + 1) <= size]
        if flags:
            listed.append(
                {**row, "ranks": {flag: ranks[flag].get(row["unit"]) for flag in WATCH_FLAGS}, "flags": flags}
            )
    return sorted(listed, key=lambda r: (-len(r["flags"]), -r["litigation_new"], r["unit"]))


def month_end(year: int, month: int) -> date:
    return date.fromordinal(date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1)


def is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def previous_month(today: date) -> tuple[int, int]:
    """(year, month) of the month before ``today``'s: what the 1st-of-month jobs report on."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def compared_days(year: int, month: int | None, today: date) -> tuple[date, date, date, date]:
    """(start, end, previous start, previous end) of the period a figure covers and the one it is compared with.

    A finished year or month is compared whole with the same one a year earlier. A running one stops at today
    and is compared with the same days a year earlier: against the whole of last year, a March figure would
    show every count down by ~80%. One that has not begun is taken whole (its counts are all zero).
    """
    if month is None:
        start, end = date(year, 1, 1), date(year, 12, 31)
    else:
        start, end = date(year, month, 1), month_end(year, month)
    if start <= today < end:
        end = today
    return start, end, _year_earlier(start), _year_earlier(end)


def _year_earlier(day: date) -> date:
    """The same day a year earlier; the last day of a month maps to the last day of that month a year earlier, so
    a whole February is compared with a whole February, 29th included."""
    if is_month_end(day):
        return month_end(day.year - 1, day.month)
    return day.replace(year=day.year - 1)
