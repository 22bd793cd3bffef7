"""What follows a correction or a loss: an item for the unit when the outcome is confirmed, cancelled when it no
longer stands; overdue items propose an interview and reach the Monday digest; "败诉已整改" needs them done; the
legal bureau's reasons feed the class-case table."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casetrack.cases import services as cases
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.interviews.services import proposals
from casetrack.rectification import services
from casetrack.rectification.models import AdverseReason, RectificationItem
from casetrack.rectification.queries import class_case_rows, class_cases
from casetrack.risk import services as risk
from casetrack.risk.models import RiskCase
from casetrack.stats.queries import Period
from tests.conftest import csrf_token

TODAY = local_today()
RECEIVED = TODAY - timedelta(days=200)


@pytest.fixture
def setting(factories):
    unit = factories.unit(name="区住建局")
    people = {
        "legal": factories.user(role="legal", username="legal1"),
        "liaison": factories.user(role="unit", unit=unit, username="liaison1"),
        "outsider": factories.user(role="unit", unit=factories.unit(name="东洲街道"), username="outsider"),
        "clerk": factories.user(role="mediator", username="clerk1"),
    }
    lawsuit = factories.case(
        kind="litigation",
        number="（2026）浙0111行初5号",
        respondent_unit=unit,
        received_on=RECEIVED,
        accepted_on=RECEIVED,
    )
    return {"unit": unit, "lawsuit": lawsuit, **people}


def items(case):
    return list(db.session.scalars(select(RectificationItem).where(RectificationItem.case_id == case.id)))


def reason_id(code):
    return db.session.scalar(select(AdverseReason.id).where(AdverseReason.code == code))


def test_a_unit_reported_loss_makes_no_item_until_the_legal_bureau_confirms_it(setting):
    lawsuit, concluded = setting["lawsuit"], TODAY - timedelta(days=5)
    report = cases.report_outcome(lawsuit, setting["liaison"], TODAY, outcome="revoked", concluded_on=concluded)
    assert items(lawsuit) == []
    cases.confirm_outcome_report(report, setting["legal"], TODAY)
    made = sorted(items(lawsuit), key=lambda item: item.action)
    # 撤销: redo the act, and mend the practice behind it; both due 60 days after the judgment.
    assert [(item.action, item.state, item.unit_id) for item in made] == [
        ("redo", "open", setting["unit"].id),
        ("system", "open", setting["unit"].id),
    ]
    assert {item.due_on for item in made} == {concluded + timedelta(days=60)}
    # Confirming again or sweeping makes nothing twice.
    assert services.sweep(TODAY) == 0 and len(items(lawsuit)) == 2


def test_a_won_case_makes_none_and_reopening_a_loss_cancels_its_items(setting):
    lawsuit = setting["lawsuit"]
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY, outcome="claim_rejected")
    assert items(lawsuit) == []
    cases.transition(lawsuit, "reopen", setting["legal"], TODAY, reason="判决书送达有误")
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY, outcome="ordered_to_perform")
    assert sorted(item.action for item in items(lawsuit)) == ["perform", "system"]
    cases.transition(lawsuit, "reopen", setting["legal"], TODAY, reason="再审")
    assert {item.state for item in items(lawsuit)} == {"cancelled"}


def test_a_second_instance_that_reverses_the_loss_cancels_the_first_instances_items(setting, factories):
    lawsuit = setting["lawsuit"]
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY - timedelta(days=30), outcome="revoked")
    appeal = factories.case(
        kind="litigation",
        instance="second",
        number="（2026）浙01行终5号",
        respondent_unit=setting["unit"],
        received_on=TODAY - timedelta(days=20),
        accepted_on=TODAY - timedelta(days=20),
        related_case_id=lawsuit.id,
        related_relation="appeal",
    )
    cases.transition(appeal, "conclude", setting["legal"], TODAY, on=TODAY, outcome="claim_rejected")
    assert {item.state for item in items(lawsuit)} == {"cancelled"}
    assert items(appeal) == []


def test_the_unit_records_the_work_done_and_another_unit_cannot(setting):
    lawsuit = setting["lawsuit"]
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY - timedelta(days=3), outcome="varied")
    (item,) = items(lawsuit)
    with pytest.raises(PermissionDenied):
        services.complete_item(item, setting["outsider"], TODAY, done_on=TODAY, evidence="x")
    with pytest.raises(DomainError):
        services.complete_item(item, setting["liaison"], TODAY, done_on=TODAY, evidence="  ")
    with pytest.raises(DomainError):
        services.complete_item(item, setting["liaison"], TODAY, done_on=TODAY - timedelta(days=10), evidence="早于结案")
    # The unit names its owner but cannot move the due date.
    with pytest.raises(PermissionDenied):
        services.plan_item(item, setting["liaison"], TODAY, description="", owner_id=None, due_on=TODAY)
    services.plan_item(
        item, setting["liaison"], TODAY, description="修订执法规程", owner_id=setting["liaison"].id, due_on=None
    )
    services.complete_item(item, setting["liaison"], TODAY, done_on=TODAY, evidence="新规程已印发")
    assert (item.state, item.done_on, item.owner_id) == ("done", TODAY, setting["liaison"].id)


def test_overdue_rectification_proposes_an_interview_and_reaches_the_monday_digest(setting, factories):
    from casetrack.summaries.services import _risk_digest

    # A review corrected, not a lawsuit lost: only the overdue item can put the unit on the list.
    review = factories.case(number="复8号", respondent_unit=setting["unit"], received_on=RECEIVED, accepted_on=RECEIVED)
    cases.transition(review, "conclude", setting["legal"], TODAY, on=TODAY - timedelta(days=100), outcome="varied")
    (item,) = items(review)
    item.due_on = TODAY - timedelta(days=14)
    db.session.flush()
    assert proposals(TODAY) == []
    item.due_on = TODAY - timedelta(days=16)
    db.session.flush()
    (proposal,) = proposals(TODAY)
    assert (proposal.unit.id, proposal.overdue_rectification) == (setting["unit"].id, 1)

    class Send:
        period = "2026-W49"

    _, text, html, _ = _risk_digest(Send(), setting["legal"], "http://casetrack", TODAY)
    assert "区住建局: 1" in text and "区住建局: 1" in html


def test_lost_and_rectified_needs_every_rectification_item_done(setting):
    lawsuit = setting["lawsuit"]
    risk.flag_case(lawsuit, "hand", "败诉风险", setting["clerk"], TODAY)
    entry = db.session.scalar(select(RiskCase).where(RiskCase.case_id == lawsuit.id))
    risk.confirm(entry, setting["legal"], legal_lead=setting["legal"], unit_lead=setting["liaison"])
    measure = risk.add_item(
        entry, setting["legal"], text="应诉", side="unit", owner=setting["liaison"], due_on=TODAY, today=TODAY
    )
    risk.complete_item(measure, setting["liaison"], done_on=TODAY, evidence="已应诉", today=TODAY)
    with pytest.raises(DomainError, match="Lost and rectified"):
        risk.request_cross_off(entry, setting["liaison"], "lost_rectified")  # not lost yet
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY, outcome="confirmed_illegal")
    with pytest.raises(DomainError, match="Lost and rectified"):
        risk.request_cross_off(entry, setting["liaison"], "lost_rectified")
    for item in items(lawsuit):
        services.complete_item(item, setting["liaison"], TODAY, done_on=TODAY, evidence="整改完毕")
    risk.request_cross_off(entry, setting["liaison"], "lost_rectified")
    assert entry.state == "cross_off_requested"


def test_coded_reasons_feed_the_class_case_table_and_its_drill_down(setting, factories, login_as):
    lawsuit = setting["lawsuit"]
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY, outcome="revoked")
    other = factories.case(number="复5号", respondent_unit=setting["unit"], received_on=RECEIVED, accepted_on=RECEIVED)
    cases.transition(other, "conclude", setting["legal"], TODAY, on=TODAY, outcome="varied")
    with pytest.raises(PermissionDenied):
        services.code_reasons(lawsuit, setting["liaison"], [reason_id("procedure")], "")
    with pytest.raises(DomainError):
        services.code_reasons(lawsuit, setting["legal"], [reason_id("other")], "")  # 其他 needs its words
    services.code_reasons(lawsuit, setting["legal"], [reason_id("procedure"), reason_id("other")], "未告知听证权利")
    services.code_reasons(other, setting["legal"], [reason_id("procedure")], "")
    period = Period(TODAY.replace(month=1, day=1), TODAY)
    rows = {(row.unit, row.matter, row.reason_code): row.cases for row in class_case_rows(period)}
    assert rows == {("区住建局", "penalty", "procedure"): 2, ("区住建局", "penalty", "other"): 1}
    assert {case.id for case in class_cases(period, reason_id=reason_id("procedure"))} == {lawsuit.id, other.id}
    # Coding again replaces the coding.
    services.code_reasons(other, setting["legal"], [reason_id("wrong_law")], "")
    rows = {row.reason_code: row.cases for row in class_case_rows(period)}
    assert rows == {"procedure": 1, "other": 1, "wrong_law": 1}
    db.session.commit()
    client = login_as("leader").client
    page = client.get(f"/rectification/class-cases?from={period.start}&to={period.end}").get_data(as_text=True)
    assert "程序违法" in page and "适用法律错误" in page and 'id="class-case-chart"' in page
    from casetrack.stats.queries import figures

    shaped = figures(
        period, Period(period.start.replace(year=period.start.year - 1), period.end.replace(year=period.end.year - 1))
    )
    assert shaped["adverse_reasons"]["coded"] == 2 and shaped["adverse_reasons"]["procedure_share_pct"] == 50.0


def test_the_legal_bureau_codes_reasons_on_the_case_page_in_chinese(setting, login_as):
    lawsuit = setting["lawsuit"]
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY, outcome="revoked")
    db.session.commit()
    client = login_as(setting["legal"]).client
    page = client.get(f"/cases/{lawsuit.id}").get_data(as_text=True)
    assert "纠错、败诉原因" in page and "重新作出行政行为" in page
    token = csrf_token(client, f"/cases/{lawsuit.id}")
    answer = client.post(
        f"/rectification/cases/{lawsuit.id}/reasons",
        data={"csrf_token": token, "reason_ids": [str(reason_id("facts_unclear"))]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已记录案件" in answer
    assert [coded.reason.code for coded in services.coded_reasons(lawsuit.id)] == ["facts_unclear"]
    refused = client.post(
        f"/rectification/cases/{lawsuit.id}/reasons", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "请至少选择一个原因" in refused
    assert [coded.reason.code for coded in services.coded_reasons(lawsuit.id)] == ["facts_unclear"]


def test_an_added_reason_is_offered_and_counts_under_other_in_the_figures(setting):
    reason = services.add_reason(setting["legal"], "未尽审慎审查义务")
    with pytest.raises(DomainError):
        services.add_reason(setting["legal"], "未尽审慎审查义务")
    with pytest.raises(DomainError):
        services.set_reason_active(setting["legal"], db.session.get(AdverseReason, reason_id("other")), False)
    lawsuit = setting["lawsuit"]
    cases.transition(lawsuit, "conclude", setting["legal"], TODAY, on=TODAY, outcome="revoked")
    services.code_reasons(lawsuit, setting["legal"], [reason.id], "")
    from casetrack.stats.queries import reason_counts

    counts = reason_counts(Period(TODAY.replace(month=1, day=1), TODAY))
    assert counts["adverse_reasons_other"] == 1 and counts["adverse_reasons_coded"] == 1
    services.set_reason_active(setting["legal"], reason, False)
    assert reason not in services.reasons()
