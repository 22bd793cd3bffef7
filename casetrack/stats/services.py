"""The monthly figures job (SPEC section 5): snapshot rows per month and year-to-date, district and every unit.

Every stored period is recomputed from the figure definitions on each run and a row is written only when its
figures differ, so a second run changes nothing and a late edit to an old case reaches every period it touches.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from casetrack.clock import utc_now
from casetrack.extensions import db
from casetrack.stats.models import DISTRICT, FigureSnapshot
from casetrack.stats.queries import Period, district_and_unit_figures
from casetrack.stats.rules import previous_month

log = logging.getLogger(__name__)


@dataclass
class SnapshotResult:
    periods: list[str] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"periods": self.periods, "written": self.written, "unchanged": self.unchanged}


def months_to_compute(year: int, month: int | None, today: date) -> list[int]:
    """--month M: that month alone (its year-to-date included); no month: every month of the year that has
    begun. A month that has not begun gets no snapshot: its rows would be zeros re-checked forever."""
    if month is not None:
        return [month] if (year, month) <= (today.year, today.month) else []
    if year > today.year:
        return []
    return list(range(1, (today.month if year == today.year else 12) + 1))


def compute_snapshots(year: int, months: list[int]) -> SnapshotResult:
    """Month and year-to-date snapshots of ``year`` for each of ``months``, district and every unit. Flushes."""
    result = SnapshotResult()
    for month in months:
        month_period = (Period.month(year, month), Period.month(year - 1, month))
        ytd_period = (
            Period(date(year, 1, 1), Period.month(year, month).end),
            Period(date(year - 1, 1, 1), Period.month(year - 1, month).end),
        )
        for scope, (period, previous) in (("month", month_period), ("ytd", ytd_period)):
            district, by_unit = district_and_unit_figures(period, previous)
            rows = {DISTRICT: district, **by_unit}
            _store(result, scope, year, month, rows)
            result.periods.append(f"{scope}:{year}-{month:02d}")
    db.session.flush()
    return result


def run_monthly_job(year: int | None, month: int | None, today: date) -> SnapshotResult:
    """What the beat job and `stats compute` run. No year: the previous month of ``today``. Then every earlier
    period already snapshotted is checked again, which is how a late edit to an old case is picked up."""
    if year is None:
        year, month = previous_month(today)
        months = list(range(1, month + 1))
    else:
        months = months_to_compute(year, month, today)
    result = compute_snapshots(year, months)
    done = {(year, m) for m in months}
    stored = db.session.execute(select(FigureSnapshot.year, FigureSnapshot.month).distinct()).all()
    for earlier_year in sorted({y for y, _ in stored}):
        again = sorted(m for y, m in stored if y == earlier_year and (y, m) not in done)
        if again:
            partial = compute_snapshots(earlier_year, again)
            result.periods += partial.periods
            result.written += partial.written
            result.unchanged += partial.unchanged
    log.info(
        "figure snapshots: %d written, %d unchanged over %d periods",
        result.written,
        result.unchanged,
        len(result.periods),
    )
    return result


def _store(result: SnapshotResult, scope: str, year: int, month: int, rows: dict[int, dict]) -> None:
    existing = {
        snapshot.unit_key: snapshot
        for snapshot in db.session.scalars(
            select(FigureSnapshot).where(
                FigureSnapshot.scope == scope, FigureSnapshot.year == year, FigureSnapshot.month == month
            )
        )
    }
    now = utc_now()
    for unit_key, shaped in rows.items():
        snapshot = existing.get(unit_key)
        if snapshot is None:
            db.session.add(
                FigureSnapshot(
                    scope=scope,
                    year=year,
                    month=month,
                    unit_key=unit_key,
                    unit_id=unit_key if unit_key != DISTRICT else None,
                    figures=shaped,
                    computed_at=now,
                )
            )
            result.written += 1
        elif snapshot.figures != shaped:
            snapshot.figures, snapshot.computed_at = shaped, now
            result.written += 1
        else:
            result.unchanged += 1


def stored_figures(scope: str, year: int, month: int, unit_id: int | None = None) -> dict | None:
    """A stored snapshot's figures, or None when the job has not computed that period yet."""
    return db.session.scalar(
        select(FigureSnapshot.figures).where(
            FigureSnapshot.scope == scope,
            FigureSnapshot.year == year,
            FigureSnapshot.month == month,
            FigureSnapshot.unit_key == (unit_id or DISTRICT),
        )
    )
