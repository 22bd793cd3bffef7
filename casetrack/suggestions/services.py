"""Verbs on suggestions. Each takes the acting user, checks permission and rules, writes the audit trail and
flushes; the view, task or CLI command around it commits."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import can, home_unit_id
from casetrack.audit import services as audit
from casetrack.cases.models import Case
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.i18n import N_
from casetrack.suggestions import rules
from casetrack.suggestions.models import Suggestion
from casetrack.unit_of_work import check_version, flush_or_conflict

_CONFLICT = N_("Someone else changed this suggestion meanwhile; reload the page and try again.")


def reply_periods() -> dict[str, str]:
    return rules.reply_periods(current_app.config.get("CASETRACK_SUGGESTION_REPLY_PERIODS", ""))


def default_reply_due(kind: str, received_on: date) -> date:
    return rules.default_reply_due(kind, received_on, reply_periods())


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise DomainError(problems[0][1])


def _units(unit_ids, actor) -> list[Unit]:
    ids = {unit_id for unit_id in (unit_ids or []) if unit_id}
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []
    if not units or len(units) != len(set(unit_ids or [])):
        raise DomainError(N_("Choose the unit or units it is addressed to."))
    own = home_unit_id(actor)
    if own is not None and {unit.id for unit in units} != {own}:
        raise PermissionDenied(N_("You can only register suggestions addressed to your own unit."))
    return units


def _cases(case_ids, units: list[Unit]) -> list[Case]:
    ids = set(case_ids or [])
    cases = list(db.session.scalars(select(Case).where(Case.id.in_(ids - {None})))) if ids else []
    unit_ids = {unit.id for unit in units}
    if len(cases) != len(ids) or any(not unit_ids & set(case.respondent_unit_ids) for case in cases):
        raise DomainError(N_("Linked cases must be cases of the addressed units."))
    return cases


def register_suggestion(data: dict, actor, today: date) -> Suggestion:
    """data: number, kind, issuer, received_on, reply_due_on (None: the type's default), unit_ids, case_ids,
    hearing_id, content."""
    if not can(actor, "register_suggestions"):
        raise PermissionDenied(N_("Your role cannot register suggestions."))
    values = {**data, "number": (data.get("number") or "").strip(), "issuer": (data.get("issuer") or "").strip()}
    _refuse(rules.registration_problems(values, today))
    units = _units(data.get("unit_ids"), actor)
    for unit in units:
        if not can(actor, "register_suggestions", unit.id):
            raise PermissionDenied(N_("You can only register suggestions addressed to your own unit."))
    cases = _cases(data.get("case_ids"), units)
    hearing = None
    if data.get("hearing_id"):
        hearing = db.session.get(Hearing, data["hearing_id"])
        if hearing is None or hearing.case_id not in {case.id for case in cases}:
            raise DomainError(N_("The hearing must be one of a linked case."))
    duplicate = db.session.scalar(
        select(Suggestion.id).where(Suggestion.issuer == values["issuer"], Suggestion.number == values["number"])
    )
    if duplicate:
        raise DomainError(N_("%(issuer)s's %(number)s is registered already."), **values)
    kind = rules.TYPES[values["kind"]]
    suggestion = Suggestion(
        number=values["number"],
        kind=kind.code,
        issuer_kind=kind.issuer,
        issuer=values["issuer"],
        received_on=values["received_on"],
        reply_due_on=data.get("reply_due_on") or default_reply_due(kind.code, values["received_on"]),
        content=(data.get("content") or "").strip(),
        hearing_id=hearing.id if hearing else None,
        state="received",
        created_by_id=getattr(actor, "id", None),
        units=units,
        cases=cases,
    )
    db.session.add(suggestion)
    db.session.flush()
    audit.record(
        "suggestion",
        suggestion.id,
        "created",
        actor,
        [
            ("kind", None, suggestion.kind),
            ("number", None, suggestion.number),
            ("received_on", None, suggestion.received_on),
            ("reply_due_on", None, suggestion.reply_due_on),
            ("units", None, "、".join(unit.name for unit in units)),
        ],
    )
    return suggestion


def may(actor, suggestion: Suggestion, action: str) -> bool:
    capability = rules.ACTION_CAPABILITIES[action]
    if not can(actor, capability):
        return False
    if home_unit_id(actor) is None:
        return True
    return any(can(actor, capability, unit_id) for unit_id in suggestion.unit_ids)


def allowed_actions(actor, suggestion: Suggestion) -> list[str]:
    return [
        action for (state, action) in rules.TRANSITIONS if state == suggestion.state and may(actor, suggestion, action)
    ]


def act(
    suggestion: Suggestion,
    action: str,
    actor,
    today: date,
    expected_version=None,
    *,
    on: date | None = None,
    text: str = "",
    comment: str = "",
) -> Suggestion:
    """Move a suggestion on. ``on``/``text``: a reply's date and measures, a rectification's date and evidence."""
    target = rules.next_state(suggestion.state, action)
    if action not in rules.ACTIONS or not may(actor, suggestion, action):
        raise PermissionDenied(N_("Your role cannot do that."))
    check_version(suggestion, expected_version, _CONFLICT)
    if target is None:
        raise DomainError(
            N_("A suggestion that is %(state)s cannot be changed that way."), state=rules.STATES[suggestion.state]
        )
    comment = (comment or "").strip()
    if action in rules.COMMENT_REQUIRED and not comment:
        raise DomainError(N_("Give a reason; it is kept in the history."))
    text = (text or "").strip()
    changes = [("state", suggestion.state, target)]
    if action in ("start", "reply") and text:
        changes.append(("measures", suggestion.measures or None, text))
        suggestion.measures = text
    if action == "reply":
        if not suggestion.measures:
            raise DomainError(N_("Describe the measures the reply sets out."))
        problems = rules.after_problems(
            on,
            suggestion.received_on,
            today,
            N_("Give the date the reply was sent."),
            N_("The reply cannot be sent before the suggestion was received (%(day)s)."),
        )
        if problems:
            raise DomainError(problems[0])
        changes.append(("replied_on", None, on))
        suggestion.replied_on = on
    elif action == "report_rectified":
        problems = rules.after_problems(
            on,
            suggestion.received_on,
            today,
            N_("Give the date the rectification was completed."),
            N_("The rectification cannot be done before the suggestion was received (%(day)s)."),
        )
        if problems:
            raise DomainError(problems[0])
        if not text:
            raise DomainError(N_("Describe the evidence that the rectification was done."))
        changes += [("rectified_on", suggestion.rectified_on, on), ("rectification_evidence", None, text)]
        suggestion.rectified_on, suggestion.rectification_evidence = on, text
    elif action == "accept":
        suggestion.accepted_on, suggestion.accepted_by_id = today, getattr(actor, "id", None)
    elif action == "send_back":
        suggestion.accepted_on = None
    elif action == "close":
        suggestion.closed_reason = comment
    suggestion.state = target
    audit.record("suggestion", suggestion.id, action, actor, changes, comment=comment or None)
    flush_or_conflict(_CONFLICT)
    return suggestion
