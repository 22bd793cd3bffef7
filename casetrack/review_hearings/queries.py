"""Reading 听证, always through the case's unit scoping."""

from __future__ import annotations

from sqlalchemy import select

from casetrack.accounts.queries import one_visible
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.review_hearings.models import ReviewHearing


def get_visible_review_hearing(actor, hearing_id: int) -> ReviewHearing:
    stmt = select(ReviewHearing).join(Case, Case.id == ReviewHearing.case_id).where(ReviewHearing.id == hearing_id)
    return one_visible(stmt, actor, Case.respondent_unit_id)


def review_hearings_of_case(case_id: int) -> list[ReviewHearing]:
    stmt = select(ReviewHearing).where(ReviewHearing.case_id == case_id)
    return list(db.session.scalars(stmt.order_by(ReviewHearing.held_on, ReviewHearing.id)))
