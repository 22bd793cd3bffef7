"""Reading mediations. A unit liaison sees only its own unit's, like cases."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import Select, or_, select

from casetrack.accounts.queries import one_visible, restrict_to_actor_unit
from casetrack.cases.queries import COUNT_CAP, Page, count_matching
from casetrack.cases.rules import search_bigrams
from casetrack.date_ranges import within_date_ranges
from casetrack.extensions import db
from casetrack.mediation import rules
from casetrack.mediation.models import Mediation


def scoped(stmt: Select, actor) -> Select:
    return restrict_to_actor_unit(stmt, actor, Mediation.respondent_unit_id)


def get_visible_mediation(actor, mediation_id: int) -> Mediation:
    return one_visible(select(Mediation).where(Mediation.id == mediation_id), actor, Mediation.respondent_unit_id)


@dataclass
class MediationFilters:
    q: str = ""
    status: str = ""
    source: str = ""
    unit_id: int | None = None
    mediator_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    concluded_from: date | None = None
    concluded_to: date | None = None
    idle: bool = False
    page: int = 1
    per_page: int = 50
    problems: list[str] = field(default_factory=list)

    def as_query_args(self) -> dict:
        args = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name not in ("page", "problems") and value not in (None, "", False, f.default):
                args[f.name] = value.isoformat() if isinstance(value, date) else value
        return args


def filtered(actor, filters: MediationFilters, today: date) -> Select:
    stmt = scoped(select(Mediation), actor)
    if filters.q:
        needle = filters.q.strip()
        grams = search_bigrams(needle)
        if len(needle) == 2 and grams and db.session.get_bind().dialect.name == "postgresql":
            # Trigram indexes need three characters; most Chinese names and terms have two.
            stmt = stmt.where(Mediation.search_grams.contains(grams))
        stmt = stmt.where(
            or_(
                Mediation.number.contains(needle, autoescape=True),
                Mediation.parties.contains(needle, autoescape=True),
                Mediation.subject.contains(needle, autoescape=True),
            )
        )
    if filters.status:
        stmt = stmt.where(Mediation.status == filters.status)
    if filters.source:
        stmt = stmt.where(Mediation.source == filters.source)
    if filters.unit_id:
        stmt = stmt.where(Mediation.respondent_unit_id == filters.unit_id)
    if filters.mediator_id:
        stmt = stmt.where(Mediation.mediator_id == filters.mediator_id)
    stmt = within_date_ranges(stmt, filters, Mediation.received_on, Mediation.concluded_on)
    if filters.idle:
        stmt = stmt.where(
            Mediation.status == "open", Mediation.last_activity_on <= today - timedelta(days=rules.IDLE_DAYS)
        )
    return stmt


def page_of_mediations(actor, filters: MediationFilters, today: date) -> Page:
    stmt = filtered(actor, filters, today)
    total, capped = count_matching(stmt, COUNT_CAP, Mediation.id)
    items = list(
        db.session.scalars(
            stmt.order_by(Mediation.received_on.desc(), Mediation.id.desc())
            .limit(filters.per_page)
            .offset((filters.page - 1) * filters.per_page)
        )
    )
    return Page(items, total, filters.page, filters.per_page, capped)


def iter_mediations(actor, filters: MediationFilters, today: date, limit: int):
    stmt = filtered(actor, filters, today).order_by(Mediation.received_on.desc(), Mediation.id.desc())
    return db.session.scalars(stmt.limit(limit).execution_options(yield_per=1000))


def work_list(mediator_id: int) -> list[Mediation]:
    """A mediator's open mediations, oldest first."""
    stmt = (
        select(Mediation)
        .where(Mediation.mediator_id == mediator_id, Mediation.status == "open")
        .order_by(Mediation.received_on, Mediation.id)
    )
    return list(db.session.scalars(stmt))


def mediations_of_case(case_id: int) -> list[Mediation]:
    return list(db.session.scalars(select(Mediation).where(Mediation.case_id == case_id).order_by(Mediation.id)))
