"""The auditor's search of the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from casetrack.accounts.models import User
from casetrack.audit.models import AuditEntry
from casetrack.cases.queries import Page
from casetrack.clock import zone
from casetrack.extensions import db


@dataclass
class AuditFilters:
    #: A user name, or part of one, of the actor.
    actor: str = ""
    action: str = ""
    entity_type: str = ""
    entity_id: int | None = None
    day_from: date | None = None
    day_to: date | None = None
    page: int = 1
    per_page: int = 50
    problems: list[str] = field(default_factory=list)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone())


def _matching(filters: AuditFilters) -> Select:
    stmt = select(AuditEntry)
    if filters.actor:
        stmt = stmt.join(User, AuditEntry.actor_id == User.id).where(
            func.lower(User.username).contains(filters.actor.strip().lower(), autoescape=True)
        )
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == filters.entity_type)
    if filters.entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == filters.entity_id)
    if filters.day_from:
        stmt = stmt.where(AuditEntry.at >= _start_of(filters.day_from))
    if filters.day_to:
        stmt = stmt.where(AuditEntry.at < _start_of(filters.day_to + timedelta(days=1)))
    return stmt


def page_of_entries(filters: AuditFilters) -> Page:
    stmt = _matching(filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(
        stmt.order_by(AuditEntry.id.desc()).limit(filters.per_page).offset((filters.page - 1) * filters.per_page)
    ).all()
    return Page(list(items), total, filters.page, filters.per_page)


def iter_entries(filters: AuditFilters, limit: int):
    """The entries the page shows, newest first, for the export."""
    return db.session.scalars(
        _matching(filters).order_by(AuditEntry.id.desc()).limit(limit).execution_options(yield_per=2000)
    )


def kinds_in_use() -> tuple[list[str], list[str]]:
    """The record kinds and actions the trail holds, for the search menus."""
    types = db.session.scalars(select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return list(types), list(actions)
