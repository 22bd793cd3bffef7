"""The figure definitions of SPEC section 3, as SQL aggregation — the one place they are written down.

Every report, dashboard, job and API asks here; nothing else counts cases for a figure.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, not_, or_, select

from casetrack.cases import kinds
from casetrack.cases.models import Case, CaseRespondent, outcome_counts_in
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.mediation.rules import COUNTED_STATUSES, SUCCEEDED


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def compared(cls, year: int, month: int | None, today: date) -> tuple[Period, Period]:
        """The period and its year-earlier twin, a running year or month stopping at today (rules.compared_days)."""
        from casetrack.stats.rules import compared_days

        start, end, previous_start, previous_end = compared_days(year, month, today)
        return cls(start, end), cls(previous_start, previous_end)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        from casetrack.stats.rules import month_end

        return cls(date(year, month, 1), month_end(year, month))


def _district_or_units(stmt, unit_column, unit_id: int | None, by_unit: bool, group=None, among=None):
    """Run a figure SELECT for the district, for one unit, grouped per unit ({unit_id: counts}) or by another
    ``group`` expression ({key: counts}); ``among`` keeps the units of a collection only (what the kept figures
    recompute after a change, stats.kept)."""
    if unit_id is not None:
        stmt = stmt.where(unit_column == unit_id)
    if among is not None:
        from casetrack.bulk import among as in_list

        stmt = stmt.where(in_list(unit_column, sorted(among)))
    group = unit_column if by_unit else group
    if group is None:
        return dict(db.session.execute(stmt).mappings().one())
    stmt = stmt.add_columns(group.label("group_key")).group_by(group)
    return {
        _key(row["group_key"]): {k: v for k, v in row.items() if k != "group_key"}
        for row in db.session.execute(stmt).mappings()
    }


def _key(value):
    # PostgreSQL's EXTRACT answers a numeric (Decimal); months and unit ids are plain ints everywhere else. A code
    # (a suggestion's type) stays as it is.
    if value is None or isinstance(value, str):
        return value
    return int(value)


def _month(column):
    return func.extract("month", column)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _added(first, second, nested: bool):
    """Two results of _district_or_units added up: one mapping each, or {key: mapping} when ``nested``."""
    if not nested:
        return {key: int(first[key] or 0) + int(second.get(key) or 0) for key in first}
    result = {key: dict(counts) for key, counts in first.items()}
    for key, counts in second.items():
        if key in result:
            result[key] = _added(result[key], counts, nested=False)
        else:
            result[key] = dict(counts)
    return result


def _with_co_respondents(stmt, unit_id: int | None, by_unit: bool, main, group=None):
    """SPEC section 3: a case with co-defendants (共同被告) counts once for the district and once for each of its
    respondent units. ``main`` is the figure SELECT's result by the main respondent (cases.respondent_unit_id);
    for one unit or per unit, the same SELECT joined to case_respondents adds the cases the unit answers for as
    co-defendant. Units without co-defendant cases add nothing, and the district's SELECT is unchanged (so are its
    plan and the golden figures)."""
    if unit_id is None and not by_unit:
        return main
    co = _district_or_units(
        stmt.join(CaseRespondent, CaseRespondent.case_id == Case.id), CaseRespondent.unit_id, unit_id, by_unit, group
    )
    return _added(main, co, nested=by_unit or group is not None)


def case_counts(period: Period, unit_id: int | None = None, by_unit: bool = False, co_respondents: bool = True):
    """The case sections' counts (stats.figures: review, litigation, compensation) for the period, in one scan
    (and one more over the co-defendants for a unit or per unit; ``co_respondents`` False leaves it out).

    Returns one mapping, or {unit_id: mapping} when ``by_unit``."""
    stmt = _case_counts_select(period)
    main = _district_or_units(stmt, Case.respondent_unit_id, unit_id, by_unit)
    return _with_co_respondents(stmt, unit_id, by_unit, main) if co_respondents else main


def _case_count_columns(period: Period) -> list[tuple[str, str, object]]:
    """(label, the date the count belongs to, expression): each case count of the figure registry, its SQL here."""
    received = Case.received_on.between(period.start, period.end)
    concluded = Case.concluded_on.between(period.start, period.end)
    review, compensation = Case.kind == kinds.REVIEW, Case.kind == kinds.COMPENSATION
    # SPEC section 3: litigation figures count first-instance cases only; a second instance is the same dispute.
    first_instance = and_(Case.kind == kinds.LITIGATION, Case.instance == kinds.FIRST_INSTANCE)
    granted_in_period = and_(Case.is_granted, concluded)
    # 复议后起诉: a review concluded in the period that a lawsuit names as the review it follows.
    # (Table aliases, not ORM ones: this runs at import, before every mapper is configured.)
    later, earlier = Case.__table__.alias("later_case"), Case.__table__.alias("earlier_case")
    sued_after = exists().where(later.c.related_case_id == Case.id, later.c.related_relation == "after_review")
    # Counted on the 二审 (concluded in the period) whose first instance was lost: an appeal decided this period.
    appeal_of_loss = and_(
        Case.kind == kinds.LITIGATION,
        Case.related_relation == "appeal",
        exists().where(earlier.c.id == Case.related_case_id, outcome_counts_in(earlier.c, "lost")),
    )
    return [
        ("review_new", "received", _count(and_(review, received))),
        ("review_concluded", "concluded", _count(and_(review, concluded))),
        ("review_corrected", "concluded", _count(and_(Case.is_corrected, concluded))),
        ("litigation_new", "received", _count(and_(first_instance, received))),
        ("litigation_concluded", "concluded", _count(and_(first_instance, concluded))),
        ("litigation_lost", "concluded", _count(and_(first_instance, Case.is_lost, concluded))),
        ("linked_cases_reviews_concluded", "concluded", _count(and_(review, concluded))),
        ("linked_cases_sued_after", "concluded", _count(and_(review, concluded, sued_after))),
        ("linked_cases_appeals_concluded", "concluded", _count(and_(appeal_of_loss, concluded))),
        ("linked_cases_reversed_on_appeal", "concluded", _count(and_(appeal_of_loss, concluded, not_(Case.is_lost)))),
        ("compensation_new", "received", _count(and_(compensation, received))),
        ("compensation_concluded", "concluded", _count(and_(compensation, concluded))),
        ("compensation_granted", "concluded", _count(granted_in_period)),
        (
            "compensation_amount_granted",
            "concluded",
            func.coalesce(func.sum(case((granted_in_period, Case.amount_granted_fen), else_=0)), 0),
        ),
    ]


def _case_counts_select(period: Period):
    received = Case.received_on.between(period.start, period.end)
    concluded = Case.concluded_on.between(period.start, period.end)
    columns = [expression.label(label) for label, _, expression in _case_count_columns(period)]
    return select(*columns).where(or_(received, concluded))


_EVERY_DAY = Period(date.min, date.max)
#: Counts that belong to the month a case was received in, and to the month it was concluded in.
_RECEIVED_KEYS = tuple(label for label, dated, _ in _case_count_columns(_EVERY_DAY) if dated == "received")
_CONCLUDED_KEYS = tuple(label for label, dated, _ in _case_count_columns(_EVERY_DAY) if dated == "concluded")


def case_counts_by_month(year: int, unit_id: int | None = None) -> dict[int, dict]:
    """case_counts() of each month of a year, {month: mapping}, from one scan: the year's counts grouped by
    (month received, month concluded), each count then credited to the month its own date falls in."""
    stmt = _case_counts_select(Period.year(year))
    received_month, concluded_month = _month(Case.received_on), _month(Case.concluded_on)
    stmt = stmt.add_columns(received_month.label("received_month"), concluded_month.label("concluded_month")).group_by(
        received_month, concluded_month
    )
    statements = [stmt]
    if unit_id is not None:
        # The unit's own cases, and (SPEC section 3) those it answers for as co-defendant.
        co = stmt.join(CaseRespondent, CaseRespondent.case_id == Case.id).where(CaseRespondent.unit_id == unit_id)
        statements = [stmt.where(Case.respondent_unit_id == unit_id), co]
    months = {month: dict(_ZERO_CASES) for month in range(1, 13)}
    for statement in statements:
        for row in db.session.execute(statement).mappings():
            for keys, month in ((_RECEIVED_KEYS, row["received_month"]), (_CONCLUDED_KEYS, row["concluded_month"])):
                for key in keys:
                    if row[key]:  # a count is only non-zero when its own date lies in the year, so month is set
                        months[int(month)][key] += int(row[key])
    return months


def appearance_counts(
    period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False, co_respondents=True
):
    """appearance.required: litigation cases with at least one hearing in the period (any instance — a second
    instance is its own case); appearance.appeared: of those, a head appeared at one or more of those hearings.
    Only hearings already held count: one scheduled for next week is not yet a hearing nobody appeared at.
    ``by_month``: {month: mapping}, a case counted in each month it had a hearing in.

    Whose head: the district and the main respondent count the main respondent's record (the hearing's own); a
    co-defendant unit counts the case as required too, appeared when its own head did (hearing_appearances)."""
    main = _appearance_counts_of_main(period, unit_id, by_unit, by_month)
    if not co_respondents or (unit_id is None and not by_unit):
        return main
    return _added(main, _appearance_counts_of_co(period, unit_id, by_unit, by_month), nested=by_unit or by_month)


def _appearance_counts_of_co(period: Period, unit_id: int | None, by_unit: bool, by_month: bool, among=None):
    from casetrack.hearings.models import Hearing, HearingAppearance

    in_period = Hearing.held_on.between(period.start, min(period.end, local_today()))
    own_record = and_(HearingAppearance.hearing_id == Hearing.id, HearingAppearance.unit_id == CaseRespondent.unit_id)
    per_case = (
        select(
            Hearing.case_id.label("case_id"),
            CaseRespondent.unit_id.label("unit_id"),
            func.max(case((HearingAppearance.appeared.is_(True), 1), else_=0)).label("appeared"),
        )
        .join(CaseRespondent, CaseRespondent.case_id == Hearing.case_id)
        .outerjoin(HearingAppearance, own_record)
        .where(in_period)
    )
    groups = [Hearing.case_id, CaseRespondent.unit_id]
    if by_month:
        month = _month(Hearing.held_on)
        per_case = per_case.add_columns(month.label("month"))
        groups.append(month)
    per_case = per_case.group_by(*groups).subquery()
    stmt = (
        select(
            func.count(per_case.c.case_id).label("appearance_required"),
            func.coalesce(func.sum(per_case.c.appeared), 0).label("appearance_appeared"),
        )
        .select_from(per_case.join(Case, Case.id == per_case.c.case_id))
        .where(Case.kind.in_(kinds.HEARING_KINDS))
    )
    group = per_case.c.month if by_month else None
    return _district_or_units(stmt, per_case.c.unit_id, unit_id, by_unit, group, among)


def _held_once_per_case(
    held_on, case_id, flag, case_kinds, labels: tuple[str, str], period: Period, unit_id, by_unit, by_month, among=None
):
    """Cases of ``case_kinds`` with at least one sitting (``held_on``, already held) in the period, and of those the
    ones where ``flag`` was true at one or more of them: the shape of the appearance rate and of the 听证 rate, each
    case counted once. ``labels`` names the two counts."""
    in_period = held_on.between(period.start, min(period.end, local_today()))
    per_case = select(case_id.label("case_id"), func.max(case((flag.is_(True), 1), else_=0)).label("flag")).where(
        in_period
    )
    if by_month:
        month = _month(held_on)
        per_case = per_case.add_columns(month.label("month")).group_by(case_id, month).subquery()
    else:
        per_case = per_case.group_by(case_id).subquery()
    required, flagged = labels
    stmt = (
        select(
            func.count(per_case.c.case_id).label(required),
            func.coalesce(func.sum(per_case.c.flag), 0).label(flagged),
        )
        .select_from(per_case.join(Case, Case.id == per_case.c.case_id))
        .where(Case.kind.in_(case_kinds))
    )
    group = per_case.c.month if by_month else None
    return _district_or_units(stmt, Case.respondent_unit_id, unit_id, by_unit, group, among)


def _appearance_counts_of_main(period: Period, unit_id: int | None, by_unit: bool, by_month: bool, among=None):
    from casetrack.hearings.models import Hearing

    return _held_once_per_case(
        Hearing.held_on,
        Hearing.case_id,
        Hearing.appeared,
        kinds.HEARING_KINDS,
        ("appearance_required", "appearance_appeared"),
        period,
        unit_id,
        by_unit,
        by_month,
        among,
    )


def review_hearing_counts(
    period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False, among=None
):
    """review_hearing.required: review cases with at least one 听证 held in the period; review_hearing.attended: of
    those, the respondent's head attended one or more of them (行政复议法 Art. 51). Counted once per case, as the
    court appearance figures are, and never mixed into them. Only 听证 already held count."""
    from casetrack.review_hearings.models import ReviewHearing

    return _held_once_per_case(
        ReviewHearing.held_on,
        ReviewHearing.case_id,
        ReviewHearing.head_attended,
        kinds.REVIEW_HEARING_KINDS,
        ("review_hearing_required", "review_hearing_attended"),
        period,
        unit_id,
        by_unit,
        by_month,
        among,
    )


def mediation_counts(
    period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False, among=None
):
    """mediation.concluded: succeeded or failed with concluded_on in the period (withdrawn ones do not count);
    mediation.succeeded: of those, succeeded. ``by_month``: {month: mapping}."""
    from casetrack.mediation.models import Mediation

    # Status is counted, not filtered: with only the date in WHERE, SQLite (no statistics) takes the
    # concluded-date index instead of reading every concluded mediation of every year by status.
    stmt = select(
        _count(Mediation.status.in_(COUNTED_STATUSES)).label("mediation_concluded"),
        _count(Mediation.status == SUCCEEDED).label("mediation_succeeded"),
    ).where(Mediation.concluded_on.between(period.start, period.end))
    group = _month(Mediation.concluded_on) if by_month else None
    return _district_or_units(stmt, Mediation.respondent_unit_id, unit_id, by_unit, group, among)


# --- the counts a figure is shaped from, and where they are read ---------------------------------------------
#
# The counts fall in four families, each dated by its own column: a case's (received and concluded, with the
# reasons coded on the cases lost or corrected), a hearing's or 听证's, a mediation's, and the closing-the-loop
# tables'. The first three are kept per unit and month by stats.kept; the fourth is small and always read live.

_ZERO_CASES = dict.fromkeys((*_RECEIVED_KEYS, *_CONCLUDED_KEYS), 0)
_ZERO_APPEARANCE = {"appearance_required": 0, "appearance_appeared": 0}
_ZERO_REVIEW_HEARING = {"review_hearing_required": 0, "review_hearing_attended": 0}
_ZERO_MEDIATION = {"mediation_concluded": 0, "mediation_succeeded": 0}


def _zero(labels) -> dict:
    return dict.fromkeys(labels, 0)


def _reason_zeros() -> dict:
    from casetrack.stats.figures import REASON_CODES

    return _zero(("adverse_reasons_adverse", "adverse_reasons_coded", *(f"adverse_reasons_{c}" for c in REASON_CODES)))


def family_zeros() -> dict[str, dict]:
    """{family: its counts at zero}: what stats.kept keeps for a unit and a month (or a year)."""
    return {
        "cases": {**_ZERO_CASES, **_reason_zeros()},
        "hearings": {**_ZERO_APPEARANCE, **_ZERO_REVIEW_HEARING},
        "mediations": dict(_ZERO_MEDIATION),
    }


def kept_zeros() -> dict:
    """Every count of the three kept families at zero."""
    return {key: 0 for zeros in family_zeros().values() for key in zeros}


def _loop_zeros() -> dict:
    return _zero(
        (
            "suggestions_received",
            "suggestions_replied",
            "suggestions_replied_on_time",
            "suggestions_rectified",
            "rectification_due",
            "rectification_done_on_time",
        )
    )


def _filled(zero: dict, *found: dict) -> dict:
    """``zero`` with the counts of each mapping in ``found`` put in (as ints; PostgreSQL's SUM answers Decimal)."""
    result = dict(zero)
    for counts in found:
        result.update({key: int(value or 0) for key, value in counts.items()})
    return result


def _per_unit(zero: dict, *found: dict[int, dict]) -> dict[int, dict]:
    units = set().union(*found)
    return {unit: _filled(zero, *(counts.get(unit, {}) for counts in found)) for unit in units}


def family_counts_per_unit(family: str, period: Period, among=None) -> tuple[dict[int, dict], dict[int, dict]]:
    """One family's counts for the period per unit, (as main respondent, as co-defendant): the definitions above,
    grouped as stats.kept stores them. ``among``: only these units."""
    zero = family_zeros()[family]
    if family == "cases":
        stmt = _case_counts_select(period)
        main = _district_or_units(stmt, Case.respondent_unit_id, None, True, among=among)
        co_stmt = stmt.join(CaseRespondent, CaseRespondent.case_id == Case.id)
        co = _district_or_units(co_stmt, CaseRespondent.unit_id, None, True, among=among)
        return _per_unit(zero, main, reason_counts(period, by_unit=True, among=among)), _per_unit(zero, co)
    if family == "hearings":
        main = _per_unit(
            zero,
            _appearance_counts_of_main(period, None, True, False, among),
            review_hearing_counts(period, by_unit=True, among=among),
        )
        return main, _per_unit(zero, _appearance_counts_of_co(period, None, True, False, among))
    return _per_unit(zero, mediation_counts(period, by_unit=True, among=among)), {}


@functools.cache
def case_columns_counted() -> frozenset[str]:
    """The cases table's columns a kept count reads (those of the case counts' SELECT, with the respondent unit
    every family groups by): a change to any other column of a case changes no kept count."""
    from sqlalchemy.sql import visitors

    names = {Case.respondent_unit_id.key, Case.kind.key}
    for element in visitors.iterate(_case_counts_select(_EVERY_DAY)):
        table = getattr(element, "table", None)
        if table is not None and (table is Case.__table__ or getattr(table, "element", None) is Case.__table__):
            names.add(element.name)
    return frozenset(names)


def family_counts_per_unit_and_month(
    family: str, period: Period, among=None, rows=None
) -> tuple[dict[tuple[int, date], dict], dict[tuple[int, date], dict]]:
    """family_counts_per_unit of every month in the period from one grouped scan, {(unit, first of month): counts}
    as main respondent and as co-defendant: what stats.kept recounts after an import that touched many months.
    The cases' and the mediations' families only: a case counts once a period in the hearings' family. ``among``:
    only these units; ``rows``: only these cases (or mediations), by id — what new ones add to the counts."""
    from casetrack.bulk import among as in_list
    from casetrack.mediation.models import Mediation

    zero = family_zeros()[family]
    main: dict[tuple[int, date], dict] = {}
    co: dict[tuple[int, date], dict] = {}

    def credit(target, unit_id, year, month, counts, keys):
        if year is None or not any(counts[key] for key in keys):
            return
        bucket = target.setdefault((unit_id, date(int(year), int(month), 1)), dict(zero))
        for key in keys:
            bucket[key] += int(counts[key] or 0)

    def grouped(stmt, unit_column, dated, id_column=Case.id):
        if among is not None:
            stmt = stmt.where(in_list(unit_column, sorted(among)))
        groups = [unit_column.label("unit_key")]
        for name, column in dated:
            groups += [func.extract("year", column).label(f"{name}_year"), _month(column).label(f"{name}_month")]
        stmt = stmt.add_columns(*groups).group_by(*(g.element for g in groups))
        if rows is None:
            yield from db.session.execute(stmt).mappings()
            return
        # A thousand rows a statement: for more, PostgreSQL hashes every case the linked counts might name (a scan
        # of the table, 1 s at a million cases) instead of looking up the few each row names.
        ordered = sorted(rows)
        for start in range(0, len(ordered), _ROWS_A_STATEMENT):
            chunk = ordered[start : start + _ROWS_A_STATEMENT]
            yield from db.session.execute(stmt.where(in_list(id_column, chunk))).mappings()

    if family == "mediations":
        stmt = select(
            _count(Mediation.status.in_(COUNTED_STATUSES)).label("mediation_concluded"),
            _count(Mediation.status == SUCCEEDED).label("mediation_succeeded"),
        ).where(Mediation.concluded_on.between(period.start, period.end))
        for row in grouped(stmt, Mediation.respondent_unit_id, [("concluded", Mediation.concluded_on)], Mediation.id):
            credit(main, row["unit_key"], row["concluded_year"], row["concluded_month"], row, tuple(zero))
        return main, co
    dated = [("received", Case.received_on), ("concluded", Case.concluded_on)]
    for target, stmt, unit_column in (
        (main, _case_counts_select(period), Case.respondent_unit_id),
        (
            co,
            _case_counts_select(period).join(CaseRespondent, CaseRespondent.case_id == Case.id),
            CaseRespondent.unit_id,
        ),
    ):
        for row in grouped(stmt, unit_column, dated):
            credit(target, row["unit_key"], row["received_year"], row["received_month"], row, _RECEIVED_KEYS)
            credit(target, row["unit_key"], row["concluded_year"], row["concluded_month"], row, _CONCLUDED_KEYS)
    reason_keys = tuple(_reason_zeros())
    for row in grouped(_reason_select(period), Case.respondent_unit_id, [("concluded", Case.concluded_on)]):
        credit(main, row["unit_key"], row["concluded_year"], row["concluded_month"], row, reason_keys)
    return main, co


_ROWS_A_STATEMENT = 1000


class LiveCounts:
    """The kept families' counts read straight from the tables. stats.kept.KeptCounts answers the same questions
    from its aggregates, and a test holds the two equal."""

    def of(self, period: Period, unit_id: int | None = None) -> dict:
        """Every kept count for the district, or for one unit (its own cases and those it answers for as
        co-defendant)."""
        return _filled(
            kept_zeros(),
            case_counts(period, unit_id),
            appearance_counts(period, unit_id),
            review_hearing_counts(period, unit_id),
            mediation_counts(period, unit_id),
            reason_counts(period, unit_id),
        )

    def cases_of(self, period: Period, unit_id: int | None = None) -> dict:
        return _filled(_ZERO_CASES, case_counts(period, unit_id))

    def per_unit(self, period: Period) -> tuple[dict[int, dict], dict[int, dict]]:
        """({unit: counts as main respondent}, {unit: counts as co-defendant}) of every kept count."""
        main, co = {}, {}
        for family in family_zeros():
            family_main, family_co = family_counts_per_unit(family, period)
            main, co = _per_unit(kept_zeros(), main, family_main), _per_unit(kept_zeros(), co, family_co)
        return main, co

    def cases_per_unit(self, period: Period) -> tuple[dict[int, dict], dict[int, dict]]:
        stmt = _case_counts_select(period)
        main = _district_or_units(stmt, Case.respondent_unit_id, None, True)
        co = _district_or_units(
            stmt.join(CaseRespondent, CaseRespondent.case_id == Case.id), CaseRespondent.unit_id, None, True
        )
        return _per_unit(_ZERO_CASES, main), _per_unit(_ZERO_CASES, co)

    def by_month(self, year: int, unit_id: int | None = None) -> dict[int, dict]:
        """{month: every kept count of that month}, January to December."""
        whole = Period.year(year)
        cases = case_counts_by_month(year, unit_id)
        appearance = appearance_counts(whole, unit_id, by_month=True)
        review_hearing = review_hearing_counts(whole, unit_id, by_month=True)
        mediation = mediation_counts(whole, unit_id, by_month=True)
        reasons = reason_counts(whole, unit_id, by_month=True)
        return {
            month: _filled(
                kept_zeros(),
                cases[month],
                appearance.get(month, {}),
                review_hearing.get(month, {}),
                mediation.get(month, {}),
                reasons.get(month, {}),
            )
            for month in range(1, 13)
        }

    def cases_by_month(self, year: int, unit_id: int | None = None) -> dict[int, dict]:
        return case_counts_by_month(year, unit_id)


LIVE = LiveCounts()


def figures(period: Period, previous: Period, unit_id: int | None = None, source=LIVE) -> dict:
    """Every SPEC section 3 figure for a period and the same period a year earlier, for the district or one unit,
    in the annual-report shape (counts, rates as percentages half-up to 2 decimals, year-on-year % and
    percentage-point changes; None for a zero denominator). ``source``: where the kept families' counts are read
    (LIVE, or stats.kept.KEPT for what pages open often)."""
    from casetrack.stats.rules import shape_figures

    now = {**source.of(period, unit_id), **_loop_of(period, unit_id)}
    return shape_figures(now, source.cases_of(previous, unit_id))


def figures_by_unit(period: Period, previous: Period, source=LIVE) -> dict[int, dict]:
    """figures() for every unit at once — grouped scans instead of a few per unit. Units without any case,
    hearing or mediation in either period get all-zero counts and no rates."""
    return district_and_unit_figures(period, previous, source)[1]


def district_and_unit_figures(period: Period, previous: Period, source=LIVE) -> tuple[dict, dict[int, dict]]:
    """figures() for the district and for every unit from the same grouped counts: every case and mediation has
    exactly one main respondent unit, so the district's counts are the sum of its units' by main respondent; a
    unit's own counts add the cases it answers for as co-defendant (SPEC section 3), which is why units may add
    up to more than the district."""
    from casetrack.accounts.models import Unit
    from casetrack.stats.rules import shape_figures

    main_now, co_now = source.per_unit(period)
    main_before, co_before = source.cases_per_unit(previous)
    loop = _loop_per_unit(period)
    district = shape_figures(
        # A suggestion addressed to several units counts once for the district: its own count, not the sum.
        {**_summed(main_now, kept_zeros()), **_loop_of(period)},
        _summed(main_before, _ZERO_CASES),
    )
    by_unit = {}
    for unit_id in db.session.scalars(select(Unit.id)).all():
        now = _added(main_now.get(unit_id, kept_zeros()), co_now.get(unit_id, {}), nested=False)
        before = _added(main_before.get(unit_id, _ZERO_CASES), co_before.get(unit_id, {}), nested=False)
        by_unit[unit_id] = shape_figures({**now, **loop.get(unit_id, _loop_zeros())}, before)
    return district, by_unit


def _summed(per_unit: dict[int, dict], zero: dict) -> dict:
    return {key: sum(int(counts.get(key) or 0) for counts in per_unit.values()) for key in zero}


def monthly_figures(year: int, unit_id: int | None = None, through_month: int = 12, source=LIVE) -> list[dict]:
    """figures() for each month of a year (each against the same month a year earlier), for trend charts — the
    same counts grouped by month: a few statements instead of a few per month."""
    from casetrack.stats.rules import shape_figures

    now, before = source.by_month(year, unit_id), source.cases_by_month(year - 1, unit_id)
    loop = _loop_by_month(year, unit_id)
    return [
        {"month": month, **shape_figures({**now[month], **loop.get(month, _loop_zeros())}, before[month])}
        for month in range(1, through_month + 1)
    ]


def trend_to(year: int, through: date, unit_id: int | None = None, source=LIVE) -> list[dict]:
    """The months of a year up to ``through``: whole months from monthly_figures, and, when ``through`` falls
    inside a month, that month cut at ``through`` and compared with the same days a year earlier — so the months
    add up to the headline figures of the same days."""
    if through < date(year, 1, 1):
        return []
    if through >= date(year, 12, 31):
        return monthly_figures(year, unit_id, source=source)
    from casetrack.stats.rules import is_month_end

    month_ends = is_month_end(through)
    months = monthly_figures(
        year, unit_id, through_month=through.month if month_ends else through.month - 1, source=source
    )
    if not month_ends:
        months.append(
            {"month": through.month, **figures(*Period.compared(year, through.month, through), unit_id, source)}
        )
    return months


def years_with_data(today: date | None = None) -> list[int]:
    """The years a year menu offers, latest first: from the first year a case was received, a hearing held or a
    mediation received, to the running year, which is always offered (an empty database offers it alone). A year
    after it has no figures yet, whatever is dated in it (a hearing set for next January); nothing is concluded
    before it was received (cases.rules), so the concluded dates begin no earlier year.

    One statement of three MIN()s, each the first entry of an index on its date (ix_cases_received,
    ix_hearings_held_case, ix_mediations_received): as fast at a million cases as at ten, where a DISTINCT over the
    years would read every row."""
    from casetrack.hearings.models import Hearing
    from casetrack.mediation.models import Mediation

    this_year = (today or local_today()).year
    firsts = db.session.execute(
        select(
            *(
                select(func.min(column)).scalar_subquery()
                for column in (Case.received_on, Hearing.held_on, Mediation.received_on)
            )
        )
    ).one()
    first = min((day.year for day in firsts if day is not None), default=this_year)
    return list(range(this_year, min(first, this_year) - 1, -1))


# --- closing the loop (issue 14) ------------------------------------------------------------------------------


def suggestion_counts(
    period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False, by_type: bool = False
):
    """suggestions.received: 司法建议, 检察建议 and 复议意见书/建议书 received in the period; of those, replied (a reply
    sent), replied_on_time (sent by the day it was due) and rectified (the legal bureau accepted the rectification).
    Counted by the day received. A suggestion addressed to several units counts once for the district and once for
    each unit. ``by_type``: {type: mapping}."""
    from casetrack.suggestions.models import Suggestion, suggestion_units

    stmt = select(
        func.count(Suggestion.id).label("suggestions_received"),
        _count(Suggestion.replied_on.is_not(None)).label("suggestions_replied"),
        _count(Suggestion.replied_on <= Suggestion.reply_due_on).label("suggestions_replied_on_time"),
        _count(Suggestion.state == "rectified").label("suggestions_rectified"),
    ).where(Suggestion.received_on.between(period.start, period.end))
    group = _month(Suggestion.received_on) if by_month else (Suggestion.kind if by_type else None)
    if unit_id is None and not by_unit:
        return _district_or_units(stmt, None, None, False, group)
    stmt = stmt.join(suggestion_units, suggestion_units.c.suggestion_id == Suggestion.id)
    return _district_or_units(stmt, suggestion_units.c.unit_id, unit_id, by_unit, group)


def rectification_counts(period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False):
    """rectification.due: items (after a correction or a loss) due in the period that still stand (cancelled ones,
    whose outcome was reversed, do not count); done_on_time: of those, done on or before the day due."""
    from casetrack.rectification.models import RectificationItem

    stmt = select(
        func.count(RectificationItem.id).label("rectification_due"),
        _count(RectificationItem.done_on <= RectificationItem.due_on).label("rectification_done_on_time"),
    ).where(RectificationItem.due_on.between(period.start, period.end), RectificationItem.state != "cancelled")
    group = _month(RectificationItem.due_on) if by_month else None
    return _district_or_units(stmt, RectificationItem.unit_id, unit_id, by_unit, group)


def adverse_cases(period: Period):
    """The corrected reviews and lost first instances concluded in the period: the cases the correction and loss
    rates count (SPEC section 3), which the class-case analysis explains."""
    first_instance_loss = and_(Case.kind == kinds.LITIGATION, Case.instance == kinds.FIRST_INSTANCE, Case.is_lost)
    return and_(Case.concluded_on.between(period.start, period.end), or_(Case.is_corrected, first_instance_loss))


def reason_counts(
    period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False, among=None
):
    """adverse_reasons.adverse: the period's corrected and lost cases (adverse_cases); coded: of those, the legal
    bureau gave one or more reasons; and per reason of stats.figures.REASON_CODES, the cases citing it (one case
    may cite several, so the shares may add up to more than 100 %). Counted for the main respondent unit.

    The codings are gathered first, one row per coded case with a flag per reason, and joined to the cases once:
    an EXISTS per reason and case probed the codings eight times for each of a year's corrected and lost cases
    (0.2–0.4 s at a million cases)."""
    group = _month(Case.concluded_on) if by_month else None
    return _district_or_units(_reason_select(period), Case.respondent_unit_id, unit_id, by_unit, group, among)


def _reason_select(period: Period):
    from casetrack.rectification.models import AdverseReason, CaseAdverseReason
    from casetrack.stats.figures import REASON_CODES

    def cites(code: str):
        if code == "other":
            # A reason the legal bureau added to the list counts as "other" here.
            return or_(AdverseReason.code == code, AdverseReason.code.like("custom\\_%", escape="\\"))
        return AdverseReason.code == code

    codings = (
        select(
            CaseAdverseReason.case_id.label("case_id"),
            *(func.max(case((cites(code), 1), else_=0)).label(code) for code in REASON_CODES),
        )
        .join(AdverseReason, AdverseReason.id == CaseAdverseReason.reason_id)
        .group_by(CaseAdverseReason.case_id)
        .subquery("codings")
    )
    stmt = (
        select(
            func.count(Case.id).label("adverse_reasons_adverse"),
            func.count(codings.c.case_id).label("adverse_reasons_coded"),
            *(func.coalesce(func.sum(codings.c[code]), 0).label(f"adverse_reasons_{code}") for code in REASON_CODES),
        )
        .select_from(Case)
        .outerjoin(codings, codings.c.case_id == Case.id)
        .where(adverse_cases(period))
    )
    return stmt


def _loop_of(period: Period, unit_id: int | None = None) -> dict:
    """The suggestions' and rectification's counts (read live: those tables are small)."""
    return _filled(_loop_zeros(), suggestion_counts(period, unit_id), rectification_counts(period, unit_id))


def _loop_per_unit(period: Period) -> dict[int, dict]:
    return _per_unit(_loop_zeros(), suggestion_counts(period, by_unit=True), rectification_counts(period, by_unit=True))


def _loop_by_month(year: int, unit_id: int | None) -> dict[int, dict]:
    whole = Period.year(year)
    return _per_unit(
        _loop_zeros(),
        suggestion_counts(whole, unit_id, by_month=True),
        rectification_counts(whole, unit_id, by_month=True),
    )
