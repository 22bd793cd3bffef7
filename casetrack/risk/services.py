"""The high-risk workflow: scoring, the queue, the double task force, action items and the cross-off.

Verbs take the acting user and flush; the view, task or CLI command commits."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import delete, select

from casetrack import dates
from casetrack.accounts.models import User
from casetrack.accounts.permissions import can
from casetrack.audit import services as audit
from casetrack.bulk import among, insert_rows
from casetrack.cases import rules as case_rules
from casetrack.cases.models import Case
from casetrack.clock import utc_now
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.rectification.services import case_rectified
from casetrack.risk import rules
from casetrack.risk.models import ActionItem, RiskCase, RiskFlag, RiskScore, RiskSettings, TaskForceMember
from casetrack.stats.queries import Period, case_counts
from casetrack.stats.rules import rate_pct
from casetrack.unit_of_work import check_version, flush_or_conflict

log = logging.getLogger(__name__)
_BATCH = 5000
_CONFLICT = N_("Someone else changed this risk case after you opened it. Reload the page and try again.")


# --- settings -------------------------------------------------------------------------------------------------


def current_settings() -> RiskSettings:
    settings = db.session.scalar(select(RiskSettings).order_by(RiskSettings.id.desc()).limit(1))
    if settings is None:
        settings = RiskSettings(weights=dict(rules.DEFAULT_WEIGHTS), threshold=rules.DEFAULT_THRESHOLD)
        db.session.add(settings)
        db.session.flush()
    return settings


def save_settings(weights: dict, threshold: int, actor) -> RiskSettings:
    if not can(actor, "manage_risk"):
        raise PermissionDenied(N_("Only the legal bureau changes the risk rules."))
    problems = rules.weight_problems(weights, threshold)
    if problems:
        raise DomainError(problems[0])
    previous = current_settings()
    settings = RiskSettings(
        weights={**rules.DEFAULT_WEIGHTS, **weights}, threshold=threshold, created_by_id=actor.id if actor else None
    )
    db.session.add(settings)
    db.session.flush()
    audit.record(
        "risk_settings",
        settings.id,
        "created",
        actor,
        audit.diff({**previous.weights, "threshold": previous.threshold}, {**settings.weights, "threshold": threshold}),
    )
    return settings


# --- scoring --------------------------------------------------------------------------------------------------


def _context(today: date, unit_id: int | None = None) -> dict:
    """What scoring needs about the units (all, or one), read once per run with the figure definitions."""
    year = Period(today - timedelta(days=365), today)
    by_unit = case_counts(year, by_unit=True) if unit_id is None else {unit_id: case_counts(year, unit_id=unit_id)}
    loss_rates = {
        unit: rate_pct(counts["litigation_lost"], counts["litigation_concluded"]) / 100
        for unit, counts in by_unit.items()
        if counts["litigation_concluded"]
    }
    stmt = (
        select(Case.respondent_unit_id, Case.matter)
        .where(Case.is_corrected, Case.concluded_on.between(year.start, year.end))
        .distinct()
    )
    if unit_id is not None:
        stmt = stmt.where(Case.respondent_unit_id == unit_id)
    return {"loss_rates": loss_rates, "corrected": set(db.session.execute(stmt).all())}


def _flags(case_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for case_id, flag in db.session.execute(
        select(RiskFlag.case_id, RiskFlag.flag).where(among(RiskFlag.case_id, case_ids))
    ):
        found.setdefault(case_id, set()).add(flag)
    return found


def rescore(today: date, case_ids: list[int] | None = None) -> dict:
    """Score open cases (all, or the ones given) under the current settings, and put those at or above the
    threshold — or flagged by hand — into the queue. Running it twice changes nothing the second time.
    Reads and writes in id batches, so memory stays flat at a million cases."""
    settings = current_settings()
    units = (
        set(db.session.scalars(select(Case.respondent_unit_id).where(among(Case.id, case_ids)))) if case_ids else set()
    )
    context = _context(today, next(iter(units)) if len(units) == 1 else None)
    table = Case.__table__
    if case_ids is None:
        db.session.execute(
            delete(RiskScore).where(
                RiskScore.case_id.in_(select(table.c.id).where(table.c.status.not_in(case_rules.OPEN_STATUSES)))
            )
        )
    queued = (
        {row for row in db.session.scalars(select(RiskCase.case_id))}
        if case_ids is None
        else set(db.session.scalars(select(RiskCase.case_id).where(among(RiskCase.case_id, case_ids))))
    )
    scored = entered = 0
    last_id = 0
    while True:
        stmt = (
            select(table.c.id, table.c.matter, table.c.applicant_count, table.c.respondent_unit_id)
            .where(table.c.status.in_(case_rules.OPEN_STATUSES), table.c.id > last_id)
            .order_by(table.c.id)
            .limit(_BATCH)
        )
        if case_ids is not None:
            stmt = stmt.where(among(table.c.id, case_ids))
        rows = db.session.execute(stmt).all()
        if not rows:
            break
        ids = [row.id for row in rows]
        flags = _flags(ids)
        existing = {s.case_id: s for s in db.session.scalars(select(RiskScore).where(among(RiskScore.case_id, ids)))}
        fresh, entries = [], []
        for row in rows:
            case_flags = flags.get(row.id, set())
            facts = rules.RiskFacts(
                matter=row.matter,
                applicant_count=row.applicant_count,
                unit_loss_rate=context["loss_rates"].get(row.respondent_unit_id),
                prior_correction=(row.respondent_unit_id, row.matter) in context["corrected"],
                flags=frozenset(case_flags),
            )
            points, contributions = rules.score(facts, settings.weights)
            as_json = [{"rule": c.rule, "points": c.points, "detail": c.detail} for c in contributions]
            current = existing.get(row.id)
            if current is None or (current.score, current.contributions, current.settings_version) != (
                points,
                as_json,
                settings.id,
            ):
                if current is not None:
                    db.session.delete(current)
                fresh.append(
                    {"case_id": row.id, "score": points, "contributions": as_json, "settings_version": settings.id}
                )
            hand = "hand" in case_flags
            if row.id not in queued and rules.enters_queue(points, settings.threshold, hand):
                entries.append(
                    {
                        "case_id": row.id,
                        "state": "pending_review",
                        "entered_on": today,
                        "entry_score": None if hand and points < settings.threshold else points,
                        "hand_flagged": hand,
                        "version": 1,
                    }
                )
                queued.add(row.id)
        db.session.flush()
        insert_rows(RiskScore.__table__, fresh)
        insert_rows(RiskCase.__table__, entries)
        scored += len(fresh)
        entered += len(entries)
        last_id = ids[-1]
        db.session.expire_all()
    return {"scores_changed": scored, "entered_queue": entered, "settings_version": settings.id}


def flag_case(case: Case, flag: str, reason: str, actor, today: date) -> RiskFlag:
    """Staff flags: a defect or gap raises the score; a hand flag ("hand") puts the case in the queue outright."""
    if not can(actor, "flag_risk"):
        raise PermissionDenied(N_("Only the mediation center and the legal bureau flag cases."))
    if flag not in (*rules.STAFF_FLAGS, "hand"):
        raise DomainError(N_("Unknown flag."))
    if not reason.strip():
        raise DomainError(N_("Give a reason; it is kept in the case history."))
    row = db.session.scalar(select(RiskFlag).where(RiskFlag.case_id == case.id, RiskFlag.flag == flag))
    if row is None:
        row = RiskFlag(case_id=case.id, flag=flag)
        db.session.add(row)
    row.reason, row.set_by_id, row.set_at = reason.strip(), actor.id if actor else None, utc_now()
    db.session.flush()
    audit.record("case", case.id, "risk_flagged", actor, [("risk_flag", None, flag)], comment=reason.strip())
    rescore(today, [case.id])
    return row


# --- the workflow ---------------------------------------------------------------------------------------------


def _transition(risk_case: RiskCase, action: str, actor, comment: str = "", expected_version=None) -> None:
    check_version(risk_case, expected_version, _CONFLICT)
    target = rules.next_state(risk_case.state, action)
    if target is None:
        raise DomainError(
            N_("A risk case that is %(state)s cannot be changed that way."), state=rules.STATES[risk_case.state]
        )
    if not can(actor, rules.ACTION_CAPABILITIES[action], risk_case.case.respondent_unit_id):
        raise PermissionDenied(N_("Your role cannot do that."))
    if action in rules.COMMENT_REQUIRED and not comment.strip():
        raise DomainError(N_("Give a reason; it is kept in the case history."))
    audit.record(
        "risk_case", risk_case.id, action, actor, [("state", risk_case.state, target)], comment=comment.strip() or None
    )
    risk_case.state = target


def confirm(
    risk_case: RiskCase,
    actor,
    *,
    legal_lead: User,
    unit_lead: User,
    legal_members=(),
    unit_members=(),
    expected_version=None,
) -> RiskCase:
    """Confirm the risk and form the double task force: a legal-bureau side and a respondent-unit side."""
    if legal_lead is None or not can(legal_lead, "legal_task_force"):
        raise DomainError(N_("The legal-bureau lead must be an active legal-bureau user."))
    unit_id = risk_case.case.respondent_unit_id
    if unit_lead is None or not can(unit_lead, "unit_task_force", unit_id):
        raise DomainError(N_("The unit lead must be an active liaison of the respondent unit."))
    if not all(can(member, "unit_task_force", unit_id) for member in unit_members):
        raise DomainError(N_("Unit-side members must belong to the respondent unit."))
    if not all(can(member, "legal_task_force") for member in legal_members):
        raise DomainError(N_("Legal-side members must be legal-bureau users."))
    _transition(risk_case, "confirm", actor, expected_version=expected_version)
    people = [(legal_lead, "legal", True), (unit_lead, "unit", True)]
    people += [(m, "legal", False) for m in legal_members if m.id != legal_lead.id]
    people += [(m, "unit", False) for m in unit_members if m.id != unit_lead.id]
    for user, side, lead in people:
        risk_case.members.append(TaskForceMember(user_id=user.id, side=side, is_lead=lead))
    audit.record(
        "risk_case",
        risk_case.id,
        "task_force_formed",
        actor,
        [(f"{side}{'_lead' if lead else '_member'}", None, user.label) for user, side, lead in people],
    )
    flush_or_conflict(_CONFLICT)
    return risk_case


def dismiss(risk_case: RiskCase, actor, reason: str, expected_version=None) -> RiskCase:
    _transition(risk_case, "dismiss", actor, reason, expected_version)
    risk_case.dismissed_reason = reason.strip()
    flush_or_conflict(_CONFLICT)
    return risk_case


def reopen(risk_case: RiskCase, actor, reason: str, expected_version=None) -> RiskCase:
    _transition(risk_case, "reopen", actor, reason, expected_version)
    risk_case.dismissed_reason = None
    flush_or_conflict(_CONFLICT)
    return risk_case


def may_complete(actor, risk_case: RiskCase, side: str) -> bool:
    """Each side completes its own items: the legal bureau the legal side's, the unit's liaisons the unit's."""
    if can(actor, "administer"):
        return True
    if side == "legal":
        return can(actor, "legal_task_force")
    return can(actor, "unit_task_force", risk_case.case.respondent_unit_id)


def add_item(
    risk_case: RiskCase,
    actor,
    *,
    text: str,
    side: str,
    owner: User,
    due_on: date | None,
    today: date,
    done_on: date | None = None,
    evidence: str = "",
) -> ActionItem:
    """A measure for one side of the task force. One recorded after the fact comes with the day it was done and its
    evidence, and then its due day may be past."""
    if risk_case.state != "task_force":
        raise DomainError(N_("Action items are added while the task force is at work."))
    if not can(actor, "manage_risk"):
        raise PermissionDenied(N_("Only the legal bureau assigns action items."))
    if side not in rules.SIDES:
        raise DomainError(N_("Choose the side that owns the item."))
    if not text.strip():
        raise DomainError(N_("Describe the measure."))
    if problems := rules.item_day_problems(due_on, done_on, evidence, risk_case.case.received_on, today):
        raise DomainError(problems[0])
    if owner is None or owner.id not in {m.user_id for m in risk_case.members if m.side == side}:
        raise DomainError(N_("The owner must be a member of that side of the task force."))
    item = ActionItem(text=text.strip(), side=side, owner_id=owner.id, due_on=due_on)
    risk_case.items.append(item)
    db.session.flush()
    audit.record("risk_case", risk_case.id, "item_added", actor, [("item", None, item.text)], comment=str(due_on))
    if done_on is not None:
        item.done_on, item.evidence = done_on, evidence.strip()
        audit.record("risk_case", risk_case.id, "item_done", actor, [("item", None, item.text)], comment=item.evidence)
        db.session.flush()
        return item
    from casetrack.notifications.services import notify

    notify(
        owner.id,
        "risk_item",
        f"risk-item:{item.id}",
        N_("Case %(number)s: a task-force measure is yours, due %(due)s."),
        {"number": risk_case.case.number, "due": due_on.isoformat()},
        f"/risk/{risk_case.id}",
        today,
    )
    return item


def complete_item(item: ActionItem, actor, *, done_on: date | None, evidence: str, today: date) -> ActionItem:
    risk_case = item.risk_case
    if not may_complete(actor, risk_case, item.side):
        raise PermissionDenied(N_("Only the item's own side can complete it."))
    if risk_case.state != "task_force":
        raise DomainError(N_("Action items are completed while the task force is at work."))
    if item.done_on is not None:
        raise DomainError(N_("This item is already done."))
    if done_on is None:
        raise DomainError(N_("Give the date it was done; it cannot be in the future."))
    if problems := dates.happened_problems(done_on, today):
        raise DomainError(problems[0])
    if not evidence.strip():
        raise DomainError(N_("Describe the evidence that it was done."))
    item.done_on, item.evidence = done_on, evidence.strip()
    audit.record("risk_case", risk_case.id, "item_done", actor, [("item", None, item.text)], comment=item.evidence)
    flush_or_conflict(_CONFLICT)
    return item


def request_cross_off(risk_case: RiskCase, actor, resolution: str, expected_version=None) -> RiskCase:
    rectified = case_rectified(risk_case.case_id) if resolution == "lost_rectified" else None
    problems = rules.cross_off_problems([item.done_on for item in risk_case.items], resolution, rectified)
    if problems:
        raise DomainError(problems[0])
    _transition(risk_case, "request_cross_off", actor, expected_version=expected_version)
    risk_case.resolution = resolution
    flush_or_conflict(_CONFLICT)
    return risk_case


def approve(risk_case: RiskCase, actor, today: date, expected_version=None) -> RiskCase:
    _transition(risk_case, "approve", actor, expected_version=expected_version)
    risk_case.crossed_off_on = today
    flush_or_conflict(_CONFLICT)
    return risk_case


def send_back(risk_case: RiskCase, actor, comment: str, expected_version=None) -> RiskCase:
    _transition(risk_case, "send_back", actor, comment, expected_version)
    risk_case.resolution = None
    flush_or_conflict(_CONFLICT)
    return risk_case


def flag_overdue_items(today: date) -> int:
    """Mark items found overdue today and tell their owners once. A second run the same day changes nothing."""
    from casetrack.notifications.services import notify

    items = db.session.scalars(
        select(ActionItem)
        .join(RiskCase)
        .where(
            ActionItem.done_on.is_(None),
            ActionItem.due_on < today,
            ActionItem.overdue_since.is_(None),
            RiskCase.state == "task_force",
        )
    ).all()
    for item in items:
        item.overdue_since = today
        notify(
            item.owner_id,
            "risk_item_overdue",
            f"risk-item-overdue:{item.id}",
            N_("Case %(number)s: the task-force measure due %(due)s is overdue."),
            {"number": item.risk_case.case.number, "due": item.due_on.isoformat()},
            f"/risk/{item.risk_case_id}",
            today,
        )
    db.session.flush()
    return len(items)
