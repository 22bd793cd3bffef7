"""Reading hearings, always through the case's unit scoping."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from casetrack.cases.models import Case
from casetrack.cases.queries import scoped
from casetrack.errors import NotFound
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.i18n import N_


def get_visible_hearing(actor, hearing_id: int) -> Hearing:
    stmt = scoped(select(Hearing).join(Case, Case.id == Hearing.case_id).where(Hearing.id == hearing_id), actor)
    hearing = db.session.scalar(stmt)
    if hearing is None:
        raise NotFound(N_("The page or record does not exist."))
    return hearing


def hearings_between(actor, start: date, end: date, unit_id: int | None = None) -> list[Hearing]:
    stmt = scoped(select(Hearing).join(Case, Case.id == Hearing.case_id), actor).where(
        Hearing.held_on.between(start, end)
    )
    if unit_id:
        stmt = stmt.where(Case.respondent_unit_id == unit_id)
    return list(db.session.scalars(stmt.order_by(Hearing.held_on, Hearing.starts_at, Hearing.id)))


def hearings_of_case(case_id: int) -> list[Hearing]:
    return list(db.session.scalars(select(Hearing).where(Hearing.case_id == case_id).order_by(Hearing.held_on)))


def absences_awaiting_approval(actor) -> list[Hearing]:
    stmt = scoped(select(Hearing).join(Case, Case.id == Hearing.case_id), actor).where(
        Hearing.appeared.is_(False), Hearing.absence_approved_by_id.is_(None)
    )
    return list(db.session.scalars(stmt.order_by(Hearing.held_on)))
