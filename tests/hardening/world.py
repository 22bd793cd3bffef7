"""What the hostile-input tests share: a world with a record behind every URL variable and a form on some page for
every POST route (the ``world`` fixture of conftest.py), the roles they act as, and the filling of a rule's URL
variables with that world's real ids."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from casetrack.accounts.permissions import ROLES as PERMISSION_ROLES
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.sealed import seal
from tests.conftest import Auth, csrf_token
from tests.documents.helpers import docx_bytes, pdf_bytes

#: Every role that signs in to the pages.
ROLES = tuple(PERMISSION_ROLES)


def _cases(factories, unit, people, today: date) -> dict:
    """A case in each status a page offers an action for (accept, suspend, resume, conclude, reopen, confirm a
    reported outcome), and a compensation claim for the amount fields."""
    from casetrack.cases import services as cases
    from casetrack.cases.models import OutcomeReport

    earlier = today - timedelta(days=20)
    found = {
        "received": factories.case(number="收案1号", respondent_unit=unit, received_on=today - timedelta(days=3)),
        "accepted": factories.case(
            kind="litigation", number="行初1号", respondent_unit=unit, received_on=earlier, accepted_on=earlier
        ),
        "suspended": factories.case(number="中止1号", respondent_unit=unit, received_on=earlier, accepted_on=earlier),
        "concluded": factories.case(
            number="审结1号",
            respondent_unit=unit,
            received_on=date(2020, 3, 2),
            accepted_on=date(2020, 3, 3),
            concluded_on=date(2020, 4, 1),
            outcome="upheld",
        ),
        "claim": factories.claim(number="赔偿1号", respondent_unit=unit, received_on=earlier),
        "reported": factories.case(number="报备1号", respondent_unit=unit, received_on=earlier, accepted_on=earlier),
        "correcting": factories.case(number="补正1号", respondent_unit=unit, received_on=today - timedelta(days=3)),
        # Lost, its judgment served, the appeal undecided: the appeal form and the bureau's undecided list.
        "lost": factories.case(
            kind="litigation",
            number="行初2号",
            respondent_unit=unit,
            received_on=earlier,
            accepted_on=earlier,
            concluded_on=today - timedelta(days=5),
            outcome="revoked",
            judgment_served_on=today - timedelta(days=3),
        ),
        # A review with 听证 (行政复议法 Art. 50), for their schedule, notice and attendance forms.
        "heard": factories.case(number="听证1号", respondent_unit=unit, received_on=earlier, accepted_on=earlier),
    }
    cases.add_court_date(
        found["accepted"], people["legal"], today, kind="evidence_exchange", due_on=today, owner_id=people["legal"].id
    )
    cases.transition(
        found["correcting"], "request_correction", people["legal"], today, on=today, items="申请人身份证明"
    )
    cases.transition(
        found["suspended"],
        "suspend",
        people["legal"],
        today,
        on=today,
        reason_code="awaiting_other_case",
        reason="等待鉴定",
    )
    # A co-defendant (共同被告), for the case page's remove button and the hearing's per-unit appearance forms.
    cases.add_co_respondent(
        found["accepted"], people["legal"], today, unit_id=factories.unit(name="东洲街道").id, role="other"
    )
    db.session.add(
        OutcomeReport(case=found["reported"], outcome="revoked", concluded_on=today, reported_by_id=people["unit"].id)
    )
    db.session.flush()
    return found


def _risk_cases(cases: dict, people: dict, today: date) -> tuple[dict, dict]:
    """A risk case in each state with an action: pending review, at work with every item done (ready to ask for the
    cross-off), at work (an open item per side), awaiting the cross-off, dismissed."""
    from casetrack.risk import services as risk
    from casetrack.risk.models import RiskCase

    found = {}
    for state, case in (
        ("pending", cases["received"]),
        ("ready", cases["reported"]),
        ("task_force", cases["accepted"]),
        ("cross_off", cases["suspended"]),
        ("dismissed", cases["claim"]),
    ):
        risk.flag_case(case, "hand", "多次信访", people["mediator"], today)
        found[state] = db.session.scalar(select(RiskCase).where(RiskCase.case_id == case.id))
    for state in ("ready", "task_force", "cross_off"):
        risk.confirm(
            found[state],
            people["legal"],
            legal_lead=people["legal"],
            unit_lead=people["unit"],
            legal_members=[people["legal_member"]],
            unit_members=[people["unit_member"]],
        )
    due = today + timedelta(days=7)
    items = {
        side: risk.add_item(
            found["task_force"], people["legal"], text="整改", side=side, owner=people[side], due_on=due, today=today
        )
        for side in ("legal", "unit")
    }
    for state in ("ready", "cross_off"):
        done = risk.add_item(
            found[state], people["legal"], text="补证", side="unit", owner=people["unit"], due_on=due, today=today
        )
        risk.complete_item(done, people["unit"], done_on=today, evidence="已补", today=today)
    risk.request_cross_off(found["cross_off"], people["unit"], "mediated")
    risk.dismiss(found["dismissed"], people["legal"], "风险可控")
    return found, items


def build(factories) -> dict:
    """One unit whose liaison is the ``unit`` role, a user of every role, and a record for every form of the app:
    ``ids`` maps each URL variable to the records it may name, by a name that stays the same from test to test."""
    from casetrack.accounts.permissions import SYSTEM
    from casetrack.accounts.services import issue_token
    from casetrack.documents import services as documents
    from casetrack.hearings.models import Hearing, HearingAppearance
    from casetrack.interviews.models import Interview
    from casetrack.ledger.models import LedgerImport
    from casetrack.mediation.models import Mediation
    from casetrack.notifications.models import Notification, ReminderDigest
    from casetrack.reports.models import StoredReport
    from casetrack.review_hearings.models import ReviewHearing
    from casetrack.summaries.models import SummarySend
    from casetrack.workdays.models import CalendarYear, HolidayOverride

    today = local_today()
    unit = factories.unit(name="富春街道")
    people = {role: factories.user(role=role, username=f"fuzz-{role}") for role in ROLES if role != "unit"}
    people["unit"] = factories.user(role="unit", unit=unit, username="liaison")
    people["unit_member"] = factories.user(role="unit", unit=unit, username="liaison-2")
    people["legal_member"] = factories.user(role="legal", username="fuzz-legal-2")
    #: Whom the administrators' forms name first (its name and role put it first on the users page): a change of
    #: its password, role or state signs no one out. The security administrator's first is an administrator's
    #: account; the system administrator, who may not change those (三员分立), first meets the leader.
    target = factories.user(role="admin", username="fuzz-0-target")
    leader_target = factories.user(role="leader", username="fuzz-0-target-leader")
    # A second factor the security administrator's reset form can clear.
    target.totp_secret_sealed, target.totp_enabled_at = seal("JBSWY3DPEHPK3PXP"), datetime.now(UTC)
    cases = _cases(factories, unit, people, today)
    risk_cases, items = _risk_cases(cases, people, today)
    hearings = {
        "held": Hearing(case=cases["accepted"], held_on=today - timedelta(days=1), court="富阳区人民法院"),
        "absent": Hearing(
            case=cases["accepted"],
            held_on=today - timedelta(days=2),
            court="富阳区人民法院",
            appeared=False,
            absence_reason="出差",
        ),
    }
    # The co-defendant's own record of the absent hearing, for its approve form.
    hearings["absent"].co_appearances.append(
        HearingAppearance(unit_id=cases["accepted"].co_respondents[0].unit_id, appeared=False, absence_reason="会议")
    )
    review_hearings = {
        "held": ReviewHearing(
            case=cases["heard"], held_on=today - timedelta(days=1), place="区复议局听证室", matters="事实认定"
        ),
        "upcoming": ReviewHearing(
            case=cases["heard"], held_on=today + timedelta(days=10), place="区复议局听证室", matters="法律适用"
        ),
    }
    earlier = today - timedelta(days=20)
    mediations = {
        "open": Mediation(
            number="调1号",
            respondent_unit_id=unit.id,
            source="pre_filing",
            received_on=earlier,
            last_activity_on=earlier,
        ),
        "succeeded": Mediation(
            number="调2号",
            case=cases["reported"],
            respondent_unit_id=unit.id,
            source="during_review",
            received_on=earlier,
            last_activity_on=today,
            status="succeeded",
            concluded_on=today,
        ),
    }
    interview = Interview(
        held_on=today,
        leader_name="区长",
        unit_id=unit.id,
        interviewee="主任",
        reason="loss",
        created_by_id=people["legal"].id,
    )
    send = SummarySend(
        kind="monthly", period="2020-10", recipient_id=people["leader"].id, email="l@example.com", status="failed"
    )
    digest = ReminderDigest(day=today, recipient_id=people["mediator"].id, email="m@example.com", status="failed")
    #: A large file checked in the background and waiting for "import now" (its upload is gone: the confirmation
    #: then says the file is no longer available, which is the answer the fuzz meets).
    upload = LedgerImport(
        user_id=people["mediator"].id,
        stored_name=f"u{people['mediator'].id}-gone.xlsx",
        original_name="台账.xlsx",
        size_bytes=1,
        state="checked",
        report={"created": {"cases": 1}, "updated": {"cases": 0}, "unchanged": {"cases": 0}, "errors": []},
    )
    notes = [
        Notification(user_id=user.id, kind="deadline", event_key="fuzz", on_day=today, message="期限", url="/cases")
        for user in people.values()
    ]
    report = StoredReport(year=2020, format="json", content=b"{}", generated_by_id=people["legal"].id)
    holiday = HolidayOverride(day=date(2020, 10, 1), is_workday=False, note="国庆")
    # A year the library does not know, begun (its "mark complete" form), and one marked complete (its "reopen").
    begun = HolidayOverride(day=date(2027, 1, 1), is_workday=False, note="元旦")
    checked = HolidayOverride(day=date(2028, 1, 1), is_workday=False, note="元旦")
    completed = CalendarYear(year=2028, complete=True, source="国办发明电〔2027〕1号")
    db.session.add_all(
        [
            *hearings.values(),
            *review_hearings.values(),
            *mediations.values(),
            interview,
            send,
            digest,
            upload,
            *notes,
            report,
            holiday,
        ]
        + [begun, checked, completed]
    )
    issue_token(people["mediator"], SYSTEM)
    # A group robot and its failed copy: the targets' deactivate form and the copy's "send again".
    from casetrack.summaries.models import TargetSend

    group = factories.group_target()
    db.session.add(
        TargetSend(kind="monthly", period="2020-10", target_id=group.id, email="领导群 <127.0.0.1>", status="failed")
    )
    (document,) = documents.add_documents(
        "case",
        cases["accepted"],
        SYSTEM,
        uploads=[documents.Upload(io.BytesIO(pdf_bytes()), "答辩状.pdf")],
        category="answer",
    )
    from casetrack.case_file import services as case_file

    evidence = case_file.add_evidence_item(cases["accepted"], SYSTEM, name="营业执照", document_id=document.id)
    service = case_file.record_service(
        cases["accepted"],
        SYSTEM,
        today,
        direction="received",
        what="起诉状副本",
        party="富阳区人民法院",
        method="post",
        served_on=today,
    )
    case_file.replace_template(
        "acceptance_notice", documents.Upload(io.BytesIO(docx_bytes("{{ case_number }}")), "模板.docx"), SYSTEM
    )
    from casetrack.rectification.models import AdverseReason
    from casetrack.rectification.services import follow_outcome
    from casetrack.suggestions import services as suggestions

    lost = factories.case(
        kind="litigation",
        number="（2026）浙0111行初9号",
        respondent_unit=unit,
        received_on=earlier,
        accepted_on=earlier,
        concluded_on=today,
        outcome="revoked",
    )
    rectification = follow_outcome(lost, SYSTEM, today)[0]
    # A unit that lost a case and has had no interview since: a proposal for the leader to decide.
    factories.case(
        kind="litigation",
        number="（2026）浙0111行初10号",
        respondent_unit=factories.unit(name="区自然资源局"),
        received_on=earlier,
        accepted_on=earlier,
        concluded_on=today,
        outcome="revoked",
    )
    from casetrack.rectification.services import code_reasons

    procedure = db.session.scalar(select(AdverseReason.id).where(AdverseReason.code == "procedure"))
    code_reasons(lost, SYSTEM, [procedure], "")
    suggestion = suggestions.register_suggestion(
        {
            "number": "富检行建〔2026〕1号",
            "kind": "procuratorate",
            "issuer": "富阳区人民检察院",
            "received_on": today,
            "unit_ids": [unit.id],
            "case_ids": [lost.id],
        },
        SYSTEM,
        today,
    )
    db.session.commit()
    from casetrack.accounts.models import ApiToken

    token = db.session.scalar(select(ApiToken))
    ids = {
        "case_id": {name: case.id for name, case in cases.items()},
        "risk_case_id": {name: entry.id for name, entry in risk_cases.items()},
        "item_id": {side: item.id for side, item in items.items()},
        "hearing_id": {name: hearing.id for name, hearing in hearings.items()},
        "court_date_id": {"set": cases["accepted"].court_dates[0].id},
        "review_hearing_id": {name: hearing.id for name, hearing in review_hearings.items()},
        "mediation_id": {name: mediation.id for name, mediation in mediations.items()},
        "report_id": {"pending": _pending_report_id(cases["reported"])},
        "interview_id": {"held": interview.id},
        "user_id": {
            "target": target.id,
            "target_leader": leader_target.id,
            **{role: user.id for role, user in people.items()},
        },
        "unit_id": {"own": unit.id, "co_respondent": cases["accepted"].co_respondents[0].unit_id},
        "token_id": {"issued": token.id},
        "send_id": {"failed": send.id},
        "digest_id": {"failed": digest.id},
        "import_id": {"checked": upload.id},
        "notification_id": {role: note.id for role, note in zip(people, notes, strict=True)},
        "year": {"2020": 2020},
        "fmt": {"json": "json"},
        "document_id": {"answer": document.id},
        "owner_type": {"case": "case"},
        "owner_id": {"accepted": cases["accepted"].id},
        "evidence_id": {"licence": evidence.id},
        "service_id": {"complaint": service.id},
        "template_code": {"acceptance": "acceptance_notice"},
        "suggestion_id": {"received": suggestion.id},
        "rectification_id": {"open": rectification.id},
        "reason_id": {
            "procedure": db.session.scalar(select(AdverseReason.id).where(AdverseReason.code == "procedure"))
        },
    }
    return {"unit": unit, "cases": cases, "people": people, "ids": ids}


def _pending_report_id(case) -> int:
    from casetrack.cases.models import OutcomeReport

    return db.session.scalar(select(OutcomeReport.id).where(OutcomeReport.case_id == case.id))


def login(login_as, world, role: str):
    """A client signed in as the world's user of ``role`` (the unit role: the world's unit's liaison)."""
    return login_as(world["people"][role])


def signed_in(app, user) -> Auth:
    """A client whose session Flask-Login's login_user made, without the sign-in form: argon2 makes each real sign-in
    cost a quarter of a second, and the form tests sign in six clients per test."""
    from flask import session
    from flask_login import login_user

    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        login_user(user)
        values = dict(session)
    with client.session_transaction() as stored:
        stored.update(values)
    actions = Auth(client)
    actions.token = csrf_token(client, "/account/password")
    actions.user = user
    return actions


def converter_kind(rule, name: str) -> str:
    return "int" if "int" in type(rule._converters[name]).__name__.lower() else "default"


def fill(rule, values: dict) -> str:
    """The path of ``rule`` with each variable replaced by ``values[name]``."""
    path = rule.rule
    for name, value in values.items():
        for spelled in (f"<int:{name}>", f"<{name}>", f"<string:{name}>", f"<path:{name}>"):
            path = path.replace(spelled, str(value))
    return path


def changes_of(table):
    from casetrack.audit.rules import ACCESS_ACTIONS

    if table.name == "audit_entries":
        return select(table).where(table.c.action.not_in(ACCESS_ACTIONS))
    return select(table)


def every_row() -> dict[str, list[str]]:
    """Every table's rows (the audit trail's too, bar the entries that record a reading — the page a refused post
    returns to may show an ID number): equal before and after a post, the post changed nothing."""
    db.session.expire_all()
    rows = {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(changes_of(table)))
        for table in db.metadata.sorted_tables
    }
    db.session.rollback()
    return rows


def flashed(client, response) -> str:
    """The page a post answered with, or (after a redirect) the page it sent the browser to, where its message is."""
    if response.status_code in (301, 302, 303):
        return client.get(response.headers["Location"]).get_data(as_text=True)
    return response.get_data(as_text=True)
