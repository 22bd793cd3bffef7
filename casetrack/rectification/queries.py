"""Reading rectification items and the class-case analysis (类案分析). A unit liaison sees its own unit's items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from casetrack.accounts.models import Unit
from casetrack.accounts.queries import one_visible, restrict_to_actor_unit
from casetrack.cases.models import Case
from casetrack.cases.queries import Page
from casetrack.extensions import db
from casetrack.rectification.models import AdverseReason, CaseAdverseReason, RectificationItem
from casetrack.stats.queries import Period, adverse_cases


def scoped(stmt: Select, actor) -> Select:
    return restrict_to_actor_unit(stmt, actor, RectificationItem.unit_id)


def get_visible_item(actor, item_id: int) -> RectificationItem:
    return one_visible(
        select(RectificationItem).where(RectificationItem.id == item_id), actor, RectificationItem.unit_id
    )


@dataclass
class ItemFilters:
    state: str = "open"
    unit_id: int | None = None
    overdue: bool = False
    page: int = 1
    per_page: int = 50

    def as_query_args(self) -> dict:
        args = {"state": self.state} if self.state != "open" else {}
        if self.unit_id:
            args["unit_id"] = self.unit_id
        if self.overdue:
            args["overdue"] = 1
        return args


def filtered(actor, filters: ItemFilters, today: date) -> Select:
    stmt = scoped(select(RectificationItem), actor)
    if filters.state:
        stmt = stmt.where(RectificationItem.state == filters.state)
    if filters.unit_id:
        stmt = stmt.where(RectificationItem.unit_id == filters.unit_id)
    if filters.overdue:
        stmt = stmt.where(RectificationItem.state == "open", RectificationItem.due_on < today)
    return stmt.options(
        joinedload(RectificationItem.case), joinedload(RectificationItem.unit), joinedload(RectificationItem.owner)
    ).order_by(RectificationItem.due_on, RectificationItem.id)


def page_of_items(actor, filters: ItemFilters, today: date) -> Page:
    stmt = filtered(actor, filters, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(filters.per_page).offset((filters.page - 1) * filters.per_page)))
    return Page(items, total, filters.page, filters.per_page)


def overdue_items(today: date, before: date | None = None) -> list[RectificationItem]:
    return list(
        db.session.scalars(
            select(RectificationItem)
            .where(RectificationItem.state == "open", RectificationItem.due_on < (before or today))
            .order_by(RectificationItem.due_on, RectificationItem.id)
        )
    )


def items_due(today: date, until: date) -> list[RectificationItem]:
    return list(
        db.session.scalars(
            select(RectificationItem)
            .where(RectificationItem.state == "open", RectificationItem.due_on <= until)
            .order_by(RectificationItem.due_on, RectificationItem.id)
        )
    )


def overdue_by_unit(before: date) -> dict[int, tuple[int, date]]:
    """unit id → (open items due before ``before``, the oldest due date)."""
    return {
        unit_id: (count, oldest)
        for unit_id, count, oldest in db.session.execute(
            select(RectificationItem.unit_id, func.count(RectificationItem.id), func.min(RectificationItem.due_on))
            .where(RectificationItem.state == "open", RectificationItem.due_on < before)
            .group_by(RectificationItem.unit_id)
        )
    }


# --- 类案分析 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassCaseRow:
    unit_id: int
    unit: str
    matter: str
    reason_id: int
    reason: str
    reason_code: str
    cases: int


def class_case_rows(period: Period, unit_id: int | None = None) -> list[ClassCaseRow]:
    """The period's corrected and lost cases (stats.queries.adverse_cases: those the rates count) crossed by unit,
    matter and coded reason. A case citing two reasons is in two rows."""
    stmt = (
        select(
            Unit.id,
            Unit.name,
            Case.matter,
            AdverseReason.id,
            AdverseReason.label,
            AdverseReason.code,
            func.count(Case.id),
        )
        .join(CaseAdverseReason, CaseAdverseReason.case_id == Case.id)
        .join(AdverseReason, AdverseReason.id == CaseAdverseReason.reason_id)
        .join(Unit, Unit.id == Case.respondent_unit_id)
        .where(adverse_cases(period))
        .group_by(Unit.id, Unit.name, Case.matter, AdverseReason.id, AdverseReason.label, AdverseReason.code)
        .order_by(func.count(Case.id).desc(), Unit.name, Case.matter, AdverseReason.position)
    )
    if unit_id:
        stmt = stmt.where(Case.respondent_unit_id == unit_id)
    return [ClassCaseRow(*row) for row in db.session.execute(stmt)]


def class_cases(period: Period, unit_id=None, matter: str = "", reason_id=None, uncoded: bool = False, limit=500):
    """The cases behind a cell of the class-case table (or the period's cases not coded yet)."""
    stmt = select(Case).where(adverse_cases(period))
    if unit_id:
        stmt = stmt.where(Case.respondent_unit_id == unit_id)
    if matter:
        stmt = stmt.where(Case.matter == matter)
    if reason_id:
        stmt = stmt.where(
            Case.id.in_(select(CaseAdverseReason.case_id).where(CaseAdverseReason.reason_id == reason_id))
        )
    if uncoded:
        stmt = stmt.where(~Case.id.in_(select(CaseAdverseReason.case_id)))
    return list(db.session.scalars(stmt.order_by(Case.concluded_on.desc(), Case.id.desc()).limit(limit)))


def uncoded_count(period: Period) -> int:
    return db.session.scalar(
        select(func.count(Case.id)).where(adverse_cases(period), ~Case.id.in_(select(CaseAdverseReason.case_id)))
    )
