import io
import re
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casetrack.clock import MINUTE_FORMAT, local_text, local_today
from casetrack.extensions import db
from casetrack.risk import services
from casetrack.risk.models import ActionItem, RiskCase, RiskSettings

TODAY = local_today()


@pytest.fixture
def flagged(factories):
    unit = factories.unit(name="区住建局")
    other = factories.unit(name="东洲街道")
    people = {
        "legal": factories.user(role="legal", username="fzj"),
        "liaison": factories.user(role="unit", unit=unit, username="lly"),
        "outsider": factories.user(role="unit", unit=other, username="wai"),
        "clerk": factories.user(role="mediator", username="tj"),
    }
    case = factories.case(number="风险1号", respondent_unit=unit, received_on=TODAY - timedelta(days=10))
    other_case = factories.case(number="外单位风险", respondent_unit=other, received_on=TODAY - timedelta(days=10))
    services.flag_case(case, "hand", "多次信访", people["clerk"], TODAY)
    services.flag_case(other_case, "hand", "舆情", people["clerk"], TODAY)
    db.session.commit()
    entry = db.session.scalar(select(RiskCase).where(RiskCase.case_id == case.id))
    return {"case": case, "entry": entry, "unit": unit, **people}


def version_of(page):
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_the_queue_shows_flagged_cases_and_a_unit_only_its_own(flagged, login_as):
    legal = login_as(flagged["legal"])
    page = legal.get("/risk/").get_data(as_text=True)
    assert "风险1号" in page and "外单位风险" in page
    liaison = login_as(flagged["liaison"])
    own = liaison.get("/risk/").get_data(as_text=True)
    assert "风险1号" in own and "外单位风险" not in own
    other_entry = db.session.scalar(select(RiskCase).where(RiskCase.id != flagged["entry"].id))
    assert liaison.get(f"/risk/{other_entry.id}").status_code == 404


def test_the_whole_cross_off_through_the_pages_ends_in_the_exported_ledger(flagged, login_as):
    entry = flagged["entry"]
    legal, liaison = login_as(flagged["legal"]), login_as(flagged["liaison"])
    page = legal.get(f"/risk/{entry.id}").get_data(as_text=True)
    response = legal.post(
        f"/risk/{entry.id}/confirm",
        data={"legal_lead_id": flagged["legal"].id, "unit_lead_id": flagged["liaison"].id, "version": version_of(page)},
    )
    assert response.status_code == 302
    due = (TODAY + timedelta(days=7)).isoformat()
    legal.post(
        f"/risk/{entry.id}/items",
        data={"text": "补充证据", "side": "legal", "owner_id": flagged["legal"].id, "due_on": due},
    )
    legal.post(
        f"/risk/{entry.id}/items",
        data={"text": "负责人出庭", "side": "unit", "owner_id": flagged["liaison"].id, "due_on": due},
    )
    items = {item.side: item for item in db.session.scalars(select(ActionItem))}
    # the unit cannot complete the legal side's item
    liaison.post(f"/risk/items/{items['legal'].id}/done", data={"done_on": TODAY.isoformat(), "evidence": "x"})
    db.session.expire_all()
    assert db.session.get(ActionItem, items["legal"].id).done_on is None
    liaison.post(f"/risk/items/{items['unit'].id}/done", data={"done_on": TODAY.isoformat(), "evidence": "已出庭"})
    legal.post(f"/risk/items/{items['legal'].id}/done", data={"done_on": TODAY.isoformat(), "evidence": "已补充"})
    page = liaison.get(f"/risk/{entry.id}").get_data(as_text=True)
    liaison.post(f"/risk/{entry.id}/request_cross_off", data={"resolution": "won", "version": version_of(page)})
    page = legal.get(f"/risk/{entry.id}").get_data(as_text=True)
    legal.post(f"/risk/{entry.id}/approve", data={"version": version_of(page)})
    db.session.expire_all()
    assert db.session.get(RiskCase, entry.id).state == "crossed_off"
    assert "风险1号" not in legal.get("/risk/").get_data(as_text=True).split('class="count"')[1]
    sheet = load_workbook(io.BytesIO(legal.get("/risk/ledger.xlsx").data), read_only=True).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["风险1号"][3] == "已销号"


def test_a_cross_off_request_with_an_open_item_is_refused_with_a_message(flagged, login_as):
    entry = flagged["entry"]
    services.confirm(entry, flagged["legal"], legal_lead=flagged["legal"], unit_lead=flagged["liaison"])
    services.add_item(
        entry, flagged["legal"], text="整改", side="unit", owner=flagged["liaison"], due_on=TODAY, today=TODAY
    )
    db.session.commit()
    legal = login_as(flagged["legal"])
    page = legal.get(f"/risk/{entry.id}").get_data(as_text=True)
    legal.post(f"/risk/{entry.id}/request_cross_off", data={"resolution": "won", "version": version_of(page)})
    assert "措施" in legal.get(f"/risk/{entry.id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RiskCase, entry.id).state == "task_force"


def test_the_case_page_shows_each_rules_points_and_the_settings_version(flagged, login_as, factories):
    case = factories.case(number="征收1号", respondent_unit=flagged["unit"], matter="expropriation", applicant_count=7)
    services.rescore(TODAY, [case.id])
    db.session.commit()
    page = login_as(flagged["legal"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="risk-score">40<' in page and "+20" in page
    assert f"{services.current_settings().id}" in page


def test_legal_edits_the_weights_as_a_new_version(flagged, login_as):
    legal = login_as(flagged["legal"])
    before = services.current_settings().id
    db.session.commit()
    form = {f"weight-{key}": value for key, value in services.current_settings().weights.items()}
    legal.post("/risk/settings", data={**form, "weight-group_case": 35, "threshold": 45})
    latest = db.session.scalar(select(RiskSettings).order_by(RiskSettings.id.desc()))
    assert latest.id == before + 1 and latest.weights["group_case"] == 35 and latest.threshold == 45
    assert login_as("mediator").get("/risk/settings").status_code == 403


def test_interviews_page_proposes_a_unit_with_a_loss_until_one_is_recorded(flagged, login_as, factories):
    lost = factories.case(
        kind="litigation",
        number="败诉2号",
        respondent_unit=flagged["unit"],
        received_on=TODAY - timedelta(days=60),
        accepted_on=TODAY - timedelta(days=59),
        concluded_on=TODAY - timedelta(days=5),
        outcome="compensation",
    )
    db.session.commit()
    legal = login_as(flagged["legal"])
    assert 'href="/interviews/#proposals"' in legal.get("/risk/").get_data(as_text=True)
    proposals = legal.get("/interviews/").get_data(as_text=True).split('id="proposals"')[1].split("</section>")[0]
    assert "区住建局" in proposals
    response = legal.post(
        "/interviews/new",
        data={
            "held_on": TODAY.isoformat(),
            "leader_name": "许正",
            "unit_id": flagged["unit"].id,
            "interviewee": "李志强",
            "reason": "loss",
            "case_ids": [lost.id],
            "rectification_required": "规范执法",
        },
    )
    assert response.status_code == 302
    proposals = legal.get("/interviews/").get_data(as_text=True).split('id="proposals"')[1].split("</section>")[0]
    assert "区住建局" not in proposals


def test_a_refused_step_names_the_risk_cases_state_in_the_readers_language(flagged, login_as):
    entry = flagged["entry"]
    services.confirm(entry, flagged["legal"], legal_lead=flagged["legal"], unit_lead=flagged["liaison"])
    db.session.commit()
    legal = login_as(flagged["legal"])
    page = legal.get(f"/risk/{entry.id}").get_data(as_text=True)
    response = legal.post(f"/risk/{entry.id}/approve", data={"version": version_of(page)}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "处于“专班办理中”状态的风险案件不能执行此操作。" in text
    assert "Task force at work" not in text


def flags_shown(page: str) -> str:
    return lxml.html.fromstring(page).get_element_by_id("risk-flags").text_content()


def test_the_risk_case_says_who_flagged_it_by_hand_why_and_when_in_the_districts_time(
    flagged, login_as, factories, frozen_clock
):
    # Late evening in UTC is the next morning in the district: the page must show the district's day and hour.
    instant = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    frozen_clock(instant)
    clerk = factories.user(role="mediator", display_name="调解中心李调解")
    case = factories.case(number="风险2号", respondent_unit=flagged["unit"], received_on=TODAY - timedelta(days=3))
    services.flag_case(case, "hand", "申请人多次信访，媒体已关注", clerk, TODAY)
    services.flag_case(case, "evidence_gap", "征收补偿协议未附送达回证", flagged["legal"], TODAY)
    db.session.commit()
    entry = db.session.scalar(select(RiskCase).where(RiskCase.case_id == case.id))

    page = login_as(flagged["liaison"]).get(f"/risk/{entry.id}").get_data(as_text=True)
    shown = flags_shown(page)
    hand, gap = shown.index("人工纳入风险库"), shown.index("证据缺失")
    assert hand < gap  # why it is in the queue comes first
    assert "申请人多次信访，媒体已关注" in shown[hand:gap] and "调解中心李调解" in shown[hand:gap]
    assert local_text(instant) in shown[hand:gap] and instant.strftime(MINUTE_FORMAT) not in shown
    assert "征收补偿协议未附送达回证" in shown[gap:] and flagged["legal"].label in shown[gap:]
    # The score's own reasons are there too: the evidence gap's points under its rule's name.
    weight = services.current_settings().weights["evidence_gap"]
    contributions = lxml.html.fromstring(page).find_class("contributions")[0].text_content()
    assert "证据缺失" in contributions and str(weight) in contributions


def test_flagging_again_shows_the_new_reason_its_author_and_time(flagged, login_as, factories, frozen_clock):
    first, later = datetime(2026, 3, 2, 2, 0, tzinfo=UTC), datetime(2026, 3, 9, 6, 45, tzinfo=UTC)
    frozen_clock(first)
    case = flagged["case"]
    services.flag_case(case, "media_attention", "本地论坛转发", flagged["clerk"], TODAY)
    frozen_clock(later)
    services.flag_case(case, "media_attention", "省级媒体报道", flagged["legal"], TODAY)
    db.session.commit()
    shown = flags_shown(login_as(flagged["legal"]).get(f"/risk/{flagged['entry'].id}").get_data(as_text=True))
    assert "省级媒体报道" in shown and local_text(later) in shown
    assert "本地论坛转发" not in shown and local_text(first) not in shown


def said(client, response) -> list[str]:
    """The success messages of the page a step sent the browser back to."""
    assert response.status_code == 302, response.status_code
    page = client.get(response.headers["Location"], headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    return [element.text_content() for element in lxml.html.fromstring(page).find_class("flash info")]


def test_each_step_of_the_workflow_says_what_was_done_to_which_case(flagged, login_as, factories):
    entry, number = flagged["entry"], flagged["case"].number
    legal, liaison, clerk = login_as(flagged["legal"]), login_as(flagged["liaison"]), login_as(flagged["clerk"])

    def step(client, action, **data):
        page = client.get(f"/risk/{entry.id}").get_data(as_text=True)
        return said(client, client.post(f"/risk/{entry.id}/{action}", data={"version": version_of(page), **data}))

    ids = {"legal_lead_id": flagged["legal"].id, "unit_lead_id": flagged["liaison"].id}
    assert step(legal, "confirm", **ids) == [f"已确认风险并组建双专班：案件 {number}。"]
    due = TODAY + timedelta(days=7)
    response = legal.post(
        f"/risk/{entry.id}/items",
        data={"text": "补充证据", "side": "unit", "owner_id": flagged["liaison"].id, "due_on": due.isoformat()},
    )
    assert said(legal, response) == [f"已添加措施：案件 {number}，期限 {due.isoformat()}。"]
    item = db.session.scalar(select(ActionItem).where(ActionItem.risk_case_id == entry.id))
    response = liaison.post(f"/risk/items/{item.id}/done", data={"done_on": TODAY.isoformat(), "evidence": "已补"})
    assert said(liaison, response) == [f"措施已完成：案件 {number}。"]
    assert step(liaison, "request_cross_off", resolution="won") == [f"已申请销号：案件 {number}。"]
    assert step(legal, "send_back", comment="证据不全") == [f"已退回专班：案件 {number}。"]
    assert step(liaison, "request_cross_off", resolution="won") == [f"已申请销号：案件 {number}。"]
    assert step(legal, "approve") == [f"已销号：案件 {number}。"]

    other = factories.case(number="风险3号", respondent_unit=flagged["unit"], received_on=TODAY)
    db.session.commit()
    response = clerk.post(f"/risk/flag/{other.id}", data={"flag": "hand", "reason": "多次信访"})
    assert said(clerk, response) == ["已标记案件 风险3号（人工纳入风险库），风险分已更新。"]
    entry, number = db.session.scalar(select(RiskCase).where(RiskCase.case_id == other.id)), "风险3号"
    assert step(legal, "dismiss", comment="风险可控") == [f"已不予纳入：案件 {number}。"]
    assert step(legal, "reopen", comment="出现新情况") == [f"已重新办理，待审核：案件 {number}。"]


def test_a_refused_step_says_why_and_claims_nothing_was_done(flagged, login_as):
    legal = login_as(flagged["legal"])
    entry = flagged["entry"]
    page = legal.get(f"/risk/{entry.id}").get_data(as_text=True)
    response = legal.post(f"/risk/{entry.id}/dismiss", data={"version": version_of(page), "comment": " "})
    assert said(legal, response) == []
