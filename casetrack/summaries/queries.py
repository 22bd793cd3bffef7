"""What the leaders' monthly summary says, gathered once per message: the headline figures of the month and of the
year to its end, each against the same period a year earlier; the units they oversee (分管) beside the district;
the "两高一低" units; the interviews waiting; the hearings ahead still needing a head and last month's absences;
the risk queue. Nothing is counted here: the figures come from stats.queries, the rest from each domain's queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.extensions import db
from casetrack.stats import figures as registry
from casetrack.stats import kept
from casetrack.stats.queries import Period, district_and_unit_figures, figures, trend_to
from casetrack.stats.rules import compared, month_end, watch_list

#: How far ahead the summary looks for hearings still needing a head, as the leader's landing page does.
HEARINGS_AHEAD_DAYS = 30
#: Absences of the month listed one by one; the rest are counted.
ABSENCES_LISTED = 10
#: "两高一低" units listed, as on the dashboard and in the annual report.
WATCH_LIST_SIZE = 5


@dataclass(frozen=True)
class Headline:
    figure: registry.Figure
    value: object
    previous: object
    change: float | None


@dataclass(frozen=True)
class UnitHeadlines:
    unit: Unit | None  # None: the whole district
    headlines: list[Headline]
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Monthly:
    year: int
    month: int
    #: Headlines of the month and of 1 January to the month's end, the district's.
    month_figures: list[Headline]
    year_to_date: list[Headline]
    #: Every figure of the district, 1 January to the month's end (stats.queries.figures' shape).
    to_date_figures: dict
    #: The units the leader oversees (year to date), the district's row last; empty for a leader without units.
    overseen: list[UnitHeadlines]
    #: stats.rules.watch_list rows, year to date; the leader's units first.
    watch: list[dict]
    #: interviews.services.Proposal: not yet decided, and agreed but not yet held.
    to_decide: list
    agreed: list
    hearings_until: date
    #: (unit, hearings needing a head, the soonest day), the leader's units first.
    hearings_ahead: list[tuple[Unit, int, date]]
    #: Hearings of the month where no head appeared (each with its reason and whether the absence was approved).
    absences: list
    absences_total: int
    #: risk.queries.QueueCounts of the district, and per unit of the leader's units.
    risk_total: object
    risk_overseen: list[tuple[Unit, object]]
    #: stats.queries.trend_to rows, January to the month.
    trend: list[dict]
    overseen_ids: frozenset[int] = frozenset()


def headlines(now: dict, year_earlier: dict) -> list[Headline]:
    return [Headline(figure, *compared(figure, now, year_earlier)) for figure in registry.headline()]


def monthly(year: int, month: int, today: date, overseen_ids: frozenset[int] = frozenset()) -> Monthly:
    from casetrack.dashboard.rules import overseen_first
    from casetrack.hearings.queries import absences_between, needing_a_head_by_unit
    from casetrack.interviews.services import proposals
    from casetrack.risk.queries import QueueCounts, queue_by_unit, total_of

    source = kept.kept()
    the_month, month_before = Period.month(year, month), Period.month(year - 1, month)
    to_date = Period(date(year, 1, 1), the_month.end)
    to_date_before = Period(date(year - 1, 1, 1), month_end(year - 1, month))
    # Each period is shaped on its own, so every headline (appearance and mediation too) has last year's value.
    district, per_unit = district_and_unit_figures(to_date, to_date_before, source)
    district_before, per_unit_before = district_and_unit_figures(to_date_before, to_date_before, source)
    units = {unit.id: unit for unit in db.session.scalars(select(Unit))}

    by_name = {units[unit_id].name: shaped for unit_id, shaped in per_unit.items()}
    watch = watch_list(by_name, WATCH_LIST_SIZE, district=district)
    flags = {row["unit"]: row["flags"] for row in watch}
    overseen_names = {units[unit_id].name for unit_id in overseen_ids if unit_id in units}
    watch = sorted(watch, key=lambda row: row["unit"] not in overseen_names)

    overseen = [
        UnitHeadlines(unit, headlines(per_unit[unit.id], per_unit_before[unit.id]), flags.get(unit.name, []))
        for unit in sorted((units[unit_id] for unit_id in overseen_ids if unit_id in units), key=lambda u: u.name)
    ]
    if overseen:
        overseen.append(UnitHeadlines(None, headlines(district, district_before)))

    waiting = proposals(today)
    by_unit_id = lambda row: row.unit.id  # noqa: E731
    until = today + timedelta(days=HEARINGS_AHEAD_DAYS)
    ahead = [
        (units[unit_id], count, soonest) for unit_id, (count, soonest) in needing_a_head_by_unit(today, until).items()
    ]
    absences, absences_total = absences_between(the_month.start, the_month.end, ABSENCES_LISTED)
    risk = queue_by_unit(today)
    return Monthly(
        year=year,
        month=month,
        month_figures=headlines(
            figures(the_month, month_before, source=source), figures(month_before, month_before, source=source)
        ),
        year_to_date=headlines(district, district_before),
        to_date_figures=district,
        overseen=overseen,
        watch=watch,
        to_decide=overseen_first([p for p in waiting if p.decision is None], overseen_ids, by_unit_id),
        agreed=overseen_first([p for p in waiting if p.decision is not None], overseen_ids, by_unit_id),
        hearings_until=until,
        hearings_ahead=overseen_first(ahead, overseen_ids, lambda row: row[0].id, lambda row: (row[1],)),
        absences=absences,
        absences_total=absences_total,
        risk_total=total_of(list(risk.values())),
        risk_overseen=sorted(
            ((units[unit_id], risk.get(unit_id, QueueCounts())) for unit_id in overseen_ids if unit_id in units),
            key=lambda row: row[0].name,
        ),
        trend=trend_to(year, the_month.end, None, source),
        overseen_ids=frozenset(overseen_ids),
    )
