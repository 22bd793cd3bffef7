"""The figure definitions of SPEC section 3, as SQL aggregation — the one place they are written down.

Every report, dashboard, job and API asks here; nothing else counts cases for a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from casetrack.cases.models import Case
from casetrack.extensions import db


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + (month == 12), month % 12 + 1, 1)
        return cls(date(year, month, 1), date.fromordinal(following.toordinal() - 1))


def _district_or_units(stmt, unit_column, unit_id: int | None, by_unit: bool):
    """Run a figure SELECT for the district, for one unit, or grouped per unit ({unit_id: counts})."""
    if unit_id is not None:
        stmt = stmt.where(unit_column == unit_id)
    if not by_unit:
        return dict(db.session.execute(stmt).mappings().one())
    stmt = stmt.add_columns(unit_column.label("unit_id")).group_by(unit_column)
    return {
        row["unit_id"]: {k: v for k, v in row.items() if k != "unit_id"} for row in db.session.execute(stmt).mappings()
    }


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def case_counts(period: Period, unit_id: int | None = None, by_unit: bool = False):
    """review.new / concluded / corrected and litigation.new / concluded / lost for the period, in one scan.

    Returns one mapping, or {unit_id: mapping} when ``by_unit``."""
    received = Case.received_on.between(period.start, period.end)
    concluded = Case.concluded_on.between(period.start, period.end)
    review = Case.kind == "review"
    first_instance = and_(Case.kind == "litigation", Case.instance == "first")
    columns = [
        _count(and_(review, received)).label("review_new"),
        _count(and_(review, concluded)).label("review_concluded"),
        _count(and_(Case.is_corrected, concluded)).label("review_corrected"),
        _count(and_(first_instance, received)).label("litigation_new"),
        _count(and_(first_instance, concluded)).label("litigation_concluded"),
        _count(and_(first_instance, Case.is_lost, concluded)).label("litigation_lost"),
    ]
    stmt = select(*columns).where(or_(received, concluded))
    return _district_or_units(stmt, Case.respondent_unit_id, unit_id, by_unit)


def appearance_counts(period: Period, unit_id: int | None = None, by_unit: bool = False):
    """appearance.required: litigation cases with at least one hearing in the period (any instance — a second
    instance is its own case); appearance.appeared: of those, a head appeared at one or more of those hearings."""
    from casetrack.hearings.models import Hearing

    in_period = Hearing.held_on.between(period.start, period.end)
    per_case = (
        select(
            Hearing.case_id.label("case_id"),
            func.max(case((Hearing.appeared.is_(True), 1), else_=0)).label("appeared"),
        )
        .where(in_period)
        .group_by(Hearing.case_id)
        .subquery()
    )
    stmt = (
        select(
            func.count(per_case.c.case_id).label("appearance_required"),
            func.coalesce(func.sum(per_case.c.appeared), 0).label("appearance_appeared"),
        )
        .select_from(per_case.join(Case, Case.id == per_case.c.case_id))
        .where(Case.kind == "litigation")
    )
    return _district_or_units(stmt, Case.respondent_unit_id, unit_id, by_unit)


def mediation_counts(period: Period, unit_id: int | None = None, by_unit: bool = False):
    """mediation.concluded: succeeded or failed with concluded_on in the period (withdrawn ones do not count);
    mediation.succeeded: of those, succeeded."""
    from casetrack.mediation.models import Mediation

    concluded = and_(
        Mediation.status.in_(("succeeded", "failed")), Mediation.concluded_on.between(period.start, period.end)
    )
    stmt = select(
        func.count(Mediation.id).label("mediation_concluded"),
        _count(Mediation.status == "succeeded").label("mediation_succeeded"),
    ).where(concluded)
    return _district_or_units(stmt, Mediation.respondent_unit_id, unit_id, by_unit)


def figures(period: Period, previous: Period, unit_id: int | None = None) -> dict:
    """Every SPEC section 3 figure for a period and the same period a year earlier, in the annual-report shape
    (counts, rates as percentages half-up to 2 decimals, year-on-year % and percentage-point changes; None for
    a zero denominator)."""
    from casetrack.stats.rules import change_pct, change_pp, rate_pct

    now, before = case_counts(period, unit_id), case_counts(previous, unit_id)
    appearance = appearance_counts(period, unit_id)
    mediation = mediation_counts(period, unit_id)
    correction, correction_prev = (rate_pct(c["review_corrected"], c["review_concluded"]) for c in (now, before))
    loss, loss_prev = (rate_pct(c["litigation_lost"], c["litigation_concluded"]) for c in (now, before))
    return {
        "review": {
            "new": now["review_new"],
            "new_prev": before["review_new"],
            "new_yoy_pct": change_pct(now["review_new"], before["review_new"]),
            "concluded": now["review_concluded"],
            "corrected": now["review_corrected"],
            "correction_rate_pct": correction,
            "correction_rate_prev_pct": correction_prev,
            "correction_rate_change_pp": change_pp(correction, correction_prev),
        },
        "litigation": {
            "new": now["litigation_new"],
            "new_prev": before["litigation_new"],
            "new_yoy_pct": change_pct(now["litigation_new"], before["litigation_new"]),
            "concluded": now["litigation_concluded"],
            "lost": now["litigation_lost"],
            "loss_rate_pct": loss,
            "loss_rate_prev_pct": loss_prev,
            "loss_rate_change_pp": change_pp(loss, loss_prev),
        },
        "appearance": {
            "required": appearance["appearance_required"],
            "appeared": appearance["appearance_appeared"],
            "rate_pct": rate_pct(appearance["appearance_appeared"], appearance["appearance_required"]),
        },
        "mediation": {
            "concluded": mediation["mediation_concluded"],
            "succeeded": mediation["mediation_succeeded"],
            "success_rate_pct": rate_pct(mediation["mediation_succeeded"], mediation["mediation_concluded"]),
        },
    }
