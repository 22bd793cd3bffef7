from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    func,
)
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


#: The counts a FigureBucket keeps, named as stats.queries labels them (a test holds this equal to
#: stats.queries.kept_zeros(): a count added to the definitions needs its column here and in a migration).
BUCKET_COUNTS = (
    "review_new",
    "litigation_new",
    "compensation_new",
    "review_concluded",
    "review_corrected",
    "litigation_concluded",
    "litigation_lost",
    "linked_cases_reviews_concluded",
    "linked_cases_sued_after",
    "linked_cases_appeals_concluded",
    "linked_cases_reversed_on_appeal",
    "compensation_concluded",
    "compensation_granted",
    "compensation_amount_granted",
    "adverse_reasons_adverse",
    "adverse_reasons_coded",
    "adverse_reasons_facts_unclear",
    "adverse_reasons_procedure",
    "adverse_reasons_wrong_law",
    "adverse_reasons_beyond_authority",
    "adverse_reasons_clearly_improper",
    "adverse_reasons_inaction",
    "adverse_reasons_other",
    "appearance_required",
    "appearance_appeared",
    "review_hearing_required",
    "review_hearing_attended",
    "mediation_concluded",
    "mediation_succeeded",
)


class FigureBucket(db.Model):
    """The kept counts of one unit for one month (every family) or one year (the hearings' family only, whose
    cases count once a period however many sittings they had): stats.queries' definitions applied to that unit
    and period, kept current by stats.kept in the transaction of every change. ``role`` "main" holds what the
    unit counts as main respondent (the district is their sum), "co" what it adds as co-defendant."""

    __table__ = Table(
        "figure_buckets",
        db.metadata,
        Column("id", Integer, primary_key=True),
        #: "month" | "year".
        Column("scope", String(8), nullable=False),
        #: The first day of the month or year.
        Column("starts_on", Date, nullable=False),
        Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
        #: "main" | "co".
        Column("role", String(4), nullable=False),
        #: The day the hearings' counts were last computed: a sitting counts once held, so an open period's counts
        #: hold for that day only (stats.kept reads them live otherwise).
        Column("hearings_as_of", Date),
        *(Column(name, BigInteger, nullable=False, default=0, server_default="0") for name in BUCKET_COUNTS),
        UniqueConstraint("scope", "starts_on", "unit_id", "role", name="uq_figure_buckets_key"),
    )


class FigureBucketState(db.Model):
    """One row once the buckets are built: which definitions they were built from, and the last day the open
    periods' hearing counts were all brought up to date. No row, or another fingerprint: the buckets are not read."""

    __tablename__ = "figure_bucket_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stats.kept.fingerprint() of the definitions the buckets hold.
    fingerprint: Mapped[str] = mapped_column(String(64))
    hearings_as_of: Mapped[date] = mapped_column(Date)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
