"""Leaders' summaries delivered to a real SMTP server (aiosmtpd): who gets them, what they carry, no duplicates."""

import io
import re
from datetime import UTC, date, datetime, timedelta

from docx import Document
from sqlalchemy import select, update

from casetrack import deliveries
from casetrack.deliveries import pause_after
from casetrack.extensions import db
from casetrack.summaries.models import SummarySend
from casetrack.summaries.rules import week_key
from casetrack.summaries.tasks import redispatch_stalled, send_monthly, send_risk_digest


def _leaders(factories):
    first = factories.user(role="leader", username="lingdao1", email="lingdao1@example.com")
    second = factories.user(role="leader", username="lingdao2", email="lingdao2@example.com", locale="en")
    factories.user(role="leader", username="retired", email="retired@example.com", active=False)
    factories.user(role="leader", username="no_mail", email=None)
    factories.user(role="legal", username="fazhi", email="fazhi@example.com")
    db.session.commit()
    return first, second


def _sends():
    return {s.email: s for s in db.session.scalars(select(SummarySend))}


def test_the_monthly_summary_reaches_every_active_leader_once_with_the_word_report(mailbox, factories):
    _leaders(factories)
    factories.case(received_on=date(2020, 10, 9), concluded_on=date(2020, 10, 20), outcome="revoked")
    db.session.commit()

    assert send_monthly.delay(2020, 10).get() == {"kind": "monthly", "period": "2020-10", "dispatched": 2, "groups": 0}
    assert sorted(rcpt for rcpts, _ in mailbox.messages for rcpt in rcpts) == [
        "lingdao1@example.com",
        "lingdao2@example.com",
    ]
    by_recipient = {rcpts[0]: message for rcpts, message in mailbox.messages}
    english = by_recipient["lingdao2@example.com"]
    assert english["Subject"] == "casetrack monthly summary: 2020-10"
    plain = english.get_body(("plain",)).get_content()
    assert re.search(r"New review cases\s+Oct 1 \(year on year no figure\)", plain), plain
    assert re.search(r"Review correction rate\s+Oct 100.00%", plain)
    assert "100.00%" in english.get_body(("html",)).get_content()
    attachments = list(english.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["annual-report-2020-to-10.docx"]
    report = Document(io.BytesIO(attachments[0].get_content()))
    assert report.paragraphs[0].text == "2020年1—10月行政争议预防化解工作情况"
    assert any(p.text.startswith("2020年1—10月全区行政复议新发1件") for p in report.paragraphs)
    chinese = by_recipient["lingdao1@example.com"]
    assert "月度摘要" in chinese["Subject"]

    sends = _sends()
    assert {s.status for s in sends.values()} == {"sent"} and {s.attempts for s in sends.values()} == {1}

    # The beat firing again, or someone re-running the job: nobody gets a second copy.
    assert send_monthly.delay(2020, 10).get()["dispatched"] == 0
    assert len(mailbox.messages) == 2


def test_a_refused_send_is_retried_and_still_delivered_only_once(mailbox, factories):
    _leaders(factories)
    mailbox.refuse = 1
    send_monthly.delay(2020, 10).get()
    assert sorted(rcpts[0] for rcpts, _ in mailbox.messages) == ["lingdao1@example.com", "lingdao2@example.com"]
    attempts = sorted(s.attempts for s in _sends().values())
    assert attempts == [1, 2] and {s.status for s in _sends().values()} == {"sent"}


def test_a_send_that_keeps_failing_stops_and_shows_why(app, mailbox, factories):
    _leaders(factories)
    mailbox.refuse = 100
    app.config["CASETRACK_SUMMARY_MAX_ATTEMPTS"] = 2
    try:
        send_monthly.delay(2020, 10).get()
    finally:
        app.config["CASETRACK_SUMMARY_MAX_ATTEMPTS"] = 6
    sends = _sends()
    assert {s.status for s in sends.values()} == {"failed"} and {s.attempts for s in sends.values()} == {2}
    assert "451" in sends["lingdao1@example.com"].last_error
    assert mailbox.messages == []


def test_the_monday_digest_counts_the_risk_queue(mailbox, factories, login_as):
    from casetrack.risk.models import RiskCase

    first, _ = _leaders(factories)
    case = factories.case(kind="litigation", number="（2026）浙0111行初1号")
    db.session.add(RiskCase(case_id=case.id, state="pending_review", entered_on=date(2026, 11, 20)))
    db.session.commit()
    result = send_risk_digest.delay().get()
    assert result["kind"] == "risk_digest" and result["dispatched"] == 2
    english = next(m for rcpts, m in mailbox.messages if rcpts == ["lingdao2@example.com"])
    body = english.get_body(("plain",)).get_content()
    assert "1 in the queue" in body and "（2026）浙0111行初1号" in body


def test_the_admin_page_lists_every_send_with_its_status(mailbox, factories, login_as):
    _leaders(factories)
    mailbox.refuse = 1
    send_monthly.delay(2020, 10).get()
    admin = login_as("admin")
    page = admin.get("/admin/summaries/").get_data(as_text=True)
    assert page.count('class="status-sent"') == 2 and "lingdao1@example.com" in page and "2020-10" in page
    assert "451" in page  # the error of the first, refused attempt stays visible
    only_failed = admin.get("/admin/summaries/?status=failed").get_data(as_text=True)
    assert 'class="status-sent"' not in only_failed
    assert login_as("leader").get("/admin/summaries/").status_code == 403


def test_retry_pauses_double_and_weeks_are_iso_weeks():
    assert [pause_after(n, 300) for n in (1, 2, 3)] == [300, 600, 1200]
    assert week_key(date(2026, 11, 30)) == "2026-W49"
    assert week_key(date(2027, 1, 1)) == "2026-W53"


def test_a_bad_answer_to_quit_after_the_message_was_accepted_is_not_a_failure(mailbox, factories):
    _leaders(factories)
    mailbox.quit_reply = "421 shutting down"
    send_monthly.delay(2020, 10).get()
    assert len(mailbox.messages) == 2
    assert {(s.status, s.attempts) for s in _sends().values()} == {("sent", 1)}


def test_a_copy_interrupted_mid_send_is_not_resent_until_an_administrator_says_so(mailbox, factories, login_as):
    _leaders(factories)
    send_monthly.delay(2020, 10).get()
    interrupted = _sends()["lingdao1@example.com"]
    # As a worker killed while the mail server was answering would leave it.
    interrupted.status, interrupted.last_attempt_at = "sending", datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    mailbox.clear()

    assert redispatch_stalled.delay().get() == 1
    assert mailbox.messages == []
    db.session.refresh(interrupted)
    assert interrupted.status == "unknown" and "may or may not have arrived" in interrupted.last_error

    admin = login_as("admin")
    page = admin.get("/admin/summaries/?status=unknown").get_data(as_text=True)
    assert "lingdao1@example.com" in page and f"/admin/summaries/{interrupted.id}/resend" in page
    admin.post(f"/admin/summaries/{interrupted.id}/resend")
    assert [rcpts for rcpts, _ in mailbox.messages] == [["lingdao1@example.com"]]
    db.session.refresh(interrupted)
    assert interrupted.status == "sent"
    # A sent copy cannot be "sent again" by a crafted request.
    admin.post(f"/admin/summaries/{interrupted.id}/resend")
    assert len(mailbox.messages) == 1


def test_a_summary_that_cannot_be_composed_is_recorded_as_failed_not_left_pending(mailbox, factories, monkeypatch):
    from casetrack.summaries import services

    _leaders(factories)

    def broken(*args):
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "_monthly", broken)
    send_monthly.delay(2020, 10).get()
    sends = _sends()
    assert {s.status for s in sends.values()} == {"failed"}
    assert "template missing" in sends["lingdao1@example.com"].last_error and mailbox.messages == []


def test_a_planned_copy_whose_dispatch_was_lost_is_sent_by_the_hourly_sweep(mailbox, factories):
    from casetrack.summaries import services

    _leaders(factories)
    services.plan_sends("monthly", "2020-10")
    db.session.commit()
    assert redispatch_stalled.delay().get() == 0  # just planned: its own dispatch is still on the way
    db.session.execute(update(SummarySend).values(created_at=datetime.now(UTC) - timedelta(hours=1)))
    db.session.commit()
    assert redispatch_stalled.delay().get() == 2
    assert len(mailbox.messages) == 2 and {s.status for s in _sends().values()} == {"sent"}


def test_a_reply_lost_after_the_message_went_out_is_never_resent_automatically(app, mailbox, factories):
    _leaders(factories)
    mailbox.data_delay = 2  # the server keeps the message but answers after the client has given up
    previous = app.config["CASETRACK_SMTP_TIMEOUT"]
    app.config["CASETRACK_SMTP_TIMEOUT"] = 1
    try:
        send_monthly.delay(2020, 10).get()
    finally:
        app.config["CASETRACK_SMTP_TIMEOUT"] = previous
    sends = _sends()
    assert {s.status for s in sends.values()} == {"unknown"} and {s.attempts for s in sends.values()} == {1}
    assert "may or may not have arrived" in sends["lingdao1@example.com"].last_error
    assert redispatch_stalled.delay().get() == 0
    assert len(mailbox.messages) == 2  # one each, as the server kept them; no second copy


def test_two_deliveries_of_one_copy_claim_it_once(mailbox, factories):
    from casetrack.summaries import services

    _leaders(factories)
    first_id = services.plan_sends("monthly", "2020-10")[0]
    db.session.commit()
    assert deliveries.claim(SummarySend, first_id) is not None
    assert deliveries.claim(SummarySend, first_id) is None  # a duplicate task finds it taken
    send = db.session.get(SummarySend, first_id)
    assert (send.status, send.attempts) == ("sending", 1)


def test_a_summary_sent_late_in_the_utc_evening_is_dated_the_next_day_in_beijing(mailbox, factories, frozen_clock):
    _leaders(factories)
    frozen_clock(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    send_monthly.delay(2026, 11).get()
    message = mailbox.messages[0][1]
    # The Date header carries the district's offset, whatever the server's zone.
    assert message["Date"] == "Wed, 02 Dec 2026 01:30:00 +0800"
    report = Document(io.BytesIO(next(message.iter_attachments()).get_content()))
    assert report.paragraphs[-1].text == "2026年12月2日"


def test_every_mail_is_dated_in_the_district_zone(app, frozen_clock):
    from casetrack.mail import Mail, build_message

    frozen_clock(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    message = build_message(Mail(to="a@example.com", subject="s", text="t"), "casetrack@example.gov.cn")
    assert message["Date"] == "Wed, 02 Dec 2026 01:30:00 +0800"
