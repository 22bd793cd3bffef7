"""Reading hearings, always through the case's unit scoping."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from casetrack.accounts.permissions import can
from casetrack.accounts.queries import one_visible
from casetrack.cases.models import Case
from casetrack.cases.queries import of_unit, scoped
from casetrack.extensions import db
from casetrack.hearings.models import Hearing, HearingAppearance


def get_visible_hearing(actor, hearing_id: int) -> Hearing:
    stmt = select(Hearing).join(Case, Case.id == Hearing.case_id).where(Hearing.id == hearing_id)
    return one_visible(stmt, actor, unit_condition=of_unit)


def _between(actor, start: date, end: date, unit_id: int | None):
    stmt = select(Hearing.id, Hearing.held_on, Hearing.starts_at).where(Hearing.held_on.between(start, end))
    if unit_id or not can(actor, "see_all_units"):
        # The join to cases is only needed to narrow to a unit; district-wide it would cost a lookup per hearing.
        stmt = scoped(stmt.join(Case, Case.id == Hearing.case_id), actor)
        if unit_id:
            stmt = stmt.where(of_unit(unit_id))
    return stmt.subquery()


def hearings_between(actor, start: date, end: date, unit_id: int | None = None, per_day: int | None = None):
    """(hearings in date order, {day: number of hearings}) — at most ``per_day`` hearings of each day are loaded:
    a district-wide month can hold thousands, and a calendar cell shows a handful and a count."""
    found = _between(actor, start, end, unit_id)
    counts = dict(db.session.execute(select(found.c.held_on, func.count()).group_by(found.c.held_on)).all())
    rank = func.row_number().over(partition_by=found.c.held_on, order_by=(found.c.starts_at, found.c.id))
    ranked = select(found.c.id, rank.label("rank")).subquery()
    wanted = select(ranked.c.id)
    if per_day is not None:
        wanted = wanted.where(ranked.c.rank <= per_day)
    ids = list(db.session.scalars(wanted))
    hearings = db.session.scalars(
        select(Hearing).where(Hearing.id.in_(ids)).order_by(Hearing.held_on, Hearing.starts_at, Hearing.id)
    )
    return list(hearings), counts


def awaiting_head(actor, start: date, end: date, limit: int) -> tuple[list[Hearing], int]:
    """Hearings from ``start`` to ``end`` whose head nobody has named yet, soonest first (at most ``limit``), and
    how many there are."""
    stmt = scoped(select(Hearing).join(Case, Case.id == Hearing.case_id), actor).where(
        Hearing.held_on.between(start, end), Hearing.principal_name.is_(None)
    )
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    hearings = db.session.scalars(stmt.order_by(Hearing.held_on, Hearing.starts_at, Hearing.id).limit(limit))
    return list(hearings), total


def needing_a_head_by_unit(start: date, end: date) -> dict[int, tuple[int, date]]:
    """{respondent unit id: (hearings, the soonest day)} of the hearings from ``start`` to ``end`` that still need
    the leaders' attention: nobody is named to appear, or the head's absence is asked for and not yet approved.
    One grouped read, whatever the district's size."""
    stmt = (
        select(Case.respondent_unit_id, func.count(), func.min(Hearing.held_on))
        .join(Case, Case.id == Hearing.case_id)
        .where(
            Hearing.held_on.between(start, end),
            Hearing.principal_name.is_(None) | (Hearing.appeared.is_(False) & Hearing.absence_approved_by_id.is_(None)),
        )
        .group_by(Case.respondent_unit_id)
    )
    return {unit_id: (count, soonest) for unit_id, count, soonest in db.session.execute(stmt)}


def absences_between(start: date, end: date, limit: int) -> tuple[list[Hearing], int]:
    """Hearings from ``start`` to ``end`` where the respondent's head did not appear, in date order (at most
    ``limit``, each with its reason and approval), and how many there were."""
    stmt = select(Hearing).where(Hearing.held_on.between(start, end), Hearing.appeared.is_(False))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    listed = db.session.scalars(stmt.order_by(Hearing.held_on, Hearing.id).limit(limit))
    return list(listed), total


def hearings_of_case(case_id: int) -> list[Hearing]:
    return list(db.session.scalars(select(Hearing).where(Hearing.case_id == case_id).order_by(Hearing.held_on)))


def absences_awaiting_approval(actor) -> list[Hearing]:
    stmt = scoped(select(Hearing).join(Case, Case.id == Hearing.case_id), actor).where(
        Hearing.appeared.is_(False), Hearing.absence_approved_by_id.is_(None)
    )
    return list(db.session.scalars(stmt.order_by(Hearing.held_on)))


def co_absences_awaiting_approval(actor) -> list[HearingAppearance]:
    """Co-defendants' (共同被告) absences still to approve, of the cases the actor sees."""
    stmt = (
        select(HearingAppearance)
        .join(Hearing, Hearing.id == HearingAppearance.hearing_id)
        .join(Case, Case.id == Hearing.case_id)
        .where(HearingAppearance.appeared.is_(False), HearingAppearance.absence_approved_by_id.is_(None))
    )
    return list(db.session.scalars(scoped(stmt, actor).order_by(Hearing.held_on, HearingAppearance.id)))
