"""The figure definitions of SPEC section 3, as SQL aggregation — the one place they are written down.

Every report, dashboard, job and API asks here; nothing else counts cases for a figure.
"""

from __future__ import annotations

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


def _district_or_units(stmt, unit_column, unit_id: int | None, by_unit: bool, group=None):
    """Run a figure SELECT for the district, for one unit, grouped per unit ({unit_id: counts}) or by another
    ``group`` expression ({key: counts})."""
    if unit_id is not None:
        stmt = stmt.where(unit_column == unit_id)
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


def _appearance_counts_of_co(period: Period, unit_id: int | None, by_unit: bool, by_month: bool):
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
    return _district_or_units(stmt, per_case.c.unit_id, unit_id, by_unit, group)


def _held_once_per_case(
    held_on, case_id, flag, case_kinds, labels: tuple[str, str], period: Period, unit_id, by_unit, by_month
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
    return _district_or_units(stmt, Case.respondent_unit_id, unit_id, by_unit, group)


def _appearance_counts_of_main(period: Period, unit_id: int | None, by_unit: bool, by_month: bool):
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
    )


def review_hearing_counts(period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False):
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
    )


def mediation_counts(period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False):
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
    return _district_or_units(stmt, Mediation.respondent_unit_id, unit_id, by_unit, group)


def figures(period: Period, previous: Period, unit_id: int | None = None) -> dict:
    """Every SPEC section 3 figure for a period and the same period a year earlier, for the district or one unit,
    in the annual-report shape (counts, rates as percentages half-up to 2 decimals, year-on-year % and
    percentage-point changes; None for a zero denominator)."""
    from casetrack.stats.rules import shape_figures

    now = {
        **case_counts(period, unit_id),
        **appearance_counts(period, unit_id),
        **review_hearing_counts(period, unit_id),
        **mediation_counts(period, unit_id),
        **loop_counts(period, unit_id),
    }
    return shape_figures(now, case_counts(previous, unit_id))


def figures_by_unit(period: Period, previous: Period) -> dict[int, dict]:
    """figures() for every unit at once — four grouped scans instead of four per unit. Units without any
    case, hearing or mediation in either period get all-zero counts and no rates."""
    return district_and_unit_figures(period, previous)[1]


def district_and_unit_figures(period: Period, previous: Period) -> tuple[dict, dict[int, dict]]:
    """figures() for the district and for every unit from the same four grouped scans (and three small ones over
    the co-defendants): every case and mediation has exactly one main respondent unit, so the district's counts are
    the sum of its units' by main respondent and need no scan; a unit's own counts add the cases it answers for as
    co-defendant (SPEC section 3), which is why units may add up to more than the district."""
    from casetrack.accounts.models import Unit
    from casetrack.stats.rules import shape_figures

    main_now = case_counts(period, by_unit=True, co_respondents=False)
    main_before = case_counts(previous, by_unit=True, co_respondents=False)
    main_appearance = appearance_counts(period, by_unit=True, co_respondents=False)
    mediation = mediation_counts(period, by_unit=True)
    cases_now = _with_co_respondents(_case_counts_select(period), None, True, main_now)
    cases_before = _with_co_respondents(_case_counts_select(previous), None, True, main_before)
    appearance = _added(main_appearance, _appearance_counts_of_co(period, None, True, False), nested=True)
    review_hearing = review_hearing_counts(period, by_unit=True)
    loop = loop_counts_by(period, by_month=False)

    def now_of(unit_id):
        return {
            **cases_now.get(unit_id, _ZERO_CASES),
            **appearance.get(unit_id, _ZERO_APPEARANCE),
            **review_hearing.get(unit_id, _ZERO_REVIEW_HEARING),
            **mediation.get(unit_id, _ZERO_MEDIATION),
            **loop.get(unit_id, _loop_zeros()),
        }

    district = shape_figures(
        {
            **_summed(main_now, _ZERO_CASES),
            **_summed(main_appearance, _ZERO_APPEARANCE),
            **_summed(review_hearing, _ZERO_REVIEW_HEARING),
            **_summed(mediation, _ZERO_MEDIATION),
            # A suggestion addressed to several units counts once for the district: its own count, not the sum.
            **loop_counts(period),
        },
        _summed(main_before, _ZERO_CASES),
    )
    unit_ids = db.session.scalars(select(Unit.id)).all()
    by_unit = {unit_id: shape_figures(now_of(unit_id), cases_before.get(unit_id, _ZERO_CASES)) for unit_id in unit_ids}
    return district, by_unit


def _summed(per_unit: dict[int, dict], zero: dict) -> dict:
    return {key: sum(int(counts[key]) for counts in per_unit.values()) for key in zero}


def monthly_figures(year: int, unit_id: int | None = None, through_month: int = 12) -> list[dict]:
    """figures() for each month of a year (each against the same month a year earlier), for trend charts — the
    same counts grouped by month: four statements instead of four per month."""
    from casetrack.stats.rules import shape_figures

    now, before = case_counts_by_month(year, unit_id), case_counts_by_month(year - 1, unit_id)
    appearance = appearance_counts(Period.year(year), unit_id, by_month=True)
    review_hearing = review_hearing_counts(Period.year(year), unit_id, by_month=True)
    mediation = mediation_counts(Period.year(year), unit_id, by_month=True)
    loop = _loop_by_month(year, unit_id)
    return [
        {
            "month": month,
            **shape_figures(
                {
                    **now[month],
                    **appearance.get(month, _ZERO_APPEARANCE),
                    **review_hearing.get(month, _ZERO_REVIEW_HEARING),
                    **mediation.get(month, _ZERO_MEDIATION),
                    **loop.get(month, _loop_zeros()),
                },
                before[month],
            ),
        }
        for month in range(1, through_month + 1)
    ]


def trend_to(year: int, through: date, unit_id: int | None = None) -> list[dict]:
    """The months of a year up to ``through``: whole months from monthly_figures, and, when ``through`` falls
    inside a month, that month cut at ``through`` and compared with the same days a year earlier — so the months
    add up to the headline figures of the same days."""
    if through < date(year, 1, 1):
        return []
    if through >= date(year, 12, 31):
        return monthly_figures(year, unit_id)
    from casetrack.stats.rules import is_month_end

    month_ends = is_month_end(through)
    months = monthly_figures(year, unit_id, through_month=through.month if month_ends else through.month - 1)
    if not month_ends:
        months.append({"month": through.month, **figures(*Period.compared(year, through.month, through), unit_id)})
    return months


_ZERO_CASES = dict.fromkeys((*_RECEIVED_KEYS, *_CONCLUDED_KEYS), 0)
_ZERO_APPEARANCE = {"appearance_required": 0, "appearance_appeared": 0}
_ZERO_REVIEW_HEARING = {"review_hearing_required": 0, "review_hearing_attended": 0}
_ZERO_MEDIATION = {"mediation_concluded": 0, "mediation_succeeded": 0}


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


def reason_counts(period: Period, unit_id: int | None = None, by_unit: bool = False, by_month: bool = False):
    """adverse_reasons.adverse: the period's corrected and lost cases (adverse_cases); coded: of those, the legal
    bureau gave one or more reasons; and per reason of stats.figures.REASON_CODES, the cases citing it (one case
    may cite several, so the shares may add up to more than 100 %). Counted for the main respondent unit.

    The codings are gathered first, one row per coded case with a flag per reason, and joined to the cases once:
    an EXISTS per reason and case probed the codings eight times for each of a year's corrected and lost cases
    (0.2–0.4 s at a million cases)."""
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
    group = _month(Case.concluded_on) if by_month else None
    return _district_or_units(stmt, Case.respondent_unit_id, unit_id, by_unit, group)


def _zero(labels) -> dict:
    return dict.fromkeys(labels, 0)


def _loop_zeros() -> dict:
    from casetrack.stats.figures import REASON_CODES

    return {
        **_zero(
            ("suggestions_received", "suggestions_replied", "suggestions_replied_on_time", "suggestions_rectified")
        ),
        **_zero(("rectification_due", "rectification_done_on_time")),
        **_zero(("adverse_reasons_adverse", "adverse_reasons_coded", *(f"adverse_reasons_{c}" for c in REASON_CODES))),
    }


def loop_counts(period: Period, unit_id: int | None = None) -> dict:
    return {
        **suggestion_counts(period, unit_id),
        **rectification_counts(period, unit_id),
        **reason_counts(period, unit_id),
    }


def loop_counts_by(period: Period, by_month: bool) -> dict:
    """{unit id or month: the three sections' counts}."""
    found: dict = {}
    for counts in (
        suggestion_counts(period, by_unit=not by_month, by_month=by_month),
        rectification_counts(period, by_unit=not by_month, by_month=by_month),
        reason_counts(period, by_unit=not by_month, by_month=by_month),
    ):
        for key, values in counts.items():
            found.setdefault(key, dict(_loop_zeros())).update({k: int(v or 0) for k, v in values.items()})
    return found


def _loop_by_month(year: int, unit_id: int | None) -> dict[int, dict]:
    if unit_id is None:
        return loop_counts_by(Period.year(year), by_month=True)
    found: dict[int, dict] = {}
    for counts in (
        suggestion_counts(Period.year(year), unit_id, by_month=True),
        rectification_counts(Period.year(year), unit_id, by_month=True),
        reason_counts(Period.year(year), unit_id, by_month=True),
    ):
        for month, values in counts.items():
            found.setdefault(month, dict(_loop_zeros())).update({k: int(v or 0) for k, v in values.items()})
    return found
