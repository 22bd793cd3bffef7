"""Leaders' summaries delivered to a real SMTP server (aiosmtpd): who gets them, what they carry, no duplicates."""

from datetime import date

from sqlalchemy import select

from casetrack.extensions import db
from casetrack.summaries.models import SummarySend
from casetrack.summaries.rules import retry_countdown, week_key
from casetrack.summaries.tasks import send_monthly, send_risk_digest


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

    assert send_monthly.delay(2020, 10).get() == {"kind": "monthly", "period": "2020-10", "dispatched": 2}
    assert sorted(rcpt for rcpts, _ in mailbox.messages for rcpt in rcpts) == [
        "lingdao1@example.com",
        "lingdao2@example.com",
    ]
    by_recipient = {rcpts[0]: message for rcpts, message in mailbox.messages}
    english = by_recipient["lingdao2@example.com"]
    assert english["Subject"] == "casetrack monthly summary: 2020-10"
    assert "Administrative review: 1 new" in english.get_body(("plain",)).get_content()
    assert "correction rate 100.00%" in english.get_body(("html",)).get_content()
    attachments = list(english.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["annual-report-2020-to-10.docx"]
    assert attachments[0].get_content()[:2] == b"PK"  # a real .docx (zip) file
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
    assert [retry_countdown(n, 300) for n in (1, 2, 3)] == [300, 600, 1200]
    assert week_key(date(2026, 11, 30)) == "2026-W49"
    assert week_key(date(2027, 1, 1)) == "2026-W53"
