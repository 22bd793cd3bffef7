from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from casetrack.extensions import db

#: unit_key of the district-wide row (unit ids start at 1).
DISTRICT = 0


class FigureSnapshot(db.Model):
    """The SPEC section 3 figures of one month, or of a year to the end of one month, for the district or one
    unit — as the monthly job last found them. Rewritten only when a figure changes, so a re-run changes nothing."""

    __tablename__ = "figure_snapshots"
    __table_args__ = (UniqueConstraint("scope", "year", "month", "unit_key", name="uq_figure_snapshots_period_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "month" (that month alone) or "ytd" (1 January to the end of that month).
    scope: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    #: The unit's id, or DISTRICT (0) for the whole district: a NULL could not take part in the unique key.
    unit_key: Mapped[int] = mapped_column(Integer)
    #: Set for unit rows so a deleted unit's snapshots go with it; NULL for the district row.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    #: stats.rules.shape_figures of the period: counts, rates, year-on-year changes (annual-report shape).
    figures: Mapped[dict] = mapped_column(JSON)
    #: When these figures were first found as they are now (not touched by a run that finds them unchanged).
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
