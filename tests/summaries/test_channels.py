"""Summaries to DingTalk (浙政钉) and 企业微信 groups: signed, within the platform's size, never a party's name,
exactly once — a refusal or a rate limit retried, an answer that never came left for an administrator (issue 17,
item 6). The robots are a local server playing the platforms (tests/robots.py)."""

import logging
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.risk.models import RiskCase, RiskScore, RiskSettings
from casetrack.summaries import rules, services
from casetrack.summaries.models import SummaryTarget, TargetSend
from casetrack.summaries.tasks import send_monthly, send_now, send_risk_digest
from tests.robots import RobotServer

pytestmark = pytest.mark.usefixtures("app")

APPLICANTS = ["王秀英", "杭州富春建材有限公司"]


@pytest.fixture
def robots(app):
    app.config["CASETRACK_WEBHOOK_TIMEOUT"] = 1
    with RobotServer(late_by=1.5) as server:
        yield server


@pytest.fixture
def district(factories, frozen_clock):
    frozen_clock(datetime(2026, 12, 7, 0, 0, tzinfo=UTC))
    legal = factories.user(role="legal", username="fazhi")
    unit = factories.unit(name="区住建局")
    case = factories.case(
        kind="litigation",
        number="（2026）浙0111行初7号",
        respondent_unit=unit,
        applicants=APPLICANTS,
        received_on=date(2026, 11, 2),
    )
    lost = factories.case(
        kind="litigation",
        number="（2026）浙0111行初3号",
        respondent_unit=unit,
        applicants=["李建国"],
        received_on=date(2026, 8, 2),
        accepted_on=date(2026, 8, 3),
        concluded_on=date(2026, 11, 20),
        outcome="revoked",
    )
    db.session.add(
        Hearing(
            case_id=lost.id,
            held_on=date(2026, 11, 10),
            appeared=False,
            absence_reason="王秀英要求延期",  # free text can name a party: a group never sees it
            absence_approved_by_id=legal.id,
        )
    )
    settings = RiskSettings(weights={}, threshold=10)
    db.session.add(settings)
    db.session.flush()
    db.session.add(RiskScore(case_id=case.id, score=60, settings_version=settings.id, contributions=[]))
    db.session.add(RiskCase(case_id=case.id, state="task_force", entered_on=date(2026, 11, 20)))
    db.session.commit()


def add(robots, kind="dingtalk", name="区领导群", summaries="monthly,risk_digest", **changes):
    from casetrack.accounts.permissions import SYSTEM

    webhook = robots.dingtalk_webhook if kind == "dingtalk" else robots.wecom_webhook
    target = services.add_target(
        SYSTEM,
        name=name,
        kind=kind,
        webhook=changes.get("webhook", webhook),
        secret=changes.get("secret", robots.secret if kind == "dingtalk" else None),
        summaries=summaries,
    )
    db.session.commit()
    return target


def sends() -> list[TargetSend]:
    db.session.expire_all()
    return list(db.session.scalars(select(TargetSend).order_by(TargetSend.id)))


def test_a_signed_dingtalk_message_reaches_the_group_once_with_no_party_named(robots, district):
    add(robots)
    assert send_monthly.delay(2026, 11).get()["groups"] == 1
    assert send_risk_digest.delay("2026-W50").get()["groups"] == 1
    (platform, query, body), _ = robots.requests
    assert platform == "dingtalk" and query["access_token"] == "ding-token" and query["sign"]
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == "行政争议案件月度摘要：2026年11月"
    monthly, digest = robots.texts("dingtalk")
    assert monthly.startswith("### 2026年11月行政争议预防化解月报")
    assert (
        "- 诉讼败诉率：11月 **100.00%**" in monthly
        and "**高风险案件**：全区：在办1件，专班办理1件，逾期措施0项。" in monthly
    )
    assert "（2026）浙0111行初7号" in digest and "区住建局" in digest
    for text in (monthly, digest):
        for name in [*APPLICANTS, "李建国"]:
            assert name not in text
    assert [(s.kind, s.status, s.attempts) for s in sends()] == [("monthly", "sent", 1), ("risk_digest", "sent", 1)]

    # The job again (a retried beat, a second worker): nothing goes twice.
    assert send_monthly.delay(2026, 11).get()["groups"] == 0
    assert len(robots.posted) == 2


def test_a_wrong_secret_is_refused_by_the_platform_and_recorded(robots, district):
    add(robots, secret="SECnotthesecret")
    send_monthly.delay(2026, 11).get()
    (send,) = sends()
    # Tried until its attempts ran out (eagerly, without a broker): the platform said no each time.
    assert send.status == "failed" and "errcode 310000" in send.last_error and robots.posted == []


@pytest.mark.parametrize("refusal", ["errcode", "rate_limit", "http_500"])
def test_a_refusal_or_a_rate_limit_is_retried_and_the_group_gets_one_copy(robots, district, refusal):
    add(robots, kind="wecom", name="企业微信群", summaries="risk_digest")
    robots.answers = [refusal]
    send_risk_digest.delay("2026-W50").get()
    (send,) = sends()
    assert (send.status, send.attempts) == ("sent", 2)
    assert {"errcode": "errcode 93000", "rate_limit": "(rate limit)", "http_500": "HTTP 500"}[
        refusal
    ] in send.last_error
    assert len(robots.posted) == 1 and len(robots.requests) == 2


def test_an_answer_that_never_comes_is_left_for_an_administrator_not_sent_again(robots, district, login_as):
    add(robots)
    robots.answers = ["timeout"]
    send_monthly.delay(2026, 11).get()
    (send,) = sends()
    assert send.status == "unknown" and "may or may not have arrived" in send.last_error
    assert len(robots.requests) == 1 and len(robots.posted) == 1  # it did arrive; nobody posts it again
    page = login_as("admin").get("/admin/summaries/").get_data(as_text=True)
    assert f"/admin/summaries/groups/{send.id}/resend" in page and "区领导群 &lt;127.0.0.1&gt;" in page

    response = login_as("admin").post(f"/admin/summaries/groups/{send.id}/resend", data={})
    assert response.status_code == 302
    assert sends()[0].status == "sent" and len(robots.posted) == 2  # sent again because an administrator said so


def test_a_wecom_message_over_4096_bytes_is_cut_with_a_link_to_the_full_page(robots, district, factories):
    # Sixty units each lost a case: sixty interview proposals, more than a WeCom message holds.
    for n in range(60):
        factories.case(
            kind="litigation",
            respondent_unit=factories.unit(name=f"镇街{n:02d}人民政府综合行政执法队"),
            received_on=date(2026, 11, 3),
            concluded_on=date(2026, 11, 25),
            outcome="revoked",
        )
    db.session.commit()
    _title, whole = services.group_markdown("monthly", "2026-11", date(2026, 12, 7))
    assert len(whole.encode()) > 4096, "the month does not overflow: nothing was tested"
    add(robots, kind="wecom", name="企业微信群")
    send_monthly.delay(2026, 11).get()
    (text,) = robots.texts("wecom")
    assert len(text.encode()) <= 4096
    assert text.endswith("[在系统中查看全文](http://127.0.0.1:5000/dashboard?year=2026)")
    assert whole.startswith(text.rsplit("\n", 1)[0])  # cut at a whole line


def test_the_webhook_and_secret_are_kept_sealed_and_never_shown_or_logged(robots, district, login_as, caplog):
    caplog.set_level(logging.DEBUG)
    target = add(robots)
    robots.answers = ["errcode"]
    send_monthly.delay(2026, 11).get()
    row = db.session.get(SummaryTarget, target.id)
    assert "ding-token" not in row.webhook_sealed and robots.secret not in (row.secret_sealed or "")
    page = login_as("admin").get("/admin/summaries/").get_data(as_text=True)
    assert "127.0.0.1" in page and "ding-token" not in page and robots.secret not in page
    assert "ding-token" not in caplog.text and robots.secret not in caplog.text
    assert all("ding-token" not in (s.last_error or "") for s in sends())


def test_the_admin_adds_a_group_and_a_bad_one_is_refused_in_chinese_with_nothing_saved(robots, district, login_as):
    admin = login_as("admin")
    bad = admin.post(
        "/admin/summaries/targets",
        data={
            "name": "钉钉群",
            "kind": "dingtalk",
            "webhook": "https://oapi.dingtalk.com/robot/send",
            "summaries": ["monthly"],
        },
    )
    assert bad.status_code == 400 and "Webhook中缺少access_token" in bad.get_data(as_text=True)
    assert services.all_targets() == []
    no_secret = admin.post(
        "/admin/summaries/targets",
        data={"name": "钉钉群", "kind": "dingtalk", "webhook": robots.dingtalk_webhook, "summaries": ["monthly"]},
    )
    assert "钉钉机器人需要加签密钥" in no_secret.get_data(as_text=True) and services.all_targets() == []

    good = admin.post(
        "/admin/summaries/targets",
        data={
            "name": "浙政钉领导群",
            "kind": "dingtalk",
            "webhook": robots.dingtalk_webhook,
            "secret": robots.secret,
            "summaries": ["monthly", "risk_digest"],
        },
    )
    assert good.status_code == 302
    (target,) = services.all_targets()
    assert (target.name, target.host, target.kinds) == ("浙政钉领导群", "127.0.0.1", ["monthly", "risk_digest"])
    page = admin.get("/admin/summaries/").get_data(as_text=True)
    assert "浙政钉领导群" in page and "月度摘要、风险周报" in page

    admin.post(f"/admin/summaries/targets/{target.id}/active", data={"active": "0"})
    assert send_monthly.delay(2026, 11).get()["groups"] == 0
    assert login_as("leader").post("/admin/summaries/targets", data={}).status_code == 403


def test_the_command_line_adds_a_target_and_sends_a_summary_now(app, robots, district):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "summaries", "target", "add", "浙政钉领导群", "--kind", "dingtalk",
            "--webhook", robots.dingtalk_webhook, "--secret", robots.secret, "--summaries", "risk_digest",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == "added 浙政钉领导群 (dingtalk, 127.0.0.1): risk_digest\n"
    assert "ding-token" not in result.output
    refused = runner.invoke(
        args=[
            "summaries",
            "target",
            "add",
            "群2",
            "--kind",
            "wecom",
            "--webhook",
            robots.wecom_webhook,
            "--summaries",
            "weekly",
        ]
    )
    assert refused.exit_code != 0 and "monthly、risk_digest" in refused.output

    sent = runner.invoke(args=["summaries", "send", "--kind", "risk_digest", "--period", "2026-W50"])
    assert sent.exit_code == 0, sent.output
    assert "groups: 1 sent" in sent.output and len(robots.posted) == 1
    again = runner.invoke(args=["summaries", "send", "--kind", "risk_digest", "--period", "2026-W50"])
    assert "groups: 1 sent" in again.output and len(robots.posted) == 1
    assert send_now("risk_digest", "2026-W50")["groups"] == {"sent": 1}


def test_the_signature_is_dingtalks(robots):
    # The documented example's shape: Base64 of a 32-byte HMAC, URL-encoded ("+" "/" "=" escaped).
    signature = rules.dingtalk_signature("SECtestsecret", 1_700_000_000_000)
    assert "%" in signature and " " not in signature and "+" not in signature
    assert rules.fitted("a\nb\nc\n", 100, "[more](x)") == "a\nb\nc\n"
    assert rules.fitted("一二三\n四五六\n七八九\n", 20, "…") == "一二三\n…"
