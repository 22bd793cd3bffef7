from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.mediation.models import Mediation
from casetrack.notifications import services
from casetrack.notifications.models import Notification
from casetrack.notifications.tasks import DigestDeliveryFailed, run_daily_reminders

TODAY = local_today()


@pytest.fixture
def attention(factories):
    """One of each thing the morning job reminds about, with the people who should hear of it."""
    unit = factories.unit(name="区住建局")
    handler = factories.user(role="legal", username="handler", email="handler@example.com")
    liaison = factories.user(role="unit", unit=unit, username="liaison", email="liaison@example.com")
    mediator = factories.user(role="mediator", username="mediator", email="mediator@example.com")
    factories.user(role="unit", unit=unit, username="retired", email="retired@example.com", active=False)
    overdue = factories.case(
        number="富政复〔2026〕1号", respondent_unit=unit, received_on=TODAY - timedelta(days=30), handler_id=handler.id
    )
    litigation = factories.case(
        kind="litigation",
        number="(2026)浙0111行初1号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=60),
        handler_id=handler.id,
    )
    db.session.add(Hearing(case=litigation, held_on=TODAY + timedelta(days=3), court="富阳区法院"))
    db.session.add(
        Mediation(
            number="富调1号",
            respondent_unit_id=unit.id,
            mediator_id=mediator.id,
            source="pre_filing",
            received_on=TODAY - timedelta(days=45),
            last_activity_on=TODAY - timedelta(days=31),
        )
    )
    db.session.commit()
    return {"handler": handler, "liaison": liaison, "mediator": mediator, "overdue": overdue}


def kinds_for(user):
    return sorted(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def test_the_morning_job_reminds_each_owner_of_what_is_theirs(attention):
    created = services.create_notifications(services.collect_reminders(TODAY), TODAY)
    assert created == 4
    assert kinds_for(attention["handler"]) == ["case_deadline", "hearing_principal"]
    assert kinds_for(attention["liaison"]) == ["hearing_principal"]
    assert kinds_for(attention["mediator"]) == ["mediation_idle"]


def test_running_twice_on_one_day_sends_each_reminder_once(attention, mailbox):
    first = run_daily_reminders(TODAY)
    second = run_daily_reminders(TODAY)
    assert first == {"created": 4, "emails_sent": 3, "emails_unknown": 0, "emails_failed": 0}
    assert second == {"created": 0, "emails_sent": 0, "emails_unknown": 0, "emails_failed": 0}
    assert sorted(rcpt[0] for rcpt, _ in mailbox.messages) == [
        "handler@example.com",
        "liaison@example.com",
        "mediator@example.com",
    ]
    handler_mail = next(message for rcpt, message in mailbox.messages if rcpt == ["handler@example.com"])
    text = handler_mail.get_body(("plain",)).get_content()
    assert "富政复〔2026〕1号" in text and "已超期" in text
    assert handler_mail.get_body(("html",)) is not None


def test_the_next_day_reminds_again(attention, mailbox):
    run_daily_reminders(TODAY)
    assert run_daily_reminders(TODAY + timedelta(days=1))["created"] >= 3


def test_a_refused_mail_is_retried_without_sending_the_others_twice(attention, mailbox):
    mailbox.refuse = 1
    with pytest.raises(DigestDeliveryFailed):
        run_daily_reminders(TODAY)
    assert len(mailbox.messages) == 2
    retry = run_daily_reminders(TODAY)
    assert retry["emails_sent"] == 1 and len(mailbox.messages) == 3
    assert len({tuple(rcpt) for rcpt, _ in mailbox.messages}) == 3
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.emailed_at.is_(None))) == 0


def test_reminders_show_in_the_app_with_an_unread_count(attention, login_as):
    services.create_notifications(services.collect_reminders(TODAY), TODAY)
    db.session.commit()
    client = login_as(attention["handler"])
    page = client.get("/cases").get_data(as_text=True)
    assert 'id="unread-count">2<' in page
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "富政复〔2026〕1号" in listing and "确定出庭负责人" in listing
    client.post("/notifications/read-all")
    assert 'id="unread-count"' not in client.get("/cases").get_data(as_text=True)


def test_a_person_cannot_open_someone_elses_reminder(attention, login_as):
    services.create_notifications(services.collect_reminders(TODAY), TODAY)
    db.session.commit()
    theirs = db.session.scalar(select(Notification.id).where(Notification.user_id == attention["mediator"].id))
    assert login_as(attention["liaison"]).post(f"/notifications/{theirs}/open").status_code == 404


def test_a_digest_interrupted_mid_send_waits_for_an_administrator_and_then_goes_out_once(attention, mailbox, login_as):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from casetrack.notifications.models import ReminderDigest
    from casetrack.notifications.tasks import redispatch_stalled

    run_daily_reminders(TODAY)
    interrupted = db.session.scalar(select(ReminderDigest).where(ReminderDigest.email == "handler@example.com"))
    # As a worker killed while the mail server was answering leaves it.
    db.session.execute(
        update(ReminderDigest)
        .where(ReminderDigest.id == interrupted.id)
        .values(status="sending", last_attempt_at=datetime.now(UTC) - timedelta(hours=1))
    )
    db.session.commit()
    mailbox.clear()

    assert redispatch_stalled.delay().get() == 1
    assert mailbox.messages == []
    db.session.refresh(interrupted)
    assert interrupted.status == "unknown"
    assert run_daily_reminders(TODAY)["emails_sent"] == 0  # a re-run does not resend it either

    admin = login_as("admin")
    page = admin.get("/admin/reminders/?status=unknown").get_data(as_text=True)
    assert "handler@example.com" in page and "中断" in page
    admin.post(f"/admin/reminders/{interrupted.id}/resend")
    assert [rcpts for rcpts, _ in mailbox.messages] == [["handler@example.com"]]
    admin.post(f"/admin/reminders/{interrupted.id}/resend")  # a sent digest cannot be sent again
    assert len(mailbox.messages) == 1
    assert "已发送" in admin.get("/admin/reminders/").get_data(as_text=True)


def test_reminders_created_after_the_mornings_digest_go_in_the_next_run_not_again_in_the_first(attention, mailbox):
    run_daily_reminders(TODAY)
    handler = attention["handler"]
    services.notify(handler.id, "risk_task", "risk-task:1", "Case %(number)s", {"number": "X-1"}, "/risk/1", TODAY)
    db.session.commit()
    assert run_daily_reminders(TODAY)["emails_sent"] == 1
    handler_mails = [m for rcpt, m in mailbox.messages if rcpt == ["handler@example.com"]]
    assert len(handler_mails) == 2 and "X-1" in handler_mails[1].get_body(("plain",)).get_content()
    assert "X-1" not in handler_mails[0].get_body(("plain",)).get_content()
