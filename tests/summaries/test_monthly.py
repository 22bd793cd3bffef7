"""The monthly summary is written around what a leader decides: the headline figures with their change on a year
earlier, the units they oversee first, the 两高一低 units, the interviews waiting, the heads in court, the risk
queue and a trend picture; the HTML part is one column with its CSS inlined and says what the plain part says
(issue 17, item 4)."""

import re
from datetime import UTC, date, datetime

import pytest

from casetrack.accounts import services as accounts
from casetrack.accounts.permissions import SYSTEM
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.interviews import services as interviews
from casetrack.mail import build_message
from casetrack.risk.models import ActionItem, RiskCase
from casetrack.summaries import services
from casetrack.summaries.models import SummarySend

TODAY = date(2026, 12, 1)

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def month_world(factories, frozen_clock):
    # 08:00 on the 1st in the district, when the job sends.
    frozen_clock(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    legal = factories.user(role="legal", username="fazhi")
    works, police, town = (factories.unit(name=name) for name in ("区住建局", "区公安分局", "新登镇"))
    # Reviews: two new in November 2026 (one corrected), one in November 2025 (upheld).
    factories.case(
        kind="review",
        respondent_unit=works,
        received_on=date(2026, 11, 3),
        accepted_on=date(2026, 11, 4),
        concluded_on=date(2026, 11, 25),
        outcome="revoked",
    )
    factories.case(kind="review", respondent_unit=works, received_on=date(2026, 11, 10))
    factories.case(
        kind="review",
        respondent_unit=works,
        received_on=date(2025, 11, 5),
        accepted_on=date(2025, 11, 6),
        concluded_on=date(2025, 11, 28),
        outcome="upheld",
    )
    # Litigation: the police lose one, the works bureau wins one, both concluded in November 2026.
    factories.case(
        kind="litigation",
        number="（2026）浙0111行初5号",
        respondent_unit=police,
        applicants=["王秀英"],
        received_on=date(2026, 8, 1),
        accepted_on=date(2026, 8, 3),
        concluded_on=date(2026, 11, 12),
        outcome="revoked",
    )
    won = factories.case(
        kind="litigation",
        number="（2026）浙0111行初6号",
        respondent_unit=works,
        received_on=date(2026, 9, 1),
        accepted_on=date(2026, 9, 3),
        concluded_on=date(2026, 11, 20),
        outcome="claim_rejected",
    )
    ahead = factories.case(
        kind="litigation", number="（2026）浙0111行初9号", respondent_unit=works, received_on=date(2026, 11, 2)
    )
    db.session.add_all(
        [
            Hearing(
                case_id=won.id,
                held_on=date(2026, 11, 10),
                appeared=False,
                absence_reason="赴省参加防汛会议",
                absence_approved_by_id=legal.id,
                absence_approved_at=datetime(2026, 11, 9, 2, tzinfo=UTC),
            ),
            Hearing(case_id=ahead.id, held_on=date(2026, 12, 10), court="富阳区人民法院"),
        ]
    )
    risk_case = RiskCase(case_id=ahead.id, state="task_force", entered_on=date(2026, 11, 15))
    db.session.add(risk_case)
    db.session.flush()
    db.session.add(
        ActionItem(
            risk_case_id=risk_case.id, text="补充证据", side="legal", owner_id=legal.id, due_on=date(2026, 11, 28)
        )
    )
    deputy = factories.user(role="leader", username="fuquzhang", display_name="副区长 陈立", email="fu@example.com")
    accounts.set_overseen_units(deputy, [works, town], SYSTEM)
    db.session.commit()
    return {"deputy": deputy, "works": works, "police": police}


def compose(user, period="2026-11"):
    send = SummarySend(kind="monthly", period=period, recipient=user, email=user.email, status="pending")
    return services.compose(send, TODAY)


def lines_after(text: str, heading: str) -> list[str]:
    """The lines of one == section == of the plain part."""
    part = text.split(f"== {heading} ==", 1)[1].split("\n== ", 1)[0]
    return [line.strip() for line in part.strip().splitlines() if line.strip()]


def test_each_section_says_what_a_deputy_decides_with_their_units_first(month_world):
    message = compose(month_world["deputy"])
    text = message.text
    assert message.subject == "行政争议案件月度摘要：2026年11月"
    assert text.index("您分管的单位（1月至11月）") < text.index("全区主要数据")

    mine = lines_after(text, "您分管的单位（1月至11月）")
    assert mine[0] == "区住建局 [诉讼案件多、出庭率低]"
    # Two reviews this year against one: +100 %; one of one concluded corrected against none of one: +100 points.
    assert "新收复议案件：2 （同比 +100.00%）" in mine
    assert "复议纠错率：100.00% （同比 +100.00个百分点）" in mine
    assert "诉讼败诉率：0.00% （同比 暂无数据）" in mine
    assert mine[mine.index("新登镇") + 1] == "新收复议案件：0 （同比 暂无数据）"
    assert "全区" in mine and mine.index("全区") > mine.index("新登镇")

    district = lines_after(text, "全区主要数据")
    at = district.index("诉讼败诉率")
    # November: one lost of two concluded; no litigation a year earlier.
    assert district[at + 1 : at + 3] == ["11月 50.00% （同比 暂无数据）", "1月至11月 50.00% （同比 暂无数据）"]
    at = district.index("出庭率")
    assert district[at + 1] == "11月 0.00% （同比 暂无数据）"

    # The works bureau won its case: only the police are above the district's loss rate.
    assert "- 区公安分局：诉讼案件多、败诉率高" in text.splitlines()
    assert "- 区住建局（分管）：诉讼案件多、出庭率低" in text.splitlines()

    proposals = lines_after(text, "约谈建议")
    assert proposals[:2] == ["待领导决定：", "- 区公安分局：近12个月败诉1件（自2026-11-12起列入）"]

    court = lines_after(text, "负责人出庭应诉")
    assert court == [
        "截至2026-12-31尚未明确出庭负责人或申请不出庭的庭审：1场。",
        "- 区住建局（分管）：1场，最早2026-12-10",
        "11月负责人未出庭的庭审：1场。",
        "- 2026-11-10 （2026）浙0111行初6号，区住建局：赴省参加防汛会议（不出庭已批准）",
    ]
    risk = lines_after(text, "高风险案件")
    assert risk[:3] == [
        "全区：在办1件，专班办理1件，逾期措施1项。",
        "- 区住建局：在办1件，专班办理1件，逾期措施1项",
        "- 新登镇：在办0件，专班办理0件",
    ]
    assert "数据看板：http://127.0.0.1:5000/dashboard?year=2026#overseen-units" in text
    assert "王秀英" not in text and "王秀英" not in message.html


def test_the_html_part_is_one_inlined_column_with_the_trend_picture_and_says_what_the_text_says(month_world):
    message = compose(month_world["deputy"])
    html = message.html
    assert "<style" not in html  # inlined by css-inline, so a client that drops <style> keeps the look
    assert re.search(r'<h2 style="[^"]*border-bottom: 2px solid #1f4e8c', html)
    assert 'style="max-width: 640px;' in html
    (picture,) = re.findall(r"<img [^>]*>", html)
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', picture))
    assert attributes["src"] == "cid:trend-chart@casetrack" and "width: 100%" in attributes["style"]
    assert attributes["alt"].startswith("每月新收案件：1月：新收复议案件 0, 新收一审诉讼案件 0")
    assert "11月：新收复议案件 2, 新收一审诉讼案件 1" in attributes["alt"]
    (chart,) = message.inline
    assert chart.content.startswith(b"\x89PNG") and chart.content_id == "trend-chart@casetrack"

    built = build_message(message, "casetrack@example.com")
    related = built.get_body(("html",))
    (inline_part,) = [part for part in built.walk() if part.get("Content-ID") == "<trend-chart@casetrack>"]
    assert inline_part.get_content_type() == "image/png"
    assert [a.get_filename() for a in built.iter_attachments()] == ["annual-report-2026-to-11.docx"]
    assert related is not None

    # The plain part says the same: every figure written in the HTML is in the text.
    words_in_html = set(re.findall(r"[+-]?\d+\.\d\d%|\d+\.\d\d个百分点", re.sub(r"<[^>]+>", " ", html)))
    words_in_text = set(re.findall(r"[+-]?\d+\.\d\d%|\d+\.\d\d个百分点", message.text))
    assert words_in_html and words_in_html == words_in_text
    for heading in (
        "您分管的单位（1月至11月）",
        "全区主要数据",
        "“两高一低”",
        "约谈建议",
        "负责人出庭应诉",
        "高风险案件",
    ):
        assert heading in html and heading in message.text


def test_an_agreed_proposal_is_said_to_wait_for_the_legal_bureau(month_world):
    proposal = next(p for p in interviews.proposals(TODAY) if p.unit.id == month_world["police"].id)
    interviews.decide(month_world["deputy"], proposal.unit.id, proposal.since, "agreed", "", TODAY)
    db.session.commit()
    proposals = lines_after(compose(month_world["deputy"]).text, "约谈建议")
    assert proposals == ["暂无待决定的约谈建议。", "已同意约谈、等待司法局组织：区公安分局"]


def test_a_leader_without_units_gets_the_district_only_and_english_when_they_read_english(month_world, factories):
    reader = factories.user(role="leader", username="leader_en", email="en@example.com", locale="en")
    db.session.commit()
    message = compose(reader)
    assert "The units you oversee" not in message.text
    assert message.subject == "casetrack monthly summary: 2026-11"
    assert "Administrative disputes in Nov 2026" in message.text
    assert message.text.endswith("Dashboard: http://127.0.0.1:5000/dashboard?year=2026")
