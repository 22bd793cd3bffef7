"""A summary looked at before it goes: `summaries preview` prints it exactly as it would be sent and records
nothing; in the app an administrator previews any leader's copy, a leader their own, and either sends a test copy to
themselves, marked 测试 and not counted as the period's send (issue 17, item 7)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from casetrack.accounts import services as accounts
from casetrack.accounts.permissions import SYSTEM
from casetrack.audit.models import AuditEntry
from casetrack.extensions import db
from casetrack.summaries import services
from casetrack.summaries.models import SummarySend, TargetSend

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def leaders(factories, frozen_clock):
    frozen_clock(datetime(2026, 12, 7, 0, 0, tzinfo=UTC))
    works = factories.unit(name="区住建局")
    factories.case(kind="review", respondent_unit=works, received_on=date(2026, 11, 3), applicants=["王秀英"])
    deputy = factories.user(role="leader", username="fuquzhang", display_name="副区长 陈立", email="fu@example.com")
    accounts.set_overseen_units(deputy, [works], SYSTEM)
    other = factories.user(role="leader", username="lingdao", display_name="区长 许正", email="xu@example.com")
    db.session.commit()
    return {"deputy": deputy, "other": other, "works": works}


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(SummarySend)),
        db.session.scalar(select(func.count()).select_from(TargetSend)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def test_the_cli_prints_each_format_as_it_would_be_sent_and_records_nothing(app, leaders, mailbox):
    runner = app.test_cli_runner()
    before = counts()
    text = runner.invoke(
        args=["summaries", "preview", "--kind", "monthly", "--period", "2026-11", "--leader", "fuquzhang"]
    )
    assert text.exit_code == 0, text.output
    sent_as = services.compose_preview("monthly", "2026-11", leaders["deputy"], date(2026, 12, 7))
    assert text.output == sent_as.text + "\n"
    assert "您分管的单位（1月至11月）" in text.output and "副区长 陈立，您好：" in text.output

    html = runner.invoke(args=["summaries", "preview", "--kind", "monthly", "--period", "2026-11", "--format", "html"])
    assert html.output.startswith("<!DOCTYPE html>") and "cid:trend-chart@casetrack" in html.output
    assert "区领导，您好：" in html.output  # no --leader: a leader with no units

    markdown = runner.invoke(
        args=["summaries", "preview", "--kind", "risk_digest", "--period", "2026-W49", "--format", "markdown"]
    )
    assert markdown.output.startswith("### 高风险案件周报：2026年第49周（11月30日—12月6日）")
    assert "王秀英" not in markdown.output

    refused = runner.invoke(args=["summaries", "preview", "--kind", "risk_digest", "--period", "2026-11"])
    assert refused.exit_code == 2 and "2026-W49（风险周报）" in refused.output
    nobody = runner.invoke(args=["summaries", "preview", "--kind", "monthly", "--period", "2026-11", "--leader", "x"])
    assert nobody.exit_code == 2 and "no user named 'x'" in nobody.output
    assert counts() == before and mailbox.messages == []


def test_a_leader_previews_their_own_next_summary_and_gets_a_test_copy_not_counted(leaders, login_as, mailbox):
    deputy = login_as(leaders["deputy"])
    page = deputy.get("/summaries/preview?kind=monthly").get_data(as_text=True)
    assert "行政争议案件月度摘要：2026年12月" in page and "您分管的单位" in page
    assert 'name="leader_id"' not in page  # their own copy only
    # Asking for another leader's copy shows their own all the same.
    assert "副区长 陈立，您好" in deputy.get(f"/summaries/preview?leader_id={leaders['other'].id}").get_data(
        as_text=True
    )
    html = deputy.get("/summaries/preview/message?kind=monthly")
    assert html.headers["Content-Security-Policy"].startswith("sandbox")
    assert 'src="/summaries/preview/chart.png?kind=monthly"' in html.get_data(as_text=True)
    assert deputy.get("/summaries/preview/chart.png?kind=monthly").data.startswith(b"\x89PNG")

    before = counts()
    response = deputy.post("/summaries/preview/test?kind=monthly", data={})
    assert response.status_code == 302
    ((recipients, message),) = mailbox.messages
    assert recipients == ["fu@example.com"]
    assert message["Subject"] == "【测试】行政争议案件月度摘要：2026年12月"
    summary_sends, target_sends, audit_entries = counts()
    assert (summary_sends, target_sends) == before[:2]  # not the period's send: the 1 January copy still goes
    assert audit_entries == before[2] + 1
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.action == "summary_test_sent" and "monthly 2026-12 → fu@example.com" in entry.comment


def test_an_administrator_previews_any_leaders_copy_and_a_liaison_none(leaders, login_as, factories):
    admin = login_as("admin")
    page = admin.get(f"/summaries/preview?kind=risk_digest&leader_id={leaders['deputy'].id}").get_data(as_text=True)
    assert "高风险案件周报：2026年第50周（12月7日—12月13日）" in page and "副区长 陈立，您好" in page
    assert admin.get("/summaries/preview?leader_id=999999").status_code == 404
    assert admin.get(f"/summaries/preview?leader_id={factories.user(role='legal').id}").status_code == 404
    assert login_as("unit").get("/summaries/preview").status_code == 403


def test_a_test_copy_that_cannot_be_sent_says_so_in_chinese_and_records_nothing(leaders, login_as, app):
    app.config["CASETRACK_SMTP_HOST"], app.config["CASETRACK_SMTP_PORT"] = "127.0.0.1", 9
    deputy = login_as(leaders["deputy"])
    before = counts()
    response = deputy.post("/summaries/preview/test?kind=monthly", data={}, follow_redirects=True)
    assert "测试件发送失败" in response.get_data(as_text=True)
    assert counts() == before
