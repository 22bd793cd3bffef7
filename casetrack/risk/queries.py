"""Reading risk cases: the legal bureau's queue and the ledger (台账), scoped like cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from casetrack.accounts.permissions import can
from casetrack.accounts.queries import one_visible
from casetrack.cases.models import Case
from casetrack.cases.queries import Page, of_unit, scoped
from casetrack.extensions import db
from casetrack.risk import rules
from casetrack.risk.models import ActionItem, RiskCase, RiskFlag, RiskScore


def get_visible_risk_case(actor, risk_case_id: int) -> RiskCase:
    stmt = select(RiskCase).join(Case, Case.id == RiskCase.case_id).where(RiskCase.id == risk_case_id)
    return one_visible(stmt, actor, unit_condition=of_unit)


def risk_case_of(case_id: int) -> RiskCase | None:
    return db.session.scalar(select(RiskCase).where(RiskCase.case_id == case_id))


def score_of(case_id: int) -> RiskScore | None:
    return db.session.get(RiskScore, case_id)


def flags_of(case_id: int) -> list[RiskFlag]:
    """The staff flags on a case with who set them, the hand flag (why it is in the queue) first."""
    return list(
        db.session.scalars(
            select(RiskFlag)
            .where(RiskFlag.case_id == case_id)
            .order_by((RiskFlag.flag != "hand"), RiskFlag.set_at, RiskFlag.id)
        )
    )


@dataclass
class RiskFilters:
    unit_id: int | None = None
    state: str = ""
    overdue: bool = False
    ledger: bool = False
    page: int = 1
    per_page: int = 50


def _overdue_items(today: date):
    return exists().where(
        ActionItem.risk_case_id == RiskCase.id, ActionItem.done_on.is_(None), ActionItem.due_on < today
    )


def filtered(actor, filters: RiskFilters, today: date) -> Select:
    stmt = select(
        RiskCase, func.coalesce(RiskScore.score, 0).label("score"), _overdue_items(today).label("has_overdue")
    ).outerjoin(RiskScore, RiskScore.case_id == RiskCase.case_id)
    if filters.unit_id or not can(actor, "see_all_units"):
        # Joined only when a unit narrows the list: for the whole district it would cost a lookup per risk case.
        stmt = scoped(stmt.join(Case, Case.id == RiskCase.case_id), actor)
    if not filters.ledger:
        stmt = stmt.where(RiskCase.state.in_(rules.QUEUE_STATES))
    if filters.state:
        stmt = stmt.where(RiskCase.state == filters.state)
    if filters.unit_id:
        stmt = stmt.where(of_unit(filters.unit_id))
    if filters.overdue:
        stmt = stmt.where(_overdue_items(today))
    return stmt


def page_of_risk_cases(actor, filters: RiskFilters, today: date) -> Page:
    """Highest score first, then the longest waiting."""
    stmt = filtered(actor, filters, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(RiskCase.id).subquery()))
    order = (
        (RiskCase.entered_on.desc(), RiskCase.id.desc())
        if filters.ledger
        else (func.coalesce(RiskScore.score, 0).desc(), RiskCase.entered_on.asc(), RiskCase.id.asc())
    )
    rows = db.session.execute(
        stmt.order_by(*order)
        .options(selectinload(RiskCase.case), selectinload(RiskCase.items), selectinload(RiskCase.members))
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    ).all()
    return Page(rows, total, filters.page, filters.per_page)


def iter_ledger(actor, filters: RiskFilters, today: date):
    stmt = filtered(
        actor, RiskFilters(unit_id=filters.unit_id, state=filters.state, overdue=filters.overdue, ledger=True), today
    )
    stmt = stmt.options(selectinload(RiskCase.case), selectinload(RiskCase.items), selectinload(RiskCase.members))
    return db.session.execute(stmt.order_by(RiskCase.entered_on, RiskCase.id).execution_options(yield_per=1000))


def digest_counts(today: date, days: int = 7) -> dict:
    """The Monday digest's numbers: the queue by state, what entered and was crossed off in the last ``days``
    days, and the open action items past their due date."""
    since = date.fromordinal(today.toordinal() - days)
    by_state = dict(
        db.session.execute(
            select(RiskCase.state, func.count()).where(RiskCase.state.in_(rules.QUEUE_STATES)).group_by(RiskCase.state)
        ).all()
    )
    return {
        "by_state": {state: by_state.get(state, 0) for state in rules.STATES if state in rules.QUEUE_STATES},
        "in_queue": sum(by_state.values()),
        "entered": db.session.scalar(select(func.count()).where(RiskCase.entered_on > since)),
        "crossed_off": db.session.scalar(
            select(func.count()).where(RiskCase.state == "crossed_off", RiskCase.crossed_off_on > since)
        ),
        "overdue_items": db.session.scalar(
            select(func.count()).where(ActionItem.done_on.is_(None), ActionItem.due_on < today)
        ),
    }


@dataclass(frozen=True)
class QueueCounts:
    """A unit's (or the district's) share of the risk queue."""

    open: int = 0
    task_force: int = 0
    overdue_items: int = 0


def queue_by_unit(today: date) -> dict[int, QueueCounts]:
    """{respondent unit id: QueueCounts}: risk cases in the queue, those a task force is working, and their
    action items past due. Two grouped reads."""
    in_queue = (
        select(Case.respondent_unit_id, func.count(), func.count().filter(RiskCase.state == "task_force"))
        .join(Case, Case.id == RiskCase.case_id)
        .where(RiskCase.state.in_(rules.QUEUE_STATES))
        .group_by(Case.respondent_unit_id)
    )
    overdue = dict(
        db.session.execute(
            select(Case.respondent_unit_id, func.count())
            .select_from(ActionItem)
            .join(RiskCase, RiskCase.id == ActionItem.risk_case_id)
            .join(Case, Case.id == RiskCase.case_id)
            .where(RiskCase.state.in_(rules.QUEUE_STATES), ActionItem.done_on.is_(None), ActionItem.due_on < today)
            .group_by(Case.respondent_unit_id)
        ).all()
    )
    counts = {
        unit_id: QueueCounts(open_count, task_force, overdue.pop(unit_id, 0))
        for unit_id, open_count, task_force in db.session.execute(in_queue)
    }
    return counts


def total_of(counts: list[QueueCounts]) -> QueueCounts:
    return QueueCounts(
        sum(c.open for c in counts), sum(c.task_force for c in counts), sum(c.overdue_items for c in counts)
    )


@dataclass
class DigestDetails:
    """What the Monday digest says of one risk case besides its number, unit and score."""

    #: The score's contributions, largest first: {"rule", "points", "detail"}.
    reasons: list[dict]
    open_items: int
    overdue_items: int
    #: The latest entry of the risk case's history (an AuditEntry), or None.
    last_action: object | None


def digest_details(risk_cases: list[RiskCase], today: date) -> dict[int, DigestDetails]:
    """{risk case id: DigestDetails} for the cases a digest lists: two reads, however many cases."""
    from casetrack.audit.models import AuditEntry

    if not risk_cases:
        return {}
    scores = {
        score.case_id: score
        for score in db.session.scalars(select(RiskScore).where(RiskScore.case_id.in_([r.case_id for r in risk_cases])))
    }
    ids = [risk_case.id for risk_case in risk_cases]
    latest = (
        select(AuditEntry.entity_id, func.max(AuditEntry.id).label("entry_id"))
        .where(AuditEntry.entity_type == "risk_case", AuditEntry.entity_id.in_(ids))
        .group_by(AuditEntry.entity_id)
        .subquery()
    )
    last = {
        entry.entity_id: entry
        for entry in db.session.scalars(select(AuditEntry).join(latest, AuditEntry.id == latest.c.entry_id))
    }
    details = {}
    for risk_case in risk_cases:
        score = scores.get(risk_case.case_id)
        reasons = sorted(score.contributions if score else [], key=lambda c: -c["points"])
        open_items = [item for item in risk_case.items if item.done_on is None]
        details[risk_case.id] = DigestDetails(
            reasons,
            len(open_items),
            sum(item.due_on < today for item in open_items),
            last.get(risk_case.id),
        )
    return details
