"""Verbs on rectification items and loss reasons. Each takes the acting user, checks permission and rules, writes
the audit trail and flushes; the view, task or CLI command around it commits."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import and_, select

from casetrack.accounts.models import User
from casetrack.accounts.permissions import SYSTEM, can
from casetrack.audit import services as audit
from casetrack.cases import kinds
from casetrack.cases.models import Case
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.params import parse_id
from casetrack.rectification import rules
from casetrack.rectification.models import AdverseReason, CaseAdverseReason, RectificationItem
from casetrack.unit_of_work import check_version, flush_or_conflict

_CONFLICT = N_("Someone else changed this rectification item meanwhile; reload the page and try again.")
#: After a reversal on appeal the first instance's loss no longer stands.
REVERSED = "二审改判，原败诉判决不再执行"
NO_LONGER_ADVERSE = "案件结果已变更，不再需要整改"


def _follows_a_standing_loss(case: Case) -> bool:
    """A 二审 that upholds a first instance already lost adds no work: the first instance's items stand."""
    return (
        case.related_relation == "appeal"
        and case.related_case is not None
        and rules.is_adverse(case.related_case.kind, case.related_case.outcome)
    )


def follow_outcome(case: Case, actor, today: date) -> list[RectificationItem]:
    """Bring a case's rectification items in line with its outcome: a concluded correction or loss gets its items
    (once), an outcome that no longer stands cancels the open ones, and a 二审 that reverses a loss cancels the first
    instance's. Safe to call after any change; returns the items created."""
    created = []
    existing = {
        item.action: item
        for item in db.session.scalars(select(RectificationItem).where(RectificationItem.case_id == case.id))
    }
    wanted = (
        ()
        if case.status != "concluded" or _follows_a_standing_loss(case)
        else rules.actions_for(case.kind, case.outcome)
    )
    for action in wanted:
        item = existing.get(action)
        if item is None:
            item = RectificationItem(
                case_id=case.id,
                unit_id=case.respondent_unit_id,
                action=action,
                due_on=(case.concluded_on or today) + timedelta(days=rules.DEFAULT_DUE_DAYS),
                created_on=today,
                state="open",
            )
            db.session.add(item)
            db.session.flush()
            audit.record(
                "rectification_item",
                item.id,
                "created",
                actor,
                [("action", None, action), ("due_on", None, item.due_on)],
            )
            created.append(item)
        elif item.state == "cancelled":
            audit.record("rectification_item", item.id, "reopened", actor, [("state", "cancelled", "open")])
            item.state, item.cancelled_reason = "open", ""
    for action, item in existing.items():
        if action not in wanted and item.state == "open":
            _cancel(item, actor, NO_LONGER_ADVERSE)
    if (
        case.status == "concluded"
        and case.related_relation == "appeal"
        and case.related_case is not None
        and rules.is_adverse(case.related_case.kind, case.related_case.outcome)
        and not rules.is_adverse(case.kind, case.outcome)
    ):
        for item in db.session.scalars(
            select(RectificationItem).where(
                RectificationItem.case_id == case.related_case_id, RectificationItem.state == "open"
            )
        ):
            _cancel(item, actor, REVERSED)
    db.session.flush()
    return created


def _cancel(item: RectificationItem, actor, reason: str) -> None:
    audit.record("rectification_item", item.id, "cancelled", actor, [("state", item.state, "cancelled")], reason)
    item.state, item.cancelled_reason = "cancelled", reason


def sweep(today: date) -> int:
    """Every concluded correction or loss without its items gets them: what an import or an older database brought
    in without passing through the case's verbs. Returns how many items were made."""
    adverse = [
        and_(Case.kind == kind, Case.outcome.in_(outcomes))
        for attribute in ("corrected", "lost")
        for kind, outcomes in kinds.counted_kinds(attribute)
    ]
    from sqlalchemy import exists, or_

    missing = select(Case).where(
        Case.status == "concluded",
        or_(*adverse),
        ~exists().where(RectificationItem.case_id == Case.id),
    )
    made = 0
    for case in db.session.scalars(missing.order_by(Case.id)).all():
        made += len(follow_outcome(case, SYSTEM, today))
    return made


def _check(item: RectificationItem, actor, capability: str) -> None:
    if not can(actor, capability) or not can(actor, capability, item.unit_id):
        raise PermissionDenied(N_("Your role cannot do that."))


def plan_item(
    item: RectificationItem,
    actor,
    today: date,
    expected_version=None,
    *,
    description: str,
    owner_id,
    due_on: date | None,
) -> RectificationItem:
    """What must be done and who does it: the unit names its owner and describes the work; only the legal bureau
    moves the due date (the ruling's, or the default)."""
    _check(item, actor, "work_rectification")
    check_version(item, expected_version, _CONFLICT)
    if item.state != "open":
        raise DomainError(N_("Only an open rectification item can be changed."))
    owner = None
    if owner_id not in (None, "", 0):
        owner = db.session.get(User, parse_id(owner_id) or 0)
        if owner is None or not owner.active or not can(owner, "work_rectification", item.unit_id):
            raise DomainError(N_("The owner must be active staff or a liaison of the unit."))
    changes = []
    if due_on is not None and due_on != item.due_on:
        if not can(actor, "manage_rectification"):
            raise PermissionDenied(N_("Only the legal bureau changes a rectification's due date."))
        if problems := rules.due_problems(due_on, today):
            raise DomainError(problems[0])
        changes.append(("due_on", item.due_on, due_on))
        item.due_on = due_on
    description = (description or "").strip()
    if description != item.description:
        changes.append(("description", item.description or None, description or None))
        item.description = description
    new_owner_id = owner.id if owner else None
    if new_owner_id != item.owner_id:
        changes.append(("owner", item.owner.label if item.owner else None, owner.label if owner else None))
        item.owner_id = new_owner_id
    if changes:
        audit.record("rectification_item", item.id, "updated", actor, changes)
    flush_or_conflict(_CONFLICT)
    return item


def complete_item(
    item: RectificationItem, actor, today: date, expected_version=None, *, done_on: date | None, evidence: str
) -> RectificationItem:
    _check(item, actor, "work_rectification")
    check_version(item, expected_version, _CONFLICT)
    if item.state != "open":
        raise DomainError(N_("Only an open rectification item can be changed."))
    if problems := rules.done_problems(done_on, item.case.received_on, evidence, today):
        raise DomainError(problems[0])
    if item.case.concluded_on and done_on < item.case.concluded_on:
        raise DomainError(N_("The work cannot be done before the case was concluded."))
    audit.record(
        "rectification_item",
        item.id,
        "done",
        actor,
        [("done_on", None, done_on), ("evidence", None, evidence.strip()), ("state", "open", "done")],
    )
    item.done_on, item.evidence, item.state = done_on, evidence.strip(), "done"
    flush_or_conflict(_CONFLICT)
    return item


def items_of_case(case_id: int) -> list[RectificationItem]:
    return list(
        db.session.scalars(
            select(RectificationItem).where(RectificationItem.case_id == case_id).order_by(RectificationItem.id)
        )
    )


def case_rectified(case_id: int) -> bool | None:
    """Whether every item of a case is done (None: it has none that count)."""
    states = [item.state for item in items_of_case(case_id) if item.state != "cancelled"]
    return all(state == "done" for state in states) if states else None


# --- why cases are lost or corrected ------------------------------------------------------------------------


def ensure_reasons() -> None:
    """The built-in reasons exist (a new database, a test): added once, never renamed here."""
    have = set(db.session.scalars(select(AdverseReason.code)))
    for position, code in enumerate(rules.REASONS):
        if code not in have:
            db.session.add(AdverseReason(code=code, label=rules.REASON_TERMS[code], position=position, active=True))
    db.session.flush()


def reasons(active_only: bool = True) -> list[AdverseReason]:
    stmt = select(AdverseReason).order_by(AdverseReason.position, AdverseReason.id)
    if active_only:
        stmt = stmt.where(AdverseReason.active.is_(True))
    return list(db.session.scalars(stmt))


def coded_reasons(case_id: int) -> list[CaseAdverseReason]:
    return list(
        db.session.scalars(
            select(CaseAdverseReason)
            .join(AdverseReason)
            .where(CaseAdverseReason.case_id == case_id)
            .order_by(AdverseReason.position)
        )
    )


def code_reasons(case: Case, actor, reason_ids: list, other_words: str) -> list[CaseAdverseReason]:
    """The legal bureau says why a case was lost or corrected; a new coding replaces the old one."""
    if not can(actor, "code_adverse_reasons"):
        raise PermissionDenied(N_("Only the legal bureau codes why a case was lost or corrected."))
    if case.status != "concluded" or not rules.is_adverse(case.kind, case.outcome):
        raise DomainError(N_("Only a concluded case that was corrected or lost has reasons to code."))
    ids = {parse_id(value) for value in reason_ids or []}
    chosen = list(db.session.scalars(select(AdverseReason).where(AdverseReason.id.in_(ids - {None})))) if ids else []
    if len(chosen) != len(ids) or any(not reason.active for reason in chosen):
        raise DomainError(N_("Choose reasons from the list."))
    if problems := rules.reason_problems([reason.code for reason in chosen], other_words):
        raise DomainError(problems[0])
    before = "、".join(coded.reason.label for coded in coded_reasons(case.id)) or None
    for coded in coded_reasons(case.id):
        db.session.delete(coded)
    db.session.flush()
    made = [
        CaseAdverseReason(
            case_id=case.id,
            reason_id=reason.id,
            words=(other_words or "").strip() if reason.code == rules.OTHER else "",
            coded_by_id=getattr(actor, "id", None),
        )
        for reason in chosen
    ]
    db.session.add_all(made)
    after = "、".join(reason.label for reason in sorted(chosen, key=lambda r: r.position))
    if other_words and any(reason.code == rules.OTHER for reason in chosen):
        after += f"（{other_words.strip()}）"
    audit.record("case", case.id, "reasons_coded", actor, [("adverse_reasons", before, after)])
    db.session.flush()
    return made


def add_reason(actor, label: str) -> AdverseReason:
    if not can(actor, "code_adverse_reasons"):
        raise PermissionDenied(N_("Only the legal bureau codes why a case was lost or corrected."))
    label = (label or "").strip()
    if not label or len(label) > 60:
        raise DomainError(N_("Give the reason's name (at most 60 characters)."))
    if db.session.scalar(select(AdverseReason.id).where(AdverseReason.label == label)):
        raise DomainError(N_("That reason is on the list already."))
    last = max((reason.position for reason in reasons(active_only=False)), default=0)
    # "custom_…": the figure registry counts an added reason under "other" (stats.queries.reason_counts).
    reason = AdverseReason(code=f"custom_{uuid.uuid4().hex[:16]}", label=label, position=last + 1, active=True)
    db.session.add(reason)
    db.session.flush()
    audit.record("adverse_reason", reason.id, "created", actor, [("label", None, label)])
    db.session.flush()
    return reason


def set_reason_active(actor, reason: AdverseReason, active: bool) -> AdverseReason:
    if not can(actor, "code_adverse_reasons"):
        raise PermissionDenied(N_("Only the legal bureau codes why a case was lost or corrected."))
    if reason.code == rules.OTHER and not active:
        raise DomainError(N_("The reason 其他 stays on the list: a reason outside it is coded there with its words."))
    if reason.active != active:
        audit.record("adverse_reason", reason.id, "updated", actor, [("active", reason.active, active)])
        reason.active = active
    db.session.flush()
    return reason
