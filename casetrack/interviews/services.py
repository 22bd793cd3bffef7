"""Interviews (约谈) and who should be interviewed next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from casetrack import dates
from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import can
from casetrack.audit import services as audit
from casetrack.cases.models import Case
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.interviews import rules as interview_rules
from casetrack.interviews.models import Interview, InterviewDecision
from casetrack.rectification.queries import overdue_by_unit
from casetrack.risk import rules as risk_rules
from casetrack.risk.models import ActionItem, RiskCase
from casetrack.suggestions.queries import overdue_replies_by_unit


def _refuse_day(day: date, today: date) -> None:
    if problems := dates.happened_problems(day, today):
        raise DomainError(problems[0])


def record_interview(data: dict, actor, today: date) -> Interview:
    """data: held_on, leader_name, unit_id, interviewee, reason, rectification_required, case_ids."""
    if not can(actor, "record_interview"):
        raise PermissionDenied(N_("Only the legal bureau records interviews."))
    held_on = data.get("held_on")
    if held_on is None:
        raise DomainError(N_("Give the interview date; it cannot be in the future."))
    _refuse_day(held_on, today)
    for name, message in (
        ("leader_name", N_("Name the district leader.")),
        ("interviewee", N_("Name the person interviewed.")),
    ):
        if not (data.get(name) or "").strip():
            raise DomainError(message)
    if data.get("reason") not in risk_rules.INTERVIEW_REASONS:
        raise DomainError(N_("Choose the reason for the interview."))
    unit = db.session.get(Unit, data.get("unit_id") or 0)
    if unit is None:
        raise DomainError(N_("No such unit."))
    # The form reads ids with params.parse_id: an id that is none (None) or names no case is refused like another
    # unit's case, not left out.
    case_ids = set(data.get("case_ids") or [])
    cases = list(db.session.scalars(select(Case).where(Case.id.in_(case_ids - {None}))))
    if len(cases) != len(case_ids) or any(unit.id not in case.respondent_unit_ids for case in cases):
        raise DomainError(N_("Linked cases must be the interviewed unit's own."))
    interview = Interview(
        held_on=held_on,
        leader_name=data["leader_name"].strip(),
        unit_id=unit.id,
        interviewee=data["interviewee"].strip(),
        reason=data["reason"],
        rectification_required=(data.get("rectification_required") or "").strip(),
        created_by_id=actor.id if actor else None,
        cases=cases,
    )
    db.session.add(interview)
    db.session.flush()
    audit.record(
        "interview",
        interview.id,
        "created",
        actor,
        [("unit", None, unit.name), ("reason", None, interview.reason), ("held_on", None, held_on)],
    )
    return interview


def mark_rectified(interview: Interview, actor, on: date | None, today: date) -> Interview:
    if not can(actor, "record_interview"):
        raise PermissionDenied(N_("Only the legal bureau records interviews."))
    if on is None or on < interview.held_on:
        raise DomainError(N_("Give the date the rectification was completed (after the interview, not in the future)."))
    _refuse_day(on, today)
    audit.record("interview", interview.id, "rectified", actor, [("rectified_on", interview.rectified_on, on)])
    interview.rectified_on = on
    db.session.flush()
    return interview


@dataclass
class Proposal:
    unit: Unit
    lost_cases: int
    overdue_items: int
    #: Since when the unit has been due an interview; an interview on or after this date clears the proposal.
    since: date
    #: Replies to suggestions, and rectification items after a correction or a loss, overdue by more than 15 days.
    overdue_replies: int = 0
    overdue_rectification: int = 0
    #: A leader's decision on this proposal (an agreed one waits for the legal bureau to hold the interview).
    decision: InterviewDecision | None = None
    #: A decline on fewer grounds than the proposal has now (one more loss since).
    declined_before: InterviewDecision | None = None


def proposals(today: date, with_declined: bool = False) -> list[Proposal]:
    """Units that lost a case in the last 12 months, or have task-force items, replies to suggestions or
    rectification items overdue by more than 15 days, and have had no interview since that started. A proposal a
    leader declined on the grounds it still rests on is left out, unless ``with_declined`` (the interviews page
    shows it with the decision)."""
    year_ago = today - timedelta(days=365)
    lost, lost_counts = {}, {}
    for unit_id, latest, count in db.session.execute(
        # count(*), not count(id): every column asked is in ix_cases_concluded, so the index alone answers.
        select(Case.respondent_unit_id, func.max(Case.concluded_on), func.count())
        .where(Case.is_lost, Case.instance == "first", Case.concluded_on.between(year_ago, today))
        .group_by(Case.respondent_unit_id)
    ):
        lost[unit_id], lost_counts[unit_id] = latest, count
    cutoff = today - timedelta(days=risk_rules.INTERVIEW_OVERDUE_DAYS)
    overdue = {
        unit_id: (count, oldest)
        for unit_id, count, oldest in db.session.execute(
            select(Case.respondent_unit_id, func.count(ActionItem.id), func.min(ActionItem.due_on))
            .join(RiskCase, RiskCase.id == ActionItem.risk_case_id)
            .join(Case, Case.id == RiskCase.case_id)
            .where(ActionItem.done_on.is_(None), ActionItem.due_on < cutoff)
            .group_by(Case.respondent_unit_id)
        )
    }
    # Overdue replies and rectification weigh as overdue task-force items do (败诉压力传导: the 2021 plan).
    late_replies = overdue_replies_by_unit(cutoff)
    late_rectification = overdue_by_unit(cutoff)
    last_interview = dict(
        db.session.execute(select(Interview.unit_id, func.max(Interview.held_on)).group_by(Interview.unit_id)).all()
    )
    found = []
    candidates = set(lost) | set(overdue) | set(late_replies) | set(late_rectification)
    # One query for the units, not one a proposal (a province has hundreds of units due one).
    units = (
        {unit.id: unit for unit in db.session.scalars(select(Unit).where(Unit.id.in_(candidates)))}
        if candidates
        else {}
    )
    grace = timedelta(days=risk_rules.INTERVIEW_OVERDUE_DAYS + 1)
    for unit_id in candidates:
        starts = [lost.get(unit_id)] + [
            late[unit_id][1] + grace for late in (overdue, late_replies, late_rectification) if unit_id in late
        ]
        starts = [day for day in starts if day]
        since = min(starts)
        if last_interview.get(unit_id) and last_interview[unit_id] >= since:
            continue
        found.append(
            Proposal(
                units[unit_id],
                lost_counts.get(unit_id, 0),
                overdue.get(unit_id, (0, None))[0],
                since,
                late_replies.get(unit_id, (0, None))[0],
                late_rectification.get(unit_id, (0, None))[0],
            )
        )
    return sorted(_with_decisions(found, with_declined), key=lambda p: (p.since, p.unit.name))


def _with_decisions(found: list[Proposal], with_declined: bool) -> list[Proposal]:
    """The proposals with their leader's latest decision on the grounds they rest on now (a proposal declined
    before one more loss is a new one: its earlier decline is kept as ``declined_before``)."""
    if not found:
        return found
    latest: dict[int, InterviewDecision] = {}
    for decision in db.session.scalars(
        select(InterviewDecision)
        .where(InterviewDecision.unit_id.in_([p.unit.id for p in found]))
        .order_by(InterviewDecision.id)
    ):
        latest[decision.unit_id] = decision
    shown = []
    for proposal in found:
        decision = latest.get(proposal.unit.id)
        if decision is not None and decision.since == proposal.since:
            if decision.decision == "agreed" or interview_rules.still_declined(
                interview_rules.grounds_of(decision),
                decision.since,
                interview_rules.grounds_of(proposal),
                proposal.since,
            ):
                proposal.decision = decision
            else:
                proposal.declined_before = decision
        if proposal.decision is None or proposal.decision.decision == "agreed" or with_declined:
            shown.append(proposal)
    return shown


def decide(
    actor, unit_id: int | None, since: date | None, decision: str, reason: str, today: date
) -> InterviewDecision:
    """A leader agrees to an interview a proposal asks for (the legal bureau then schedules and records it), or
    declines it for now with a reason: it is then not proposed again until one more case is lost or item overdue.
    Flushes."""
    if not can(actor, "decide_interview"):
        raise PermissionDenied(N_("Only a district leader decides on an interview proposal."))
    if decision not in interview_rules.DECISIONS:
        raise DomainError(N_("Choose to agree to the interview or to decline it for now."))
    reason = (reason or "").strip()
    if decision == "declined" and not reason:
        raise DomainError(N_("Say why there is no interview for now."))
    if len(reason) > interview_rules.MAX_REASON:
        raise DomainError(N_("The reason is longer than %(limit)s characters."), limit=interview_rules.MAX_REASON)
    # A declined proposal may be agreed after all: it is looked for among those held back too.
    proposal = next((p for p in proposals(today, with_declined=True) if p.unit.id == unit_id), None)
    if proposal is None or proposal.since != since:
        raise DomainError(N_("This proposal has changed since the page was opened: look at it again."))
    made = InterviewDecision(
        unit_id=proposal.unit.id,
        since=proposal.since,
        decision=decision,
        reason=reason,
        decided_by_id=actor.id,
        **interview_rules.grounds_of(proposal),
    )
    db.session.add(made)
    db.session.flush()
    audit.record(
        "interview_decision", made.id, decision, actor, [("unit", None, proposal.unit.name)], comment=reason or None
    )
    return made


def interviews(limit: int = 500) -> list[Interview]:
    return list(
        db.session.scalars(select(Interview).order_by(Interview.held_on.desc(), Interview.id.desc()).limit(limit))
    )
