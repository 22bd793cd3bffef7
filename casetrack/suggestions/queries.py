"""Reading suggestions. A unit liaison sees those addressed to its own unit; everyone else sees all."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from casetrack.accounts.queries import one_visible, restrict_to_actor_unit
from casetrack.cases.queries import Page
from casetrack.extensions import db
from casetrack.suggestions import rules
from casetrack.suggestions.models import Suggestion, suggestion_units


def addressed_to(unit_id: int):
    return exists().where(suggestion_units.c.suggestion_id == Suggestion.id, suggestion_units.c.unit_id == unit_id)


def scoped(stmt: Select, actor) -> Select:
    return restrict_to_actor_unit(stmt, actor, unit_condition=addressed_to)


def get_visible_suggestion(actor, suggestion_id: int) -> Suggestion:
    return one_visible(select(Suggestion).where(Suggestion.id == suggestion_id), actor, unit_condition=addressed_to)


@dataclass
class SuggestionFilters:
    q: str = ""
    kind: str = ""
    state: str = ""
    unit_id: int | None = None
    year: int | None = None
    overdue: bool = False
    page: int = 1
    per_page: int = 50
    problems: list[str] = field(default_factory=list)

    def as_query_args(self) -> dict:
        names = {"year": "received_in"}
        return {
            names.get(f.name, f.name): getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("page", "problems") and getattr(self, f.name) not in (None, "", False, f.default)
        }


def filtered(actor, filters: SuggestionFilters, today: date) -> Select:
    stmt = scoped(select(Suggestion), actor)
    if filters.q:
        needle = filters.q.strip()
        stmt = stmt.where(
            or_(
                Suggestion.number.contains(needle, autoescape=True),
                Suggestion.issuer.contains(needle, autoescape=True),
                Suggestion.content.contains(needle, autoescape=True),
            )
        )
    if filters.kind:
        stmt = stmt.where(Suggestion.kind == filters.kind)
    if filters.state:
        stmt = stmt.where(Suggestion.state == filters.state)
    if filters.unit_id:
        stmt = stmt.where(addressed_to(filters.unit_id))
    if filters.year:
        stmt = stmt.where(Suggestion.received_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    if filters.overdue:
        stmt = stmt.where(Suggestion.state.in_(rules.AWAITING_REPLY), Suggestion.reply_due_on < today)
    return stmt


def page_of_suggestions(actor, filters: SuggestionFilters, today: date) -> Page:
    stmt = filtered(actor, filters, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = list(
        db.session.scalars(
            stmt.options(selectinload(Suggestion.units))
            .order_by(Suggestion.received_on.desc(), Suggestion.id.desc())
            .limit(filters.per_page)
            .offset((filters.page - 1) * filters.per_page)
        )
    )
    return Page(items, total, filters.page, filters.per_page)


def iter_suggestions(actor, filters: SuggestionFilters, today: date, limit: int):
    stmt = filtered(actor, filters, today).order_by(Suggestion.received_on.desc(), Suggestion.id.desc())
    return db.session.scalars(stmt.options(selectinload(Suggestion.units), selectinload(Suggestion.cases)).limit(limit))


def replies_due(today: date, warning_days: int) -> list[Suggestion]:
    """Suggestions whose reply is owed and due within ``warning_days`` or past."""
    return list(
        db.session.scalars(
            select(Suggestion)
            .where(
                Suggestion.state.in_(rules.AWAITING_REPLY),
                Suggestion.reply_due_on <= today + timedelta(days=warning_days),
            )
            .order_by(Suggestion.reply_due_on, Suggestion.id)
        )
    )


def overdue_replies_by_unit(before: date) -> dict[int, tuple[int, date]]:
    """unit id → (how many replies it owes that were due before ``before``, the oldest due date)."""
    return {
        unit_id: (count, oldest)
        for unit_id, count, oldest in db.session.execute(
            select(suggestion_units.c.unit_id, func.count(Suggestion.id), func.min(Suggestion.reply_due_on))
            .join(Suggestion, Suggestion.id == suggestion_units.c.suggestion_id)
            .where(Suggestion.state.in_(rules.AWAITING_REPLY), Suggestion.reply_due_on < before)
            .group_by(suggestion_units.c.unit_id)
        )
    }


def open_suggestions(until: date | None = None) -> list[Suggestion]:
    stmt = select(Suggestion).where(Suggestion.state.in_(rules.OPEN_STATES))
    if until is not None:
        stmt = stmt.where(Suggestion.received_on <= until)
    return list(db.session.scalars(stmt.order_by(Suggestion.reply_due_on, Suggestion.id)))


def suggestions_of_case(case_id: int) -> list[Suggestion]:
    from casetrack.suggestions.models import suggestion_cases

    return list(
        db.session.scalars(
            select(Suggestion)
            .join(suggestion_cases, suggestion_cases.c.suggestion_id == Suggestion.id)
            .where(suggestion_cases.c.case_id == case_id)
            .order_by(Suggestion.received_on)
        )
    )
