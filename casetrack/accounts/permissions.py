"""Who may do what: the one home of every permission. Services, view decorators and templates (``can(...)``) ask
these predicates; no other module compares roles. ``grep -rnE "role (==|!=|in|not in)|\\.role\\b" casetrack``
should find role comparisons here only (plus the code that stores a user's role).

A capability is granted to a set of roles; some are further limited to the actor's own unit, which the caller
passes as ``unit_id`` (the respondent unit of the case, hearing, mediation or risk case at hand). Jobs and CLI
commands act as ``SYSTEM``, which may do everything and is recorded in the audit trail as the system."""

from __future__ import annotations

from dataclasses import dataclass

from casetrack.i18n import N_

ROLES = {
    "mediator": N_("Mediation center staff"),
    "legal": N_("Legal bureau"),
    "unit": N_("Respondent unit liaison"),
    "leader": N_("District leader"),
    "admin": N_("System administrator"),
    "security": N_("Security administrator"),
    "auditor": N_("Audit administrator"),
}
#: 三员分立 (GB/T 22239-2019 level 3): the system, security and audit administrators are three people. One account
#: holds one role, so nobody holds two of them; what each may do is split below, and none of them works cases.
SEPARATED_ROLES = frozenset({"admin", "security", "auditor"})
#: The roles that work cases, hearings, mediations and reports.
BUSINESS_ROLES = frozenset({"mediator", "legal", "unit", "leader", "admin"})


@dataclass(frozen=True)
class SystemActor:
    """The actor of scheduled jobs and command-line work: no person, every capability."""

    id: None = None
    role: str = "system"
    unit_id: None = None
    label: str = "system"
    is_system: bool = True
    is_authenticated: bool = True
    active: bool = True


SYSTEM = SystemActor()

_STAFF = frozenset({"mediator", "legal", "admin"})
_LEGAL = frozenset({"legal", "admin"})
_EVERYONE = BUSINESS_ROLES

#: capability → roles holding it.
CAPABILITIES: dict[str, frozenset[str]] = {
    # Cases. A unit liaison registers and edits only its own unit's cases (OWN_UNIT_ONLY below).
    "register_case": frozenset({"mediator", "legal", "unit", "admin"}),
    "edit_case": frozenset({"mediator", "legal", "unit", "admin"}),
    "move_case": frozenset({"mediator", "legal", "unit", "admin"}),  # accept, decline, suspend, resume
    #: Records a conclusion and its outcome: they feed the figures reported about the unit, so never the unit.
    "conclude_case": _STAFF,
    "reopen_case": _LEGAL,
    #: 补正: the review office examines an application and asks the applicant to complete it (行政复议法 Art. 31).
    "examine_application": _STAFF,
    #: 结案报备: a unit reports its case's outcome for the legal bureau to confirm.
    "report_outcome": frozenset({"unit"}),
    "confirm_outcome": _LEGAL,
    #: 上诉 / 不上诉 after a lost first instance (行政诉讼法 Art. 85): the respondent unit decides, the staff record
    #: it for the unit too.
    "decide_appeal": frozenset({"mediator", "legal", "unit", "admin"}),
    #: The list of lost cases whose appeal is undecided.
    "watch_appeals": _LEGAL,
    "handle_cases": _STAFF,  # may be named a case's handler (承办人)
    #: Adds and removes co-defendants (共同被告): each one's liaisons then see the case, so not the unit itself.
    "name_co_respondents": _STAFF,
    "read_personal_data": _LEGAL,
    "see_all_units": _EVERYONE - {"unit"},
    # Hearings and appearance.
    "schedule_hearing": frozenset({"mediator", "legal", "unit", "admin"}),
    #: The dates a court sets in a lawsuit (举证期限 …): recorded by staff, or by the defendant unit's liaison.
    "set_court_dates": frozenset({"mediator", "legal", "unit", "admin"}),
    "record_appearance": frozenset({"mediator", "legal", "unit", "admin"}),
    "approve_absence": _LEGAL,
    # 听证 of review cases (行政复议法 Arts 50–51): the review office holds them; the respondent unit says whether
    # its head attended, for its own cases only.
    "schedule_review_hearing": _STAFF,
    "record_review_attendance": frozenset({"mediator", "legal", "unit", "admin"}),
    # Mediation.
    "write_mediation": _STAFF,
    "mediate": _STAFF,  # may be named a mediation's mediator
    "mediates_by_default": frozenset({"mediator"}),  # a dispute one registers is one's own unless another is named
    # Risk workflow.
    "flag_risk": _STAFF,
    "manage_risk": _LEGAL,  # scoring rules, confirm/dismiss, action items, approve cross-off
    "legal_task_force": _LEGAL,
    "unit_task_force": frozenset({"unit"}),
    "request_cross_off": frozenset({"legal", "unit", "admin"}),
    # Interviews.
    "read_interviews": frozenset({"legal", "leader", "admin"}),
    "record_interview": _LEGAL,
    #: 同意约谈 / 暂不约谈: the proposals are the district leaders' to decide; the legal bureau then holds them.
    "decide_interview": frozenset({"leader"}),
    # 司法建议, 检察建议, 复议意见书: the legal bureau registers them and accepts a rectification as done; a unit
    # registers one it received directly, and replies and rectifies for its own.
    "read_suggestions": _EVERYONE,
    "register_suggestions": frozenset({"legal", "unit", "admin"}),
    "reply_suggestions": frozenset({"legal", "unit", "admin"}),
    "manage_suggestions": _LEGAL,
    # Rectification after a correction or a loss: the unit does the work, the legal bureau sets and watches it.
    "work_rectification": frozenset({"legal", "unit", "admin"}),
    "manage_rectification": _LEGAL,
    #: Why a case was lost or corrected (类案分析): coded by the legal bureau, read by it and the leaders.
    "code_adverse_reasons": _LEGAL,
    "read_class_cases": frozenset({"legal", "leader", "admin"}),
    # Ledgers, reports, summaries.
    "import_ledger": frozenset({"mediator", "legal", "unit", "admin"}),
    # The file (卷宗) of a case, a mediation, a risk case or an interview: whoever sees the record reads its file.
    "upload_documents": frozenset({"mediator", "legal", "unit", "admin"}),
    "withdraw_documents": frozenset({"mediator", "legal", "unit", "admin"}),
    # What was served when: the respondent records its own services (the complaint copy it received), staff theirs.
    "record_service": frozenset({"mediator", "legal", "unit", "admin"}),
    # Standard documents: the review office issues its notices and decisions; a unit drafts its own 答辩状 and its
    # head's 出庭报备表.
    "generate_documents": _STAFF,
    "draft_respondent_documents": frozenset({"mediator", "legal", "unit", "admin"}),
    "export_ledger": _EVERYONE,
    "read_reports": frozenset({"mediator", "legal", "leader", "admin"}),
    "build_report": _LEGAL,
    "receive_summaries": frozenset({"leader"}),
    #: Preview the next summary and send oneself a test copy: an administrator for any leader, a leader their own.
    "preview_summaries": frozenset({"leader", "admin"}),
    #: 分管领导: a leader may be given the units they oversee, shown first on their landing page and in their mails.
    "oversee_units": frozenset({"leader"}),
    # Administration, split three ways (三员分立).
    #: 系统管理员: units, the calendar, settings, templates, deliveries; users' profiles and operational roles.
    "administer": frozenset({"admin"}),
    #: The users pages: the system administrator keeps the accounts, the security administrator their roles.
    "manage_users": frozenset({"admin", "security"}),
    #: 安全管理员: locks and unlocks accounts, resets passwords and second factors, sets the password and session
    #: policy.
    "lock_accounts": frozenset({"security"}),
    "reset_second_factor": frozenset({"security"}),
    "set_security_policy": frozenset({"security"}),
    #: 审计管理员: reads, searches and exports the audit trail, the other administrators' actions included.
    "read_audit_trail": frozenset({"auditor"}),
    #: The registry itself — cases, hearings, mediations, risk, reports, the API: not the three administrators'
    #: business, bar the system administrator's long-standing part in it.
    "use_registry": BUSINESS_ROLES,
}
#: The parts of the site (blueprints) open to an account without "use_registry": its own login and password, the
#: users pages, the audit trail and the server's own (health check, icon); and the pages anyone may open: the site's
#: root (which sends each role to its landing page) and the API's description.
ADMINISTRATION_AREAS = frozenset({"accounts", "admin", "audit", "system"})
OPEN_ENDPOINTS = frozenset({"cases.index", "api.openapi"})
#: Which roles each role may give an account: the system administrator the operational ones, the security
#: administrator those and the two other administrators' — not the auditor's, who watches the security administrator
#: too: an audit administrator is made on the command line, as the system.
_ASSIGNABLE = {"admin": BUSINESS_ROLES - SEPARATED_ROLES, "security": frozenset(ROLES) - {"auditor"}}

#: Capabilities a unit liaison holds for its own unit's records only.
OWN_UNIT_ONLY = frozenset(
    {
        "register_case",
        "edit_case",
        "move_case",
        "report_outcome",
        "decide_appeal",
        "schedule_hearing",
        "set_court_dates",
        "record_appearance",
        "record_review_attendance",
        "unit_task_force",
        "request_cross_off",
        "import_ledger",
        "upload_documents",
        "withdraw_documents",
        "record_service",
        "draft_respondent_documents",
        "register_suggestions",
        "reply_suggestions",
        "work_rectification",
    }
)


def is_system(actor) -> bool:
    return getattr(actor, "is_system", False)


def can(actor, capability: str, unit_id: int | None = None) -> bool:
    """May ``actor`` do ``capability`` (for a record of ``unit_id``, where that matters)?"""
    if capability not in CAPABILITIES:
        raise KeyError(capability)
    if is_system(actor):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "active", True):
        return False
    if actor.role not in CAPABILITIES[capability]:
        return False
    if unit_id is not None and capability in OWN_UNIT_ONLY and not can(actor, "see_all_units"):
        return actor.unit_id == unit_id
    return True


def may_enter(actor, endpoint: str) -> bool:
    """May ``actor`` open ``endpoint`` at all? Every one for the registry's roles; the administration areas only
    for the security and audit administrators."""
    blueprint = endpoint.rpartition(".")[0]
    return (
        not blueprint or blueprint in ADMINISTRATION_AREAS or endpoint in OPEN_ENDPOINTS or can(actor, "use_registry")
    )


def may_assign_role(actor, role: str) -> bool:
    """May ``actor`` give an account ``role``?"""
    if is_system(actor):
        return True
    return role in _ASSIGNABLE.get(getattr(actor, "role", None), ())


def may_manage_account(actor, user) -> bool:
    """May ``actor`` change ``user``'s account (profile, role, password)? An administrator's account is the
    security administrator's alone (the system administrator resetting another's password could act as them), and
    the audit administrator's nobody's but the command line's: whoever could reset it could read the trail."""
    if is_system(actor):
        return True
    if not can(actor, "manage_users") or user.role == "auditor":
        return False
    return user.role not in SEPARATED_ROLES or actor.role == "security"


def assignable_roles(actor) -> list[str]:
    return [role for role in ROLES if may_assign_role(actor, role)]


def roles_with(capability: str) -> frozenset[str]:
    """The roles holding a capability, for SQL filters (whom to offer as handler, mediator, recipient)."""
    return CAPABILITIES[capability]


#: The page each role opens on — after logging in, at ``/`` and at ``/login`` when already signed in: where its
#: day's work is waiting.
LANDING_ENDPOINTS = {
    # the figures, with the interview proposals, hearings without a named head and the latest annual report
    "leader": "dashboard.index",
    # cases awaiting review and task forces with overdue action items
    "legal": "risk.queue",
    # today's reminders: deadlines due or overdue, hearings whose head is not named, idle mediations
    "mediator": "notifications.index",
    # today's reminders: hearings to name a head for, defences and claims due, the unit's task-force items
    "unit": "notifications.index",
    "admin": "admin.users",
    "security": "admin.users",
    "auditor": "audit.index",
}
DEFAULT_LANDING = "cases.list_cases"


def landing_endpoint(actor) -> str:
    """Where ``actor`` lands: an endpoint for ``url_for``."""
    return LANDING_ENDPOINTS.get(getattr(actor, "role", None), DEFAULT_LANDING)


def is_valid_role(role: str) -> bool:
    return role in ROLES


def needs_unit(role: str) -> bool:
    """Roles whose accounts belong to one unit."""
    return role in CAPABILITIES["unit_task_force"]


def home_unit_id(actor) -> int | None:
    """The unit an actor is confined to, or None when it sees every unit."""
    return None if can(actor, "see_all_units") else actor.unit_id
