"""The Monday risk digest says, for each case it lists, why it scores high, its next statutory deadline, its
task-force items and the last thing done on it; its week reads as a reader says it (issue 17, item 5)."""

from datetime import UTC, date, datetime

import pytest

from casetrack.extensions import db
from casetrack.risk.models import ActionItem, RiskCase, RiskScore, RiskSettings
from casetrack.summaries import services
from casetrack.summaries.models import SummarySend
from casetrack.summaries.rules import week_days, week_key

TODAY = date(2026, 12, 7)

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def digest_world(factories, frozen_clock):
    frozen_clock(datetime(2026, 12, 7, 0, 5, tzinfo=UTC))
    legal = factories.user(role="legal", username="fazhi")
    unit = factories.unit(name="区住建局")
    case = factories.case(
        kind="litigation", number="（2026）浙0111行初7号", respondent_unit=unit, applicants=["王秀英"]
    )
    case.next_deadline_on, case.next_deadline_code = date(2026, 12, 10), "defence"
    quiet = factories.case(kind="review", number="富政复〔2026〕9号", respondent_unit=unit)
    quiet.next_deadline_on = quiet.next_deadline_code = None
    settings = RiskSettings(weights={}, threshold=10)
    db.session.add(settings)
    db.session.flush()
    db.session.add_all(
        [
            RiskScore(
                case_id=case.id,
                score=70,
                settings_version=settings.id,
                contributions=[
                    {"rule": "matter", "points": 20, "detail": "expropriation"},
                    {"rule": "unit_loss_rate", "points": 40, "detail": "25%"},
                    {"rule": "group_case", "points": 10, "detail": "6"},
                ],
            ),
            RiskScore(case_id=quiet.id, score=15, settings_version=settings.id, contributions=[]),
        ]
    )
    risk_case = RiskCase(case_id=case.id, state="task_force", entered_on=date(2026, 11, 20))
    calm = RiskCase(case_id=quiet.id, state="pending_review", entered_on=date(2026, 12, 1))
    db.session.add_all([risk_case, calm])
    db.session.flush()
    for text, due, done in (
        ("补充证据", date(2026, 12, 1), None),
        ("约谈申请人", date(2026, 12, 20), None),
        ("调取卷宗", date(2026, 11, 25), date(2026, 11, 24)),
    ):
        db.session.add(
            ActionItem(risk_case_id=risk_case.id, text=text, side="legal", owner_id=legal.id, due_on=due, done_on=done)
        )
    from casetrack.audit import services as audit

    audit.record("risk_case", risk_case.id, "item_added", legal, [("item", None, "约谈申请人")], comment="2026-12-20")
    leader = factories.user(role="leader", username="lingdao", email="lingdao@example.com")
    english = factories.user(role="leader", username="leader_en", email="leader@example.com", locale="en")
    db.session.commit()
    return {"leader": leader, "english": english}


def compose(user):
    send = SummarySend(kind="risk_digest", period=week_key(TODAY), recipient=user, email=user.email, status="pending")
    return services.compose(send, TODAY)


def test_each_listed_case_says_why_when_and_what_is_open_in_chinese(digest_world):
    message = compose(digest_world["leader"])
    assert message.subject == "高风险案件周报：2026年第50周（12月7日—12月13日）"
    for body in (message.text, message.html):
        assert "2026年第50周（12月7日—12月13日）" in body
        assert "风险分70" in body
        # Largest contribution first, with its detail in words.
        assert body.index("败诉率") < body.index("案由（行政征收") < body.index("群体性案件")
        assert "2026-12-10" in body and "剩余3天" in body
        assert "未完成2项" in body and "逾期1项" in body
        assert "最近动态：2026-12-07" in body
        assert "尚无处理记录" in body and "无进行中的法定期限" in body  # the second case: nothing due, nothing done
        assert "王秀英" not in body  # a digest names cases and units, not parties
    assert "<td></td>" not in message.html


def test_the_week_reads_in_english_for_an_english_reader(digest_world):
    message = compose(digest_world["english"])
    assert message.subject == "casetrack risk digest: week 50 of 2026 (Dec 7 – Dec 13)"
    assert "Task-force items: 2 open, 1 overdue." in message.text
    assert "Next statutory deadline: 2026-12-10" in message.text and "3 days left" in message.text


def test_a_week_key_names_its_monday_and_sunday():
    assert week_days("2026-W49") == (2026, 49, date(2026, 11, 30), date(2026, 12, 6))
    assert week_days(week_key(date(2027, 1, 1))) == (2026, 53, date(2026, 12, 28), date(2027, 1, 3))


def test_a_deputys_digest_puts_the_units_they_oversee_before_the_district(digest_world, factories):
    from casetrack.accounts import services as accounts
    from casetrack.accounts.models import Unit
    from casetrack.accounts.permissions import SYSTEM

    deputy = factories.user(role="leader", username="fuquzhang", email="fu@example.com")
    accounts.set_overseen_units(deputy, [db.session.query(Unit).filter_by(name="区住建局").one()], SYSTEM)
    db.session.commit()
    message = compose(deputy)
    text = message.text
    assert "== 您分管的单位 ==\n- 区住建局：在办2件，专班办理1件，逾期措施1项\n" in text
    assert text.index("您分管的单位") < text.index("== 全区 ==") < text.index("风险分70")
    assert "区住建局：在办2件，专班办理1件，逾期措施1项" in message.html
    assert "<style" not in message.html
    # Without units: the district only, as before.
    assert "您分管的单位" not in compose(digest_world["leader"]).text
