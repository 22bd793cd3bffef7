"""How an audit entry reads on screen: its action, field and values in the reader's language.

The audit trail stores codes (``status``, ``open→succeeded``, ``risk_flag hand``) so that it means the same in
every language and years later; each domain's rules module says what its codes are called (``AUDIT_FIELDS`` and
``AUDIT_VALUES``, by the kind of record), and this module only gathers them. A code no domain names is shown
as it is, and tests/i18n fails on it."""

from __future__ import annotations

import re
from datetime import datetime

from casetrack.accounts import rules as account_rules
from casetrack.audit import rules as audit_rules
from casetrack.case_file import rules as case_file_rules
from casetrack.cases import kinds as case_kinds
from casetrack.cases import rules as case_rules
from casetrack.clock import local_text
from casetrack.documents import rules as document_rules
from casetrack.hearings import rules as hearing_rules
from casetrack.i18n import text_of
from casetrack.interviews import rules as interview_rules
from casetrack.mediation import rules as mediation_rules
from casetrack.params import parse_id
from casetrack.rectification import rules as rectification_rules
from casetrack.review_hearings import rules as review_hearing_rules
from casetrack.risk import rules as risk_rules
from casetrack.suggestions import rules as suggestion_rules
from casetrack.summaries import rules as summary_rules
from casetrack.workdays import rules as workday_rules

_DOMAINS = (
    case_rules,
    hearing_rules,
    review_hearing_rules,
    risk_rules,
    mediation_rules,
    account_rules,
    workday_rules,
    document_rules,
    case_file_rules,
    suggestion_rules,
    rectification_rules,
    summary_rules,
    audit_rules,
)


def _gathered(name: str) -> dict[str, dict]:
    gathered: dict[str, dict] = {}
    for domain in _DOMAINS:
        for entity_type, entries in getattr(domain, name).items():
            gathered.setdefault(entity_type, {}).update(entries)
    return gathered


#: entity type → field → msgid.
FIELDS = _gathered("AUDIT_FIELDS")
#: entity type → field → {code: msgid}.
VALUES = _gathered("AUDIT_VALUES")
#: entity type → action → msgid; the workflows' own actions first, then the ones every record shares.
ACTIONS = {
    "case": case_rules.ACTIONS,
    "risk_case": risk_rules.ACTIONS,
    "suggestion": suggestion_rules.ACTIONS,
    "interview_decision": interview_rules.ACTIONS,
}

#: Fields whose value is a record's id, shown by the record's name.
_REFERENCES = {"handler_id": "user", "respondent_unit_id": "unit", "case_id": "case"}
#: An instant as the audit trail keeps it (datetime.isoformat() of an aware stamp): shown in the district's time.
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)")
_BOOLEANS = {"True": audit_rules.YES, "False": audit_rules.NO}


def action_label(entry) -> str:
    for labels in (ACTIONS.get(entry.entity_type, {}), audit_rules.ACTION_LABELS):
        if entry.action in labels:
            return text_of(labels[entry.action])
    return entry.action


def action_code_label(action: str) -> str:
    """An action's words wherever a record kind uses it (the auditor's menu of actions)."""
    for labels in (audit_rules.ACTION_LABELS, *ACTIONS.values()):
        if action in labels:
            return text_of(labels[action])
    return action


def record_kind_label(entity_type: str) -> str:
    known = audit_rules.RECORD_KINDS
    return text_of(known[entity_type]) if entity_type in known else entity_type


def field_label(entry) -> str:
    if not entry.field:
        return ""
    if entry.entity_type == "risk_settings" and entry.field not in FIELDS["risk_settings"]:
        return "：".join(text_of(word) for word in risk_rules.weight_words(entry.field))
    known = FIELDS.get(entry.entity_type, {})
    return text_of(known[entry.field]) if entry.field in known else entry.field


def value_text(entry, value: str | None) -> str:
    if value is None:
        return ""
    if _INSTANT.fullmatch(value):
        return local_text(datetime.fromisoformat(value))
    if value in _BOOLEANS:
        return text_of(_BOOLEANS[value])
    names = VALUES.get(entry.entity_type, {}).get(entry.field)
    if names is not None:
        return text_of(names[value]) if value in names else value
    if entry.field == "principal":
        return _principal(value)
    if entry.entity_type == "case" and entry.field == "co_respondents":
        return _respondents(value)
    if entry.field in _REFERENCES and parse_id(value):
        return _record_name(_REFERENCES[entry.field], int(value)) or value
    if entry.field and entry.field.endswith("_fen") and entry.field in case_kinds.ALL_OWN_FIELDS:
        digits = value.removeprefix("-")
        if digits.isascii() and digits.isdigit():
            return case_kinds.format_yuan(int(value))
    return value


def comment_text(entry) -> str:
    """The entry's comment: what a person wrote, or a note a job left in words of its own (a code)."""
    if entry.comment in audit_rules.COMMENTS:
        return text_of(audit_rules.COMMENTS[entry.comment])
    return entry.comment or ""


def source_parts(source: str | None) -> tuple[str, str]:
    """Where a change without a person came from, as words and the technical detail they name: a scheduled job
    and its task, the command line and its user@host, or a web address (all detail)."""
    if not source:
        return "", ""
    for prefix, words in audit_rules.SOURCES.items():
        if source.startswith(prefix + " "):
            return text_of(words), source.removeprefix(prefix + " ")
    return "", source


_RESPONDENT = re.compile(r"(?P<name>.+)\((?P<role>[a-z_]+)\)")


def _respondents(value: str) -> str:
    # cases.rules.respondents_text: 单位甲(review_body)、单位乙(other), the roles named in the reader's language.
    parts = []
    for part in value.split("、") if value else []:
        found = _RESPONDENT.fullmatch(part)
        role = found and case_kinds.RESPONDENT_ROLES.get(found["role"])
        parts.append(f"{found['name']}（{text_of(role)}）" if role else part)
    return "、".join(parts)


def _principal(value: str) -> str:
    # Entries before the name and position were kept apart read "name title-code".
    name, _, title = value.rpartition(" ")
    if title in hearing_rules.PRINCIPAL_TITLES:
        return f"{name} {text_of(hearing_rules.PRINCIPAL_TITLES[title])}"
    return value


def _record_name(kind: str, record_id: int) -> str | None:
    from casetrack.accounts.models import Unit, User
    from casetrack.cases.models import Case
    from casetrack.extensions import db

    if kind == "user":
        user = db.session.get(User, record_id)
        return user.label if user else None
    if kind == "unit":
        unit = db.session.get(Unit, record_id)
        return unit.name if unit else None
    case = db.session.get(Case, record_id)
    return case.number if case else None
