"""补正 and 中止 through the services, on both databases: what the lists, the reminders and the case show."""

from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEntry
from casetrack.cases import queries, services
from casetrack.cases.models import Case, CaseSuspension
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.notifications import services as notifications
from casetrack.workdays.services import current_calendar

TODAY = local_today()
_numbers = count(1)


def register(factories, clerk, unit, **changes) -> Case:
    data = {
        "kind": "review",
        "number": f"富政复〔2026〕{next(_numbers)}号",
        "respondent_unit_id": unit.id,
        "matter": "penalty",
        "applicants": [{"name": "张三"}],
        "received_on": TODAY - timedelta(days=200),
        "handler_id": clerk.id,
    }
    data.update(changes)
    return services.register_case(data, clerk, TODAY)


def overdue_numbers(actor) -> set[str]:
    stmt = queries.filtered(actor, queries.CaseFilters(deadline="overdue"), TODAY, 7)
    return {case.number for case in db.session.scalars(stmt)}


@pytest.fixture
def office(factories):
    unit = factories.unit(name="区城管局")
    clerk = factories.user(role="legal", username="clerk")
    return clerk, unit


def test_a_suspended_case_leaves_the_overdue_list_and_reminders_and_returns_with_its_deadline_moved(factories, office):
    clerk, unit = office
    accepted = TODAY - timedelta(days=100)
    case = register(
        factories,
        clerk,
        unit,
        accepted_on=accepted,
        copy_sent_on=accepted,
        answer_received_on=accepted + timedelta(days=5),
    )
    assert case.next_deadline_code == "decision" and case.next_deadline_on < TODAY
    old_due = case.next_deadline_on
    assert case.number in overdue_numbers(clerk)
    assert any(r.params["number"] == case.number for r in notifications.deadline_reminders(TODAY, 7))

    services.transition(case, "suspend", clerk, TODAY, on=TODAY - timedelta(days=50), reason_code="mediation")
    assert case.status == "suspended" and case.next_deadline_on is None
    assert case.number not in overdue_numbers(clerk)
    assert not any(r.params["number"] == case.number for r in notifications.deadline_reminders(TODAY, 7))
    # Still none after the nightly recomputation, which reads the suspensions in bulk.
    services.refresh_open_case_deadlines()
    db.session.refresh(case)
    assert case.next_deadline_on is None

    services.transition(case, "resume", clerk, TODAY, on=TODAY - timedelta(days=10))
    assert case.status == "accepted"
    # Exactly the old deadline plus the 40 days, moved off a rest day as every calendar period is.
    assert case.next_deadline_on == current_calendar().roll_forward(old_due + timedelta(days=40))
    assert services.refresh_open_case_deadlines() == 0  # the bulk path agrees with the one-case path
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == case.id)).all()
    assert {"suspend", "resume"} <= set(actions)


def test_a_second_suspension_cannot_overlap_the_first_and_a_refused_one_changes_nothing(factories, office):
    clerk, unit = office
    case = register(factories, clerk, unit, accepted_on=TODAY - timedelta(days=40))
    services.transition(case, "suspend", clerk, TODAY, on=TODAY - timedelta(days=30), reason_code="force_majeure")
    services.transition(case, "resume", clerk, TODAY, on=TODAY - timedelta(days=20))
    db.session.commit()
    version = case.version
    with pytest.raises(DomainError):
        services.transition(case, "suspend", clerk, TODAY, on=TODAY - timedelta(days=25), reason_code="force_majeure")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CaseSuspension)) == 1
    assert db.session.get(Case, case.id).version == version
    case = db.session.get(Case, case.id)
    services.transition(case, "suspend", clerk, TODAY, on=TODAY - timedelta(days=5), reason_code="interpretation")
    assert [s.resumed_on for s in case.suspensions] == [TODAY - timedelta(days=20), None]


def test_a_long_suspension_reminds_the_handler_to_resume(factories, office):
    clerk, unit = office
    case = register(factories, clerk, unit, accepted_on=TODAY - timedelta(days=90))
    services.transition(case, "suspend", clerk, TODAY, on=TODAY - timedelta(days=61), reason_code="awaiting_other_case")
    (reminder,) = notifications.long_suspension_reminders(TODAY)
    assert reminder.user_id == clerk.id and reminder.params["days"] == 62
    short = register(factories, clerk, unit, accepted_on=TODAY - timedelta(days=90))
    services.transition(short, "suspend", clerk, TODAY, on=TODAY - timedelta(days=10), reason_code="mediation")
    assert len(notifications.long_suspension_reminders(TODAY)) == 1
    listed = queries.suspended_cases(clerk, TODAY)
    assert [item.case.number for item in listed.items] == [case.number, short.number] and listed.total == 2
    assert listed.items[0].long and not listed.items[1].long


def test_a_correction_request_holds_admission_and_the_material_restarts_it(factories, office):
    clerk, unit = office
    received = TODAY - timedelta(days=20)
    case = register(factories, clerk, unit, received_on=received)
    services.transition(
        case, "request_correction", clerk, TODAY, on=received + timedelta(days=1), items="申请人身份证明；原行政行为"
    )
    assert case.status == "correcting" and case.next_deadline_code == "correction_reply"
    with pytest.raises(DomainError):  # one notice only (Art. 31: 一次性载明)
        services.transition(case, "reopen", clerk, TODAY, reason="再次补正")
    services.transition(case, "correction_received", clerk, TODAY, on=TODAY - timedelta(days=2))
    assert case.status == "received" and case.correction.result == "received"
    assert case.next_deadline_code == "admission"
    assert case.next_deadline_on == current_calendar().add_working_days(TODAY - timedelta(days=2), 5)


def test_not_corrected_ends_the_application_as_abandoned_once_the_period_has_passed(factories, office):
    clerk, unit = office
    received = TODAY - timedelta(days=60)
    case = register(factories, clerk, unit, received_on=received)
    services.transition(case, "request_correction", clerk, TODAY, on=received + timedelta(days=2), items="委托书")
    db.session.commit()
    with pytest.raises(DomainError):
        services.transition(case, "correction_abandoned", clerk, TODAY, on=received + timedelta(days=5))
    db.session.rollback()
    case = db.session.get(Case, case.id)
    services.transition(case, "correction_abandoned", clerk, TODAY, on=TODAY)
    assert case.status == "abandoned" and not case.is_open and case.next_deadline_on is None
    services.transition(case, "reopen", clerk, TODAY, reason="申请人证明已按期寄出")
    assert case.status == "correcting" and case.correction.result is None


def test_the_period_to_correct_is_extended_with_a_reason_and_only_by_the_review_office(factories, office):
    clerk, unit = office
    received = TODAY - timedelta(days=10)
    case = register(factories, clerk, unit, received_on=received)
    services.transition(case, "request_correction", clerk, TODAY, on=received + timedelta(days=1), items="证据目录")
    before = case.next_deadline_on
    liaison = factories.user(role="unit", unit=unit, username="liaison")
    with pytest.raises(PermissionDenied):
        services.extend_correction(case, liaison, TODAY, None, extended_to=before + timedelta(days=20), reason="住院")
    with pytest.raises(DomainError):
        services.extend_correction(case, clerk, TODAY, None, extended_to=before + timedelta(days=20), reason=" ")
    services.extend_correction(case, clerk, TODAY, None, extended_to=before + timedelta(days=20), reason="申请人住院")
    assert case.next_deadline_on == before + timedelta(days=20)
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == case.id, AuditEntry.action == "correction_extended")
    )
    assert entry.comment == "申请人住院"


def test_a_unit_liaison_cannot_request_a_correction_of_a_review_application(factories, office):
    clerk, unit = office
    case = register(factories, clerk, unit, received_on=TODAY - timedelta(days=2))
    liaison = factories.user(role="unit", unit=unit, username="liaison2")
    with pytest.raises(PermissionDenied):
        services.transition(case, "request_correction", liaison, TODAY, on=TODAY, items="材料")


def test_compensation_claims_cannot_be_suspended(factories, office):
    clerk, unit = office
    claim = register(
        factories, clerk, unit, kind="compensation", accepted_on=TODAY - timedelta(days=5), amount_claimed_fen=1000
    )
    with pytest.raises(DomainError):
        services.transition(claim, "suspend", clerk, TODAY, on=TODAY, reason_code="other", reason="x")
    assert claim.status == "accepted"
