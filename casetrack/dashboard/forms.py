"""The dashboard's filters: year and unit from the query string, and why a value was refused."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from casetrack.i18n import N_


@dataclass
class DashboardFilters:
    year: int
    #: None for the whole district.
    unit_id: int | None = None
    #: True for a unit liaison: the unit is its own and the query string cannot change it.
    unit_fixed: bool = False
    #: (msgid, params) explaining each refused value; the default was shown instead.
    problems: list[tuple[str, dict]] = field(default_factory=list)

    def as_query_args(self) -> dict:
        args = {"year": self.year}
        if self.unit_id is not None and not self.unit_fixed:
            args["unit"] = self.unit_id
        return args


def read_filters(
    args: Mapping[str, str],
    today: date,
    unit_ids: Collection[int],
    own_unit_id: int | None = None,
    years: Sequence[int] = (),
) -> DashboardFilters:
    """Parse ``year`` and ``unit``. ``own_unit_id`` pins the unit (a liaison sees only its own). ``years``: the years
    the menu offers (stats.queries.years_with_data); the running year is always one."""
    filters = DashboardFilters(year=today.year)
    first = min((*years, today.year))
    raw_year = (args.get("year") or "").strip()
    if raw_year:
        year = _whole_number(raw_year)
        if year is None:
            filters.problems.append(
                (N_("“%(value)s” is not a year; showing %(year)s."), {"value": raw_year[:20], "year": today.year})
            )
        elif not first <= year <= today.year:
            filters.problems.append(
                (
                    N_("There are figures from %(first)s to %(last)s only; showing %(year)s."),
                    {"first": first, "last": today.year, "year": today.year},
                )
            )
        else:
            filters.year = year

    raw_unit = (args.get("unit") or "").strip()
    if own_unit_id is not None:
        filters.unit_id, filters.unit_fixed = own_unit_id, True
        if raw_unit and raw_unit != str(own_unit_id):
            filters.problems.append((N_("Your account sees only its own unit's figures."), {}))
    elif raw_unit:
        unit_id = _whole_number(raw_unit)
        if unit_id in unit_ids:
            filters.unit_id = unit_id
        else:
            filters.problems.append(
                (N_("There is no unit “%(value)s”; showing the whole district."), {"value": raw_unit[:20]})
            )
    return filters


def _whole_number(raw: str) -> int | None:
    # isdecimal, not isdigit: int() refuses "²"; and a short string, since int() refuses thousands of digits.
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None
