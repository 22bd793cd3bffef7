from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEntry
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.interviews import services as interviews
from casetrack.notifications.models import Notification
from casetrack.risk import services
from casetrack.risk.models import RiskCase, RiskScore

TODAY = local_today()


@pytest.fixture
def setting(factories):
    unit = factories.unit(name="区住建局")
    people = {
        "legal": factories.user(role="legal", username="legal1"),
        "legal2": factories.user(role="legal", username="legal2"),
        "liaison": factories.user(role="unit", unit=unit, username="liaison1"),
        "outsider": factories.user(role="unit", unit=factories.unit(name="东洲街道"), username="outsider"),
        "clerk": factories.user(role="mediator", username="clerk1"),
    }
    case = factories.case(
        number="高风险1号",
        respondent_unit=unit,
        matter="expropriation",
        applicant_count=6,
        received_on=TODAY - timedelta(days=20),
    )
    return {"unit": unit, "case": case, **people}


def queue_entry(case):
    return db.session.scalar(select(RiskCase).where(RiskCase.case_id == case.id))


def test_a_case_at_the_threshold_enters_the_queue_and_rescoring_twice_changes_nothing(setting):
    # expropriation 20 + group case 20 = 40; an evidence gap (25) lifts it to 65 >= 50.
    first = services.rescore(TODAY)
    assert first["entered_queue"] == 0 and db.session.get(RiskScore, setting["case"].id).score == 40
    services.flag_case(setting["case"], "evidence_gap", "缺少现场勘验记录", setting["clerk"], TODAY)
    entry = queue_entry(setting["case"])
    assert entry.state == "pending_review" and entry.entry_score == 65
    assert services.rescore(TODAY) == {
        "scores_changed": 0,
        "entered_queue": 0,
        "settings_version": services.current_settings().id,
    }


def test_new_settings_version_changes_the_threshold_edge(setting):
    services.save_settings({}, 40, setting["legal"])
    services.rescore(TODAY)
    score = db.session.get(RiskScore, setting["case"].id)
    assert score.score == 40 and score.settings_version == services.current_settings().id
    assert queue_entry(setting["case"]) is not None


def test_a_hand_flag_puts_a_low_score_case_in_the_queue(setting, factories):
    quiet = factories.case(number="低分1号", respondent_unit=setting["unit"], matter="other")
    services.flag_case(quiet, "hand", "信访人多次到访", setting["clerk"], TODAY)
    entry = queue_entry(quiet)
    assert entry.hand_flagged and entry.entry_score is None


def test_units_and_leaders_cannot_flag(setting, factories):
    with pytest.raises(PermissionDenied):
        services.flag_case(setting["case"], "hand", "x", setting["liaison"], TODAY)


def confirmed(setting):
    services.flag_case(setting["case"], "hand", "重点关注", setting["clerk"], TODAY)
    entry = queue_entry(setting["case"])
    services.confirm(
        entry,
        setting["legal"],
        legal_lead=setting["legal"],
        unit_lead=setting["liaison"],
        legal_members=[setting["legal2"]],
    )
    return entry


def test_a_unit_lead_from_another_unit_is_refused(setting):
    services.flag_case(setting["case"], "hand", "重点关注", setting["clerk"], TODAY)
    entry = queue_entry(setting["case"])
    with pytest.raises(DomainError):
        services.confirm(entry, setting["legal"], legal_lead=setting["legal"], unit_lead=setting["outsider"])
    assert entry.state == "pending_review" and entry.members == []


def test_dismissing_needs_a_reason_and_only_legal_decides(setting):
    services.flag_case(setting["case"], "hand", "重点关注", setting["clerk"], TODAY)
    entry = queue_entry(setting["case"])
    with pytest.raises(PermissionDenied):
        services.dismiss(entry, setting["liaison"], "不是")
    with pytest.raises(DomainError):
        services.dismiss(entry, setting["legal"], " ")
    services.dismiss(entry, setting["legal"], "证据充分，风险可控")
    assert entry.state == "dismissed"
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "risk_case")))
    assert "dismiss" in actions


def test_the_cross_off_is_refused_while_an_item_is_open_or_without_a_resolution(setting):
    entry = confirmed(setting)
    legal_item = services.add_item(
        entry,
        setting["legal"],
        text="补充证据",
        side="legal",
        owner=setting["legal2"],
        due_on=TODAY + timedelta(days=5),
        today=TODAY,
    )
    unit_item = services.add_item(
        entry,
        setting["legal"],
        text="主要负责人出庭",
        side="unit",
        owner=setting["liaison"],
        due_on=TODAY + timedelta(days=5),
        today=TODAY,
    )
    with pytest.raises(DomainError):
        services.request_cross_off(entry, setting["legal"], "won")
    with pytest.raises(PermissionDenied):
        services.complete_item(legal_item, setting["liaison"], done_on=TODAY, evidence="x", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.complete_item(unit_item, setting["legal2"], done_on=TODAY, evidence="代为完成", today=TODAY)
    services.complete_item(legal_item, setting["legal2"], done_on=TODAY, evidence="已补充", today=TODAY)
    services.complete_item(unit_item, setting["liaison"], done_on=TODAY, evidence="已出庭", today=TODAY)
    with pytest.raises(DomainError):
        services.request_cross_off(entry, setting["liaison"], None)
    services.request_cross_off(entry, setting["liaison"], "mediated")
    services.send_back(entry, setting["legal"], "调解协议未履行")
    assert entry.state == "task_force" and entry.resolution is None
    services.request_cross_off(entry, setting["legal"], "mediated")
    services.approve(entry, setting["legal"], TODAY)
    assert entry.state == "crossed_off" and entry.crossed_off_on == TODAY
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "risk_item")) == 2


def test_an_outsider_cannot_complete_the_unit_side(setting):
    entry = confirmed(setting)
    item = services.add_item(
        entry, setting["legal"], text="整改", side="unit", owner=setting["liaison"], due_on=TODAY, today=TODAY
    )
    with pytest.raises(PermissionDenied):
        services.complete_item(item, setting["outsider"], done_on=TODAY, evidence="x", today=TODAY)


def test_overdue_detection_run_twice_changes_nothing_the_second_time(setting):
    entry = confirmed(setting)
    item = services.add_item(
        entry, setting["legal"], text="整改", side="unit", owner=setting["liaison"], due_on=TODAY, today=TODAY
    )
    later = TODAY + timedelta(days=3)
    assert services.flag_overdue_items(later) == 1 and item.overdue_since == later
    assert services.flag_overdue_items(later) == 0
    assert services.flag_overdue_items(later + timedelta(days=1)) == 0
    kinds = list(db.session.scalars(select(Notification.kind).where(Notification.user_id == setting["liaison"].id)))
    assert kinds.count("risk_item_overdue") == 1


def test_interview_proposals_appear_for_a_loss_and_disappear_once_recorded(setting, factories):
    lost = factories.case(
        kind="litigation",
        number="败诉1号",
        respondent_unit=setting["unit"],
        received_on=TODAY - timedelta(days=90),
        accepted_on=TODAY - timedelta(days=88),
        concluded_on=TODAY - timedelta(days=10),
        outcome="revoked",
    )
    proposed = interviews.proposals(TODAY)
    assert [p.unit.name for p in proposed] == ["区住建局"] and proposed[0].lost_cases == 1
    interviews.record_interview(
        {
            "held_on": TODAY,
            "leader_name": "许正",
            "unit_id": setting["unit"].id,
            "interviewee": "李志强",
            "reason": "loss",
            "rectification_required": "完善执法程序",
            "case_ids": [lost.id],
        },
        setting["legal"],
        TODAY,
    )
    assert interviews.proposals(TODAY) == []


def test_items_overdue_more_than_15_days_propose_an_interview(setting):
    entry = confirmed(setting)
    services.add_item(
        entry, setting["legal"], text="整改", side="unit", owner=setting["liaison"], due_on=TODAY, today=TODAY
    )
    assert interviews.proposals(TODAY + timedelta(days=15)) == []
    assert [p.unit.name for p in interviews.proposals(TODAY + timedelta(days=16))] == ["区住建局"]


def test_interview_checks(setting, factories):
    with pytest.raises(PermissionDenied):
        interviews.record_interview({}, setting["clerk"], TODAY)
    other_case = factories.case(number="他案", respondent_unit=factories.unit())
    with pytest.raises(DomainError):
        interviews.record_interview(
            {
                "held_on": TODAY,
                "leader_name": "许正",
                "unit_id": setting["unit"].id,
                "interviewee": "李",
                "reason": "loss",
                "case_ids": [other_case.id],
            },
            setting["legal"],
            TODAY,
        )
