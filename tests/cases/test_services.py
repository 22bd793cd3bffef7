from datetime import timedelta

import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.cases import services
from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.errors import ConflictError, DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.workdays.services import set_override

TODAY = local_today()


def case_data(unit, **changes):
    data = {
        "kind": "review",
        "number": "富政复〔2026〕7号",
        "respondent_unit_id": unit.id,
        "matter": "penalty",
        "applicants": [{"name": "张三", "id_number": "330183199001011232"}],
        "applicant_count": 1,
        "received_on": TODAY - timedelta(days=3),
        "summary": "拆除违建",
    }
    data.update(changes)
    return data


def entries(case, action=None):
    stmt = select(AuditEntry).where(AuditEntry.entity_type == "case", AuditEntry.entity_id == case.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


def test_registering_a_case_sets_its_status_deadline_search_text_and_audit(factories):
    clerk, unit = factories.user(role="mediator"), factories.unit(name="区住建局")
    case = services.register_case(case_data(unit), clerk, TODAY)
    assert case.status == "received"
    assert case.next_deadline_code == "admission" and case.next_deadline_on > case.received_on
    assert "张三" in case.search_text and "区住建局" in case.search_text
    assert {e.field for e in entries(case, "created")} >= {"number", "received_on"}
    assert entries(case, "created")[0].actor_id == clerk.id


def test_a_duplicate_number_of_the_same_kind_is_refused_but_the_other_kind_may_reuse_it(factories):
    clerk, unit = factories.user(role="mediator"), factories.unit()
    services.register_case(case_data(unit), clerk, TODAY)
    with pytest.raises(services.CaseInvalid) as error:
        services.register_case(case_data(unit), clerk, TODAY)
    assert error.value.problems[0].field == "number"
    other = services.register_case(case_data(unit, kind="litigation", instance="first"), clerk, TODAY)
    assert other.instance == "first"


def test_a_unit_liaison_may_register_only_for_its_own_unit(factories):
    liaison = factories.user(role="unit")
    with pytest.raises(PermissionDenied):
        services.register_case(case_data(factories.unit()), liaison, TODAY)
    assert services.register_case(case_data(liaison.unit), liaison, TODAY).respondent_unit_id == liaison.unit_id


def test_a_leader_cannot_change_cases(factories):
    with pytest.raises(PermissionDenied):
        services.register_case(case_data(factories.unit()), factories.user(role="leader"), TODAY)


def test_an_edit_records_each_changed_field_before_and_after(factories):
    clerk, unit = factories.user(role="mediator"), factories.unit()
    case = services.register_case(case_data(unit), clerk, TODAY)
    db.session.commit()
    services.update_case(
        case, {"matter": "licensing", "summary": "新的摘要"}, clerk, TODAY, expected_version=case.version
    )
    db.session.commit()
    changed = {e.field: (e.before, e.after) for e in entries(case, "updated")}
    assert changed == {"matter": ("penalty", "licensing"), "summary": ("拆除违建", "新的摘要")}


def test_the_second_of_two_concurrent_edits_is_refused_and_the_first_is_kept(factories):
    clerk, unit = factories.user(role="mediator"), factories.unit()
    case = services.register_case(case_data(unit), clerk, TODAY)
    db.session.commit()
    opened_version = case.version
    services.update_case(case, {"summary": "第一人"}, clerk, TODAY, expected_version=opened_version)
    db.session.commit()
    with pytest.raises(ConflictError):
        services.update_case(case, {"summary": "第二人"}, clerk, TODAY, expected_version=opened_version)
    db.session.rollback()
    assert db.session.get(Case, case.id).summary == "第一人"


def _saved_elsewhere_meanwhile(factories):
    """A case this session read, which another process then saved (between our read and our flush)."""
    clerk, unit = factories.user(role="mediator"), factories.unit()
    case = services.register_case(case_data(unit), clerk, TODAY)
    db.session.commit()
    with db.engine.begin() as other:
        other.execute(Case.__table__.update().where(Case.__table__.c.id == case.id).values(version=case.version + 1))
    return clerk, case


def test_a_stale_row_at_flush_is_a_conflict_too(factories, app):
    clerk, case = _saved_elsewhere_meanwhile(factories)
    with pytest.raises(ConflictError):
        services.update_case(case, {"summary": "覆盖"}, clerk, TODAY, expected_version=None)


def test_a_stale_row_met_while_the_deadlines_are_recomputed_is_a_conflict_not_a_server_error(factories, app):
    from flask import g

    clerk, case = _saved_elsewhere_meanwhile(factories)
    # As in a request's first save: the holiday calendar is still to be read, which used to flush the change early.
    g.pop("work_calendar", None)
    with pytest.raises(ConflictError):
        services.update_case(case, {"summary": "同时保存"}, clerk, TODAY, expected_version=None)


def test_transitions_follow_the_machine_and_record_their_reason(factories):
    clerk, unit = factories.user(role="mediator"), factories.unit()
    case = services.register_case(case_data(unit), clerk, TODAY)
    with pytest.raises(DomainError):
        services.transition(case, "conclude", clerk, TODAY, on=TODAY, outcome="upheld")
    services.transition(case, "accept", clerk, TODAY, on=TODAY - timedelta(days=1))
    assert case.status == "accepted" and case.next_deadline_code == "copy_to_respondent"
    with pytest.raises(DomainError):
        services.transition(case, "suspend", clerk, TODAY, on=TODAY)  # no statutory ground
    with pytest.raises(DomainError):
        services.transition(case, "suspend", clerk, TODAY, on=TODAY, reason_code="other")  # "other" needs words
    services.transition(case, "suspend", clerk, TODAY, on=TODAY, reason_code="other", reason="等待鉴定结论")
    services.transition(case, "resume", clerk, TODAY, on=TODAY)
    services.transition(case, "conclude", clerk, TODAY, on=TODAY, outcome="revoked")
    assert case.status == "concluded" and case.is_corrected and case.next_deadline_on is None
    assert entries(case, "suspend")[0].comment == "等待鉴定结论"


def test_concluding_with_an_outcome_of_the_other_kind_is_refused(factories):
    clerk, unit = factories.user(role="mediator"), factories.unit()
    case = services.register_case(case_data(unit, accepted_on=TODAY - timedelta(days=2)), clerk, TODAY)
    with pytest.raises(services.CaseInvalid):
        services.transition(case, "conclude", clerk, TODAY, on=TODAY, outcome="compensation")
    assert case.status == "accepted"


def test_only_legal_may_reopen_a_concluded_case(factories):
    clerk, legal, unit = factories.user(role="mediator"), factories.user(role="legal"), factories.unit()
    case = services.register_case(
        case_data(unit, accepted_on=TODAY - timedelta(days=2), concluded_on=TODAY, outcome="upheld"), clerk, TODAY
    )
    with pytest.raises(DomainError):
        services.transition(case, "reopen", clerk, TODAY, reason="法院发回")
    services.transition(case, "reopen", legal, TODAY, reason="法院发回")
    assert case.status == "accepted" and case.outcome is None


def test_an_edit_cannot_clear_a_recorded_conclusion(factories):
    clerk, unit = factories.user(role="mediator"), factories.unit()
    case = services.register_case(
        case_data(unit, accepted_on=TODAY - timedelta(days=2), concluded_on=TODAY, outcome="upheld"), clerk, TODAY
    )
    with pytest.raises(DomainError):
        services.update_case(case, {"concluded_on": None}, clerk, TODAY, expected_version=case.version)


def test_a_holiday_override_moves_open_deadlines_when_they_are_refreshed(factories):
    admin, clerk, unit = factories.user(role="admin"), factories.user(role="mediator"), factories.unit()
    case = services.register_case(case_data(unit), clerk, TODAY)
    db.session.commit()
    due = case.next_deadline_on
    set_override(due, False, "临时停工", admin)
    assert services.refresh_open_case_deadlines() == 1
    db.session.expire_all()
    assert db.session.get(Case, case.id).next_deadline_on > due
    assert services.refresh_open_case_deadlines() == 0


def test_a_unit_user_cannot_open_another_units_case(factories):
    from casetrack.cases.queries import get_visible_case
    from casetrack.errors import NotFound

    liaison = factories.user(role="unit")
    other = factories.case(respondent_unit=factories.unit())
    with pytest.raises(NotFound):
        get_visible_case(liaison, other.id)
    own = factories.case(respondent_unit=liaison.unit)
    assert get_visible_case(liaison, own.id) is own
