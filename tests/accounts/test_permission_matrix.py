"""Issue 9, item 2: one declared table of who may call every URL rule of the app, checked against the real
``app.url_map``. The expected roles are written out here on purpose — never computed from
``accounts.permissions.CAPABILITIES`` — so a change of the permissions has to change this table too.

Per (rule, method) a row declares the roles allowed, the status every other role gets (403, or 404 for a record
the actor may not see), the roles the service refuses with a flash and a redirect (302), and, for rules that name
a unit-scoped record, the status a unit liaison gets for another unit's record (404). Anonymous callers are sent
to /login (302) from pages and get 401 from /api/v1/*. A refused write must change nothing: every table's rows
(counts and contents, audit_entries included) are compared before and after."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casetrack.accounts.models import ApiToken
from casetrack.accounts.permissions import SYSTEM
from casetrack.accounts.services import issue_token
from casetrack.case_file import services as case_file
from casetrack.clock import local_today
from casetrack.documents import services as documents
from casetrack.extensions import db
from tests.conftest import csrf_token
from tests.documents.helpers import pdf_bytes

MEDIATOR, LEGAL, UNIT, LEADER, ADMIN = "mediator", "legal", "unit", "leader", "admin"
SECURITY, AUDITOR = "security", "auditor"
ANON = "anonymous"
# The unit and the leader go first, before staff change the world; the security administrator last, whose row locks an
# account.
ROLES = (UNIT, LEADER, AUDITOR, MEDIATOR, LEGAL, ADMIN, SECURITY)
#: Everyone who works in the registry: the security and audit administrators do not (三员分立).
EVERYONE = frozenset({UNIT, LEADER, MEDIATOR, LEGAL, ADMIN})
SIGNED_IN = frozenset(ROLES)
USER_ADMINS = frozenset({ADMIN, SECURITY})
STAFF = frozenset({MEDIATOR, LEGAL, ADMIN})
LEGAL_ADMIN = frozenset({LEGAL, ADMIN})
WRITERS = frozenset({MEDIATOR, LEGAL, UNIT, ADMIN})
ONLY_ADMIN = frozenset({ADMIN})
PUBLIC = "public"
TODAY = local_today()
STATIC_FILE = "css/app.css"
assert (Path(__file__).resolve().parents[2] / "casetrack/static" / STATIC_FILE).is_file()


@dataclass(frozen=True)
class Row:
    rule: str
    method: str
    allowed: frozenset | str
    refused: int | dict = 403  # the status of a role not allowed (or, by role, 403 for the rest)
    other_unit: int | None = None  # a unit liaison asking for another unit's record
    ok: int | None = None  # the exact status of an allowed role, where it is obvious
    flash_refused: frozenset = frozenset()  # refused by the service: a 302 back with a message
    data: object = None  # callable(world) -> form data
    query: str = ""
    last: bool = False  # ends the session (logout): run after every other row

    @property
    def key(self):
        return (self.rule, self.method)


def _conclude(world):
    return {"on": TODAY.isoformat(), "outcome": "revoked", "reason": "", "version": _version(world["case"])}


def _co_respondent(world):
    # The main respondent as co-defendant: refused by the rules with a message, so every staff role's post is alike.
    return {"unit_id": str(world["unit"].id), "role": "other", "version": _version(world["case"])}


def _document(world):
    return {"reason": "", "version": _version(world["document"])}


def _report(world):
    return {"on": TODAY.isoformat(), "outcome": "revoked", "reason": "判决书已送达"}


def _appeal(world):
    return {"decision": "no_appeal", "decided_on": TODAY.isoformat(), "approved_by": "王局长"}


def _close_suggestion(world):
    return {"action": "close", "comment": "已撤回", "version": _version(world["suggestion"])}


def _plan_rectification(world):
    return {"description": "重新作出决定", "owner_id": "", "version": _version(world["rectification"])}


def _rectification_done(world):
    return {"done_on": TODAY.isoformat(), "evidence": "新决定书", "version": _version(world["rectification"])}


def _decision(world):
    return {"since": TODAY.isoformat(), "decision": "declined", "reason": "已督促整改"}


def _version(obj):
    db.session.expire_all()
    return str(db.session.get(type(obj), obj.id).version)


def _risk_version(world):
    return {"version": _version(world["risk_case"]), "comment": "不予纳入"}


def _item(world):
    return {"text": "整改", "side": "unit", "owner_id": str(world["liaison"].id), "due_on": TODAY.isoformat()}


def _done(world):
    return {"done_on": TODAY.isoformat(), "evidence": "已整改"}


def _extend(world):
    return {"extended_to": (TODAY + timedelta(days=30)).isoformat(), "reason": "申请人住院", "version": "1"}


def _court_date(world):
    return {"kind": "evidence_exchange", "due_on": (TODAY + timedelta(days=5)).isoformat(), "owner_id": "0"}


def _flag(world):
    return {"flag": "hand", "reason": "多次信访"}


def _schedule(world):
    return {"held_on": (TODAY + timedelta(days=9)).isoformat(), "court": "富阳区人民法院"}


def _principal(world):
    return {"principal_name": "王局长", "principal_title": "main", "version": _version(world["hearing"])}


def _appearance(world):
    return {
        "appeared": "yes",
        "principal_name": "王局长",
        "principal_title": "main",
        "version": _version(world["hearing"]),
    }


def _review_schedule(world):
    return {"held_on": (TODAY + timedelta(days=9)).isoformat(), "place": "听证室", "matters": "事实认定"}


def _notice(world):
    return {"notice_sent_on": TODAY.isoformat(), "version": _version(world["review_hearing"])}


def _attendance(world):
    return {
        "attended": "no",
        "absence_reason": "出差",
        "delegate_name": "王科员",
        "version": _version(world["review_hearing"]),
    }


R = Row
UPLOADER_ONLY = {LEGAL: 404, UNIT: 404, ADMIN: 404}
MATRIX: tuple[Row, ...] = (
    R("/", "GET", SIGNED_IN, ok=302),
    R("/account/password", "GET", SIGNED_IN, ok=200),
    R("/account/password", "POST", SIGNED_IN),
    R("/account/second-factor", "GET", SIGNED_IN, ok=200),
    R("/account/second-factor", "POST", SIGNED_IN),
    R("/account/continue", "GET", SIGNED_IN, ok=302),
    R("/admin/security-policy", "GET", frozenset({SECURITY}), ok=200),
    R("/admin/security-policy", "POST", frozenset({SECURITY})),
    R("/admin/users/<int:user_id>/second-factor/reset", "POST", frozenset({SECURITY})),
    R("/admin/calendar/", "GET", ONLY_ADMIN, ok=200),
    R("/admin/calendar/", "POST", ONLY_ADMIN),
    R("/admin/calendar/delete", "POST", ONLY_ADMIN),
    R("/admin/calendar/schedule", "GET", ONLY_ADMIN, ok=200),
    R("/admin/calendar/schedule", "POST", ONLY_ADMIN),
    R("/admin/calendar/schedule/confirm", "POST", ONLY_ADMIN),
    R("/admin/calendar/years/<int:year>/complete", "POST", ONLY_ADMIN),
    R("/admin/calendar/years/<int:year>/reopen", "POST", ONLY_ADMIN),
    R("/admin/document-templates/", "GET", ONLY_ADMIN, ok=200),
    R("/admin/document-templates/<template_code>.docx", "GET", ONLY_ADMIN, ok=200),
    R("/admin/document-templates/<template_code>", "POST", ONLY_ADMIN),
    R("/admin/document-templates/<template_code>/revert", "POST", ONLY_ADMIN),
    R("/admin/summaries/", "GET", ONLY_ADMIN, ok=200),
    R("/admin/summaries/<int:send_id>/resend", "POST", ONLY_ADMIN),
    R("/admin/summaries/groups/<int:send_id>/resend", "POST", ONLY_ADMIN),
    R("/admin/summaries/targets", "POST", ONLY_ADMIN),
    R("/admin/summaries/targets/<int:target_id>/active", "POST", ONLY_ADMIN, ok=302),
    R("/summaries/preview", "GET", frozenset({LEADER, ADMIN}), ok=200),
    R("/summaries/preview/message", "GET", frozenset({LEADER, ADMIN}), ok=200),
    R("/summaries/preview/chart.png", "GET", frozenset({LEADER, ADMIN}), ok=200),
    # The test copy goes to the test's unreachable SMTP server: refused with a message, nothing recorded.
    R("/summaries/preview/test", "POST", frozenset({LEADER, ADMIN}), ok=302),
    R("/admin/reminders/", "GET", ONLY_ADMIN, ok=200),
    R("/admin/reminders/<int:digest_id>/resend", "POST", ONLY_ADMIN),
    R("/admin/tokens", "GET", ONLY_ADMIN, ok=200),
    R("/admin/tokens/<int:token_id>/revoke", "POST", ONLY_ADMIN),
    R("/admin/units", "GET", ONLY_ADMIN, ok=200),
    R("/admin/units/<int:unit_id>", "GET", ONLY_ADMIN, ok=200),
    R("/admin/units/<int:unit_id>", "POST", ONLY_ADMIN),
    R("/admin/units/new", "GET", ONLY_ADMIN, ok=200),
    R("/admin/units/new", "POST", ONLY_ADMIN),
    R("/admin/users", "GET", USER_ADMINS, ok=200),
    R("/admin/users/<int:user_id>", "GET", USER_ADMINS, ok=200),
    R("/admin/users/<int:user_id>", "POST", USER_ADMINS),
    R("/admin/users/<int:user_id>/active", "POST", frozenset({SECURITY})),
    R("/admin/users/new", "GET", USER_ADMINS, ok=200),
    R("/admin/users/new", "POST", USER_ADMINS),
    R("/audit/", "GET", frozenset({AUDITOR}), ok=200),
    R("/audit/export.xlsx", "GET", frozenset({AUDITOR}), ok=200),
    R("/api/v1/cases", "GET", EVERYONE, ok=200),
    R("/api/v1/cases/<int:case_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R("/api/v1/cases/<int:case_id>/documents", "GET", EVERYONE, ok=200, other_unit=404),
    # Posted without a file: every role that may see the case is told to send one (400) and nothing is stored.
    R("/api/v1/cases/<int:case_id>/documents", "POST", WRITERS, refused={LEADER: 400}, other_unit=404),
    R("/api/v1/documents/<int:document_id>/content", "GET", EVERYONE, ok=200, other_unit=404),
    R("/api/v1/figures", "GET", EVERYONE, ok=200, query="?year=2020"),
    R("/api/v1/openapi.json", "GET", PUBLIC, ok=200),  # describes no data; a client needs it to authenticate
    R("/api/v1/risk-queue", "GET", EVERYONE, ok=200),
    R("/cases", "GET", EVERYONE, ok=200),
    R("/cases/<int:case_id>", "GET", EVERYONE, ok=200, other_unit=404),
    # action=conclude: a unit liaison may not conclude even its own case; it reports the outcome instead.
    R("/cases/<int:case_id>/<action>", "POST", STAFF, flash_refused={UNIT}, other_unit=404, data=_conclude),
    R("/cases/<int:case_id>/co-respondents", "POST", STAFF, ok=302, data=_co_respondent),
    R("/cases/<int:case_id>/co-respondents/<int:unit_id>/remove", "POST", STAFF, ok=302, data=_co_respondent),
    R("/cases/<int:case_id>/edit", "GET", WRITERS, ok=200, other_unit=404),
    R("/cases/<int:case_id>/edit", "POST", WRITERS, other_unit=404),
    R("/cases/<int:case_id>/report-outcome", "POST", frozenset({UNIT}), other_unit=404, data=_report),
    # 补正 is the review office's: a liaison may write its unit's cases but is refused by the service.
    R("/cases/<int:case_id>/correction/extend", "POST", STAFF, flash_refused={UNIT}, other_unit=404, data=_extend),
    R("/cases/<int:case_id>/court-dates", "POST", WRITERS, other_unit=404, data=_court_date),
    R("/cases/<int:case_id>/court-dates/<int:court_date_id>/done", "POST", WRITERS, other_unit=404, data=_done),
    R("/cases/<int:case_id>/court-dates/<int:court_date_id>/remove", "POST", WRITERS, other_unit=404),
    R("/cases/suspended", "GET", EVERYONE, ok=200),
    R("/cases/suspended.xlsx", "GET", EVERYONE, ok=200),
    # 上诉 / 不上诉: the respondent unit decides, the staff record it for it (the world's case was not lost, so an
    # allowed role is told so by a flash; a refused one changes nothing).
    R("/cases/<int:case_id>/appeal-decision", "POST", WRITERS, other_unit=404, data=_appeal),
    R("/cases/appeals", "GET", LEGAL_ADMIN, ok=200),
    R("/cases/appeals/export.xlsx", "GET", LEGAL_ADMIN, ok=200),
    R("/cases/export.xlsx", "GET", EVERYONE, ok=200),
    R("/cases/new", "GET", WRITERS, ok=200),
    R("/cases/new", "POST", WRITERS),
    R("/cases/outcome-reports", "GET", EVERYONE, ok=200),
    R("/cases/outcome-reports/<int:report_id>/confirm", "POST", LEGAL_ADMIN),
    R("/cases/outcome-reports/<int:report_id>/return", "POST", LEGAL_ADMIN),
    # The answer, the evidence list, service records and standard documents of a case. Posted without their
    # fields (or the case's version), every role that sees the case is sent back with the message.
    R("/case-file/<int:case_id>/answer", "POST", WRITERS, flash_refused={LEADER}, other_unit=404),
    R("/case-file/<int:case_id>/evidence", "POST", WRITERS, flash_refused={LEADER}, other_unit=404),
    R("/case-file/<int:case_id>/evidence.docx", "GET", EVERYONE, ok=200, other_unit=404),
    R("/case-file/<int:case_id>/evidence/store", "POST", WRITERS, flash_refused={LEADER}, other_unit=404),
    R(
        "/case-file/<int:case_id>/evidence/<int:evidence_id>/<any(up, down):direction>",
        "POST",
        WRITERS,
        flash_refused={LEADER},
        other_unit=404,
    ),
    R(
        "/case-file/<int:case_id>/evidence/<int:evidence_id>/remove",
        "POST",
        WRITERS,
        flash_refused={LEADER},
        other_unit=404,
    ),
    R("/case-file/<int:case_id>/generate", "POST", WRITERS, flash_refused={LEADER}, other_unit=404),
    R("/case-file/<int:case_id>/services", "POST", WRITERS, flash_refused={LEADER}, other_unit=404),
    R("/case-file/<int:case_id>/services.xlsx", "GET", EVERYONE, ok=200, other_unit=404),
    R(
        "/case-file/<int:case_id>/services/<int:service_id>/withdraw",
        "POST",
        WRITERS,
        flash_refused={LEADER},
        other_unit=404,
    ),
    R("/dashboard", "GET", EVERYONE, ok=200),
    R("/dashboard/export.xlsx", "GET", EVERYONE, ok=200),
    R("/favicon.ico", "GET", PUBLIC, ok=200),
    R("/healthz", "GET", PUBLIC),
    R("/hearings/<int:hearing_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R(
        "/hearings/<int:hearing_id>/appearance",
        "POST",
        WRITERS,
        flash_refused={LEADER},
        other_unit=404,
        data=_appearance,
    ),
    R(
        "/hearings/<int:hearing_id>/respondents/<int:unit_id>/appearance",
        "POST",
        WRITERS,
        flash_refused={LEADER},
        other_unit=404,
        data=_appearance,
    ),
    R(
        "/hearings/<int:hearing_id>/approve",
        "POST",
        LEGAL_ADMIN,
        flash_refused={UNIT, MEDIATOR, LEADER},
        other_unit=404,
    ),
    R(
        "/hearings/<int:hearing_id>/respondents/<int:unit_id>/approve",
        "POST",
        LEGAL_ADMIN,
        flash_refused={UNIT, MEDIATOR, LEADER},
        other_unit=404,
    ),
    R("/hearings/<int:hearing_id>/principal", "POST", WRITERS, flash_refused={LEADER}, other_unit=404, data=_principal),
    # The same views for a co-defendant's record; the world names the main respondent, which is the hearing's own.
    R(
        "/hearings/<int:hearing_id>/respondents/<int:unit_id>/principal",
        "POST",
        WRITERS,
        flash_refused={LEADER},
        other_unit=404,
        data=_principal,
    ),
    R("/hearings/appearance", "GET", EVERYONE, ok=200),
    R("/hearings/calendar", "GET", EVERYONE, ok=200),
    # A liaison schedules its own unit's hearings: it is told the court's dates first.
    R("/hearings/new/<int:case_id>", "POST", WRITERS, flash_refused={LEADER}, other_unit=404, data=_schedule),
    # 听证 of review cases: the review office schedules them and records the notice; a unit says whether its head
    # attended.
    R("/review-hearings/<int:review_hearing_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R(
        "/review-hearings/<int:review_hearing_id>/attendance",
        "POST",
        WRITERS,
        flash_refused={LEADER},
        other_unit=404,
        data=_attendance,
    ),
    R(
        "/review-hearings/<int:review_hearing_id>/notice",
        "POST",
        STAFF,
        flash_refused={UNIT, LEADER},
        other_unit=404,
        data=_notice,
    ),
    R(
        "/review-hearings/new/<int:case_id>",
        "POST",
        STAFF,
        flash_refused={UNIT, LEADER},
        other_unit=404,
        data=_review_schedule,
    ),
    # The case file (卷宗): whoever sees the case reads its file; writers add to it. Posted without a file or a
    # reason, every role is sent back with the message and nothing changes.
    R("/documents/<int:document_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R("/documents/<int:document_id>/content", "GET", EVERYONE, ok=200, other_unit=404),
    R("/documents/<int:document_id>/replace", "POST", WRITERS, flash_refused={LEADER}, other_unit=404, data=_document),
    R("/documents/<int:document_id>/withdraw", "POST", WRITERS, flash_refused={LEADER}, other_unit=404, data=_document),
    R("/documents/<owner_type>/<int:owner_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R("/documents/<owner_type>/<int:owner_id>", "POST", WRITERS, flash_refused={LEADER}, other_unit=404),
    R("/documents/<owner_type>/<int:owner_id>/archive.zip", "GET", EVERYONE, ok=200, other_unit=404),
    # Suggestions: everyone reads (a unit its own); the legal bureau and a unit register; the legal bureau closes.
    R("/suggestions/", "GET", EVERYONE, ok=200),
    R("/suggestions/export.xlsx", "GET", EVERYONE, ok=200),
    R("/suggestions/new", "GET", frozenset({LEGAL, UNIT, ADMIN}), ok=200),
    R("/suggestions/new", "POST", frozenset({LEGAL, UNIT, ADMIN})),
    R("/suggestions/<int:suggestion_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R(
        "/suggestions/<int:suggestion_id>/act",
        "POST",
        LEGAL_ADMIN,
        flash_refused={UNIT, LEADER, MEDIATOR},
        other_unit=404,
        data=_close_suggestion,
    ),
    # Rectification after a correction or a loss: the unit does the work, the legal bureau watches it.
    R("/rectification/", "GET", EVERYONE, ok=200),
    R("/rectification/export.xlsx", "GET", EVERYONE, ok=200),
    R("/rectification/<int:rectification_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R(
        "/rectification/<int:rectification_id>/plan",
        "POST",
        frozenset({LEGAL, UNIT, ADMIN}),
        other_unit=404,
        data=_plan_rectification,
    ),
    R(
        "/rectification/<int:rectification_id>/done",
        "POST",
        frozenset({LEGAL, UNIT, ADMIN}),
        other_unit=404,
        data=_rectification_done,
    ),
    R("/rectification/cases/<int:case_id>/reasons", "POST", LEGAL_ADMIN),
    R("/rectification/class-cases", "GET", frozenset({LEGAL, LEADER, ADMIN}), ok=200),
    R("/rectification/class-cases/export.xlsx", "GET", frozenset({LEGAL, LEADER, ADMIN}), ok=200),
    R("/rectification/class-cases/cases", "GET", frozenset({LEGAL, LEADER, ADMIN}), ok=200),
    R("/admin/adverse-reasons/", "GET", LEGAL_ADMIN, ok=200),
    R("/admin/adverse-reasons/", "POST", LEGAL_ADMIN),
    R("/admin/adverse-reasons/<int:reason_id>", "POST", LEGAL_ADMIN),
    R("/reports/joint-meeting", "GET", LEGAL_ADMIN, ok=200),
    R("/reports/joint-meeting.docx", "GET", LEGAL_ADMIN, ok=200),
    R("/interviews/", "GET", frozenset({LEGAL, LEADER, ADMIN}), ok=200),
    R("/interviews/<int:interview_id>", "GET", frozenset({LEGAL, LEADER, ADMIN}), ok=200),
    R("/interviews/<int:interview_id>", "POST", frozenset({LEGAL, LEADER, ADMIN})),
    R("/interviews/new", "GET", LEGAL_ADMIN, ok=200),
    R("/interviews/new", "POST", LEGAL_ADMIN),
    R("/interviews/proposals/<int:unit_id>/decision", "POST", frozenset({LEADER}), ok=302, data=_decision),
    R("/ledger/", "GET", WRITERS, ok=200),
    R("/ledger/", "POST", WRITERS),
    R("/ledger/confirm", "POST", WRITERS),
    # A background import is its uploader's alone: another who may import finds no such import.
    R("/ledger/imports/<int:import_id>", "GET", frozenset({MEDIATOR}), refused=UPLOADER_ONLY, ok=200),
    R("/ledger/imports/<int:import_id>/progress.json", "GET", frozenset({MEDIATOR}), refused=UPLOADER_ONLY, ok=200),
    R("/ledger/imports/<int:import_id>/confirm", "POST", frozenset({MEDIATOR}), refused=UPLOADER_ONLY),
    R("/ledger/export.xlsx", "GET", EVERYONE, ok=200),
    R("/locale/<code>", "POST", PUBLIC),
    R("/login", "GET", PUBLIC),
    R("/login", "POST", PUBLIC),
    R("/login/second-step", "GET", PUBLIC),
    R("/login/second-step", "POST", PUBLIC),
    R("/logout", "POST", SIGNED_IN, ok=302, last=True),
    R("/mediations/", "GET", EVERYONE, ok=200),
    R("/mediations/<int:mediation_id>", "GET", EVERYONE, ok=200, other_unit=404),
    R("/mediations/<int:mediation_id>/close", "POST", STAFF),
    R("/mediations/<int:mediation_id>/conclude-case", "POST", STAFF),
    R("/mediations/<int:mediation_id>/sessions", "POST", STAFF),
    R("/mediations/export.xlsx", "GET", EVERYONE, ok=200),
    R("/mediations/mine", "GET", STAFF, ok=200),
    R("/mediations/new", "GET", STAFF, ok=200),
    R("/mediations/new", "POST", STAFF),
    R("/notifications/", "GET", EVERYONE, ok=200),
    # The notification belongs to the own unit's liaison: anyone else is told it does not exist.
    R("/notifications/<int:notification_id>/open", "POST", frozenset({UNIT}), refused=dict.fromkeys(EVERYONE, 404)),
    R("/notifications/read-all", "POST", EVERYONE),
    R("/reports/", "GET", frozenset({MEDIATOR, LEGAL, LEADER, ADMIN}), ok=200),
    R("/reports/<int:year>.<fmt>", "GET", frozenset({MEDIATOR, LEGAL, LEADER, ADMIN}), ok=200),
    R("/reports/build", "POST", LEGAL_ADMIN),
    R("/risk/", "GET", EVERYONE, ok=200),
    R("/risk/<int:risk_case_id>", "GET", EVERYONE, ok=200, other_unit=404),
    # action=dismiss: the legal bureau's call.
    R(
        "/risk/<int:risk_case_id>/<action>",
        "POST",
        LEGAL_ADMIN,
        flash_refused={UNIT, LEADER, MEDIATOR},
        other_unit=404,
        data=_risk_version,
    ),
    R(
        "/risk/<int:risk_case_id>/items",
        "POST",
        LEGAL_ADMIN,
        flash_refused={UNIT, LEADER, MEDIATOR},
        other_unit=404,
        data=_item,
    ),
    R("/risk/flag/<int:case_id>", "POST", STAFF, flash_refused={UNIT, LEADER}, other_unit=404, data=_flag),
    # A unit-side item: the unit's liaison and the administrator complete it.
    R(
        "/risk/items/<int:item_id>/done",
        "POST",
        frozenset({UNIT, ADMIN}),
        flash_refused={LEADER, MEDIATOR, LEGAL},
        other_unit=404,
        data=_done,
    ),
    R("/risk/ledger", "GET", EVERYONE, ok=200),
    R("/risk/ledger.xlsx", "GET", EVERYONE, ok=200),
    R("/risk/settings", "GET", LEGAL_ADMIN, ok=200),
    R("/risk/settings", "POST", LEGAL_ADMIN),
    R("/static/<path:filename>", "GET", PUBLIC, ok=200),
)
ROWS = {row.key: row for row in MATRIX}


def _methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def test_the_matrix_declares_each_route_once():
    assert len(ROWS) == len(MATRIX), "a (rule, method) is declared twice"


def test_every_route_has_a_row_in_the_matrix(app):
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() for method in _methods(rule)}
    assert sorted(routes - set(ROWS)) == [], "routes with no row in the permission matrix"
    assert sorted(set(ROWS) - routes) == [], "rows of the matrix for routes that no longer exist"


# --- the world -----------------------------------------------------------------------------------------------


def _side(factories, unit, prefix, people):
    from casetrack.cases.models import CourtDate, OutcomeReport
    from casetrack.hearings.models import Hearing
    from casetrack.mediation.models import Mediation
    from casetrack.rectification.services import follow_outcome
    from casetrack.review_hearings.models import ReviewHearing
    from casetrack.risk import services as risk
    from casetrack.risk.models import RiskCase
    from casetrack.suggestions import services as suggestions

    accepted = TODAY - timedelta(days=20)
    case = factories.case(
        kind="litigation", number=f"{prefix}行初1号", respondent_unit=unit, received_on=accepted, accepted_on=accepted
    )
    reported = factories.case(number=f"{prefix}复1号", respondent_unit=unit, received_on=accepted, accepted_on=accepted)
    hearing = Hearing(case=case, held_on=TODAY - timedelta(days=1), court="富阳区人民法院")
    mediation = Mediation(
        number=f"{prefix}调1号",
        respondent_unit_id=unit.id,
        source="pre_filing",
        received_on=accepted,
        last_activity_on=accepted,
    )
    report = OutcomeReport(case=reported, outcome="revoked", concluded_on=TODAY, reported_by_id=people["liaison"].id)
    court_date = CourtDate(case_id=case.id, kind="pretrial_meeting", due_on=TODAY + timedelta(days=3))
    review_hearing = ReviewHearing(
        case=reported, held_on=TODAY - timedelta(days=1), place="区复议局听证室", matters="事实认定"
    )
    db.session.add_all([hearing, review_hearing, mediation, report, court_date])
    db.session.flush()
    (document,) = documents.add_documents(
        "case", case, SYSTEM, uploads=[documents.Upload(io.BytesIO(pdf_bytes()), "起诉状.pdf")], category="application"
    )
    evidence = case_file.add_evidence_item(case, SYSTEM, name="营业执照")
    service = case_file.record_service(
        case, SYSTEM, TODAY, direction="received", what="起诉状副本", party="法院", method="post", served_on=TODAY
    )
    risk.flag_case(case, "hand", "多次信访", people["mediator"], TODAY)
    risk_case = db.session.scalar(select(RiskCase).where(RiskCase.case_id == case.id))
    risk.confirm(risk_case, people["legal"], legal_lead=people["legal"], unit_lead=people["liaison"])
    item = risk.add_item(
        risk_case, people["legal"], text="整改", side="unit", owner=people["liaison"], due_on=TODAY, today=TODAY
    )
    lost = factories.case(
        kind="litigation",
        number=f"{prefix}行初2号",
        respondent_unit=unit,
        received_on=accepted,
        accepted_on=accepted,
        concluded_on=TODAY,
        outcome="revoked",
    )
    (rectification, *_) = follow_outcome(lost, SYSTEM, TODAY)
    suggestion = suggestions.register_suggestion(
        {
            "number": f"{prefix}检建1号",
            "kind": "procuratorate",
            "issuer": "富阳区人民检察院",
            "received_on": TODAY,
            "unit_ids": [unit.id],
        },
        SYSTEM,
        TODAY,
    )
    # A second risk case still pending review, for the dismiss action.
    risk.flag_case(reported, "hand", "舆情", people["mediator"], TODAY)
    pending = db.session.scalar(select(RiskCase).where(RiskCase.case_id == reported.id))
    db.session.flush()
    return {
        "unit": unit,
        "case": case,
        "hearing": hearing,
        "review_hearing": review_hearing,
        "mediation": mediation,
        "report": report,
        "court_date": court_date,
        "risk_case": pending,
        "item": item,
        "document": document,
        "evidence": evidence,
        "service": service,
        "suggestion": suggestion,
        "rectification": rectification,
    }


@pytest.fixture
def world(factories):
    from casetrack.interviews.models import Interview
    from casetrack.ledger.models import LedgerImport
    from casetrack.notifications.models import Notification, ReminderDigest
    from casetrack.rectification.models import AdverseReason
    from casetrack.reports.models import StoredReport
    from casetrack.summaries.models import SummarySend

    own_unit, other_unit = factories.unit(name="区住建局"), factories.unit(name="东洲街道")
    users = {role: factories.user(role=role, **({"unit": own_unit} if role == UNIT else {})) for role in ROLES}
    outsider = factories.user(role=UNIT, unit=other_unit)
    target = factories.user(role=MEDIATOR, username="target")
    issue_token(target, SYSTEM)
    token = db.session.scalar(select(ApiToken))
    own = _side(factories, own_unit, "甲", {"liaison": users[UNIT], "mediator": users[MEDIATOR], "legal": users[LEGAL]})
    other = _side(
        factories, other_unit, "乙", {"liaison": outsider, "mediator": users[MEDIATOR], "legal": users[LEGAL]}
    )
    interview = Interview(
        held_on=TODAY,
        leader_name="区长",
        unit_id=own_unit.id,
        interviewee="局长",
        reason="loss",
        created_by_id=users[LEGAL].id,
    )
    stored = StoredReport(year=2020, format="json", content=b"{}", generated_by_id=users[LEGAL].id)
    send = SummarySend(
        kind="monthly",
        period="2020-10",
        recipient_id=users[LEADER].id,
        email="l@example.com",
        status="sent",
        attempts=1,
    )
    note = Notification(
        user_id=users[UNIT].id, kind="deadline", event_key="matrix", on_day=TODAY, message="期限", url="/cases"
    )
    upload = LedgerImport(
        user_id=users[MEDIATOR].id,
        stored_name="u0-none.xlsx",
        original_name="台账.xlsx",
        size_bytes=1,
        state="imported",
    )
    upload.report = {"created": {"cases": 1}, "updated": {"cases": 0}, "unchanged": {"cases": 0}, "errors": []}
    digest = ReminderDigest(day=TODAY, recipient_id=users[UNIT].id, email="u@example.com", status="sent", attempts=1)
    db.session.add_all([interview, stored, send, note, digest, upload])
    group = factories.group_target()
    db.session.commit()
    shared = {
        "user_id": target.id,
        "token_id": token.id,
        "unit_id": own_unit.id,
        "interview_id": interview.id,
        "send_id": send.id,
        "target_id": group.id,
        "digest_id": digest.id,
        "import_id": upload.id,
        "notification_id": note.id,
        "reason_id": db.session.scalar(select(AdverseReason.id).where(AdverseReason.code == "procedure")),
        "year": 2020,
        "fmt": "json",
        "code": "zh",
        "filename": STATIC_FILE,
    }

    def params(side):
        return {
            **shared,
            "case_id": side["case"].id,
            "hearing_id": side["hearing"].id,
            "review_hearing_id": side["review_hearing"].id,
            "mediation_id": side["mediation"].id,
            "risk_case_id": side["risk_case"].id,
            "item_id": side["item"].id,
            "report_id": side["report"].id,
            "court_date_id": side["court_date"].id,
            "document_id": side["document"].id,
            "owner_type": "case",
            "owner_id": side["case"].id,
            "evidence_id": side["evidence"].id,
            "service_id": side["service"].id,
            "suggestion_id": side["suggestion"].id,
            "rectification_id": side["rectification"].id,
            "template_code": "acceptance_notice",
            "direction": "up",
        }

    return {"users": users, "own": params(own), "other": params(other), **own, "liaison": users[UNIT]}


# --- the walk ------------------------------------------------------------------------------------------------


def _snapshot() -> dict:
    """Every table's rows (count and content), audit_entries included bar the entries of a reading."""
    from tests.hardening.world import changes_of as _changes

    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(_changes(table)).all()
        state[table.name] = (len(rows), sorted(repr(tuple(r)) for r in rows))
    assert "audit_entries" in state
    state["audit_entries count"] = len(state["audit_entries"][1])
    db.session.commit()
    return state


def _url(app, row: Row, params: dict, action: str | None) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == row.rule and row.method in _methods(r))
    values = {name: params[name] for name in rule.arguments if name != "action"}
    if "action" in rule.arguments:
        values["action"] = action
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values) + row.query


ACTIONS = {"/cases/<int:case_id>/<action>": "conclude", "/risk/<int:risk_case_id>/<action>": "dismiss"}


def _call(app, client, token, world, row: Row, params: dict):
    url = _url(app, row, params, ACTIONS.get(row.rule))
    if row.method == "GET":
        return url, client.get(url)
    data = row.data(world) if row.data else {}
    return url, client.post(url, data={**data, "csrf_token": token})


def _check(app, client, token, world, role, row, params, expected, problems, *, refused):
    before = _snapshot() if refused and row.method == "POST" else None
    url, response = _call(app, client, token, world, row, params)
    status = response.status_code
    where = f"{role:9} {row.method:4} {url}"
    if expected is None:
        if status in (401, 403, 404, 500):
            problems.append(f"{where}: allowed, got {status}")
    elif status != expected:
        problems.append(f"{where}: expected {expected}, got {status}")
    elif expected == 302 and role == ANON and not url.startswith("/api/"):
        if "/login" not in response.headers["Location"]:
            problems.append(f"{where}: redirected to {response.headers['Location']}, not to /login")
    if before is not None:
        after = _snapshot()
        changed = [name for name in before if before[name] != after[name]]
        if changed:
            problems.append(f"{where}: refused with {status} but changed {changed}")


def _walk(app, role, client, token, world):
    problems = []
    for row in sorted(MATRIX, key=lambda r: r.last):
        if row.allowed == PUBLIC:
            _check(app, client, token, world, role, row, world["own"], row.ok, problems, refused=False)
            continue
        if role == ANON:
            expected = 401 if row.rule.startswith("/api/") else 302
            _check(app, client, token, world, role, row, world["own"], expected, problems, refused=True)
            continue
        if role in row.allowed:
            _check(app, client, token, world, role, row, world["own"], row.ok, problems, refused=False)
        else:
            refused = row.refused.get(role, 403) if isinstance(row.refused, dict) else row.refused
            expected = 302 if role in row.flash_refused else refused
            _check(app, client, token, world, role, row, world["own"], expected, problems, refused=True)
        if role == UNIT and row.other_unit is not None:
            _check(
                app, client, token, world, f"{role}/other", row, world["other"], row.other_unit, problems, refused=True
            )
    return problems


def test_each_role_gets_the_declared_answer_from_every_route(app, world, login_as):
    problems = []
    anonymous = app.test_client()
    problems += _walk(app, ANON, anonymous, csrf_token(anonymous, "/login"), world)
    for role in ROLES:
        actions = login_as(world["users"][role])
        problems += _walk(app, role, actions.client, actions.token, world)
    assert problems == [], "\n".join(problems)
