"""The annual report (SPEC section 4): the figures of a year for the district and for every unit."""

from __future__ import annotations

from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.extensions import db
from casetrack.stats.queries import Period, figures, figures_by_unit


def annual_report(year: int) -> dict:
    period, previous = Period.year(year), Period.year(year - 1)
    report = {"year": year, **figures(period, previous)}
    per_unit = figures_by_unit(period, previous)
    units = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all()
    report["by_unit"] = [{"unit": name, **per_unit[unit_id]} for unit_id, name in units]
    return report
