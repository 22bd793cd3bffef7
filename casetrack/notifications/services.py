"""The daily reminders: find what needs attention, make one in-app notification per person, event and day, and
send each person one digest e-mail. Running it twice on a day adds nothing and sends nothing twice."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import and_, func, select, update

from casetrack import deliveries, mail
from casetrack.accounts.models import User
from casetrack.accounts.permissions import SYSTEM, roles_with
from casetrack.bulk import insert_rows
from casetrack.cases import kinds
from casetrack.cases import rules as case_rules
from casetrack.cases.models import Case, CaseRespondent, CaseSuspension, CourtDate
from casetrack.cases.queries import Page, undecided_appeals
from casetrack.extensions import db
from casetrack.hearings import rules as hearing_rules
from casetrack.hearings.models import Hearing, HearingAppearance
from casetrack.i18n import N_
from casetrack.mediation import rules as mediation_rules
from casetrack.mediation.models import Mediation
from casetrack.notifications.models import Notification, ReminderDigest
from casetrack.review_hearings import rules as review_hearing_rules
from casetrack.review_hearings.models import ReviewHearing
from casetrack.workdays.services import current_calendar

log = logging.getLogger(__name__)
_CHUNK = 2000


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str
    event_key: str
    message: str
    params: dict
    url: str


def _liaisons_by_unit(unit_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    ids = list(unit_ids)
    for start in range(0, len(ids), _CHUNK):
        stmt = select(User.unit_id, User.id).where(
            User.role.in_(roles_with("unit_task_force")),
            User.active.is_(True),
            User.unit_id.in_(ids[start : start + _CHUNK]),
        )
        for unit_id, user_id in db.session.execute(stmt):
            found[unit_id].append(user_id)
    return found


def _co_respondent_units(case_ids) -> dict[int, list[int]]:
    """case id → its co-defendant units (共同被告), whose liaisons are reminded as the respondent's are."""
    found: dict[int, list[int]] = defaultdict(list)
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), _CHUNK):
        stmt = select(CaseRespondent.case_id, CaseRespondent.unit_id).where(
            CaseRespondent.case_id.in_(ids[start : start + _CHUNK])
        )
        for case_id, unit_id in db.session.execute(stmt):
            found[case_id].append(unit_id)
    return found


def _active_user_ids() -> set[int]:
    return set(db.session.scalars(select(User.id).where(User.active.is_(True))))


def deadline_reminders(today: date, warning_days: int) -> list[Reminder]:
    """Open cases whose next statutory deadline is within ``warning_days`` or past: to the case handler (or
    whoever registered it) and, for the kinds whose deadlines the unit meets itself (kinds.CaseKind.reminds_unit:
    a defence to file, a claim to decide), the respondent unit's liaisons."""
    rows = db.session.execute(
        select(
            Case.id,
            Case.number,
            Case.kind,
            Case.respondent_unit_id,
            Case.handler_id,
            Case.created_by_id,
            Case.next_deadline_on,
            Case.next_deadline_code,
        ).where(Case.is_open, Case.next_deadline_on <= today + timedelta(days=warning_days))
    ).all()
    unit_rows = [row for row in rows if kinds.KINDS[row.kind].reminds_unit]
    co_units = _co_respondent_units(row.id for row in unit_rows)
    liaisons = _liaisons_by_unit(
        {row.respondent_unit_id for row in unit_rows} | {unit for units in co_units.values() for unit in units}
    )
    active = _active_user_ids()
    reminders = []
    for row in rows:
        recipients = {row.handler_id or row.created_by_id}
        if kinds.KINDS[row.kind].reminds_unit:
            # Every respondent unit answers the suit, co-defendants too (行政诉讼法 Art 26).
            for unit_id in (row.respondent_unit_id, *co_units.get(row.id, ())):
                recipients.update(liaisons.get(unit_id, ()))
        overdue = row.next_deadline_on < today
        message = (
            N_("Case %(number)s: %(deadline)s was due on %(due)s and is overdue.")
            if overdue
            else N_("Case %(number)s: %(deadline)s is due on %(due)s.")
        )
        params = {
            "number": row.number,
            "deadline_code": row.next_deadline_code,
            "due": row.next_deadline_on.isoformat(),
        }
        key = f"case-deadline:{row.id}:{row.next_deadline_code}:{row.next_deadline_on.isoformat()}"
        for user_id in recipients & active:
            reminders.append(Reminder(user_id, "case_deadline", key, message, params, f"/cases/{row.id}"))
    return reminders


def appeal_reminders(today: date, warning_days: int) -> list[Reminder]:
    """Lost first-instance cases whose appeal decision (上诉 / 不上诉) is not recorded and whose appeal period ends
    within ``warning_days`` or has passed: to the handler and the respondent unit's liaisons, who decide. The case
    is concluded, so its appeal period is no next deadline of the open-case reminders above."""
    calendar = current_calendar()
    due = []
    for case in db.session.scalars(undecided_appeals(SYSTEM, today).where(Case.judgment_served_on.is_not(None))):
        deadline = next((d for d in case_rules.compute_deadlines(case.dates(), calendar) if d.code == "appeal"), None)
        if deadline is not None and deadline.due_on <= today + timedelta(days=warning_days):
            due.append((case, deadline))
    liaisons = _liaisons_by_unit({case.respondent_unit_id for case, _ in due})
    active = _active_user_ids()
    reminders = []
    for case, deadline in due:
        recipients = {case.handler_id or case.created_by_id, *liaisons.get(case.respondent_unit_id, ())}
        message = (
            N_("Case %(number)s: %(deadline)s was due on %(due)s and is overdue.")
            if deadline.due_on < today
            else N_("Case %(number)s: %(deadline)s is due on %(due)s.")
        )
        params = {"number": case.number, "deadline_code": "appeal", "due": deadline.due_on.isoformat()}
        key = f"case-deadline:{case.id}:appeal:{deadline.due_on.isoformat()}"
        for user_id in recipients & active:
            reminders.append(Reminder(user_id, "case_deadline", key, message, params, f"/cases/{case.id}#appeal"))
    return reminders


def hearing_reminders(today: date) -> list[Reminder]:
    """Hearings in the next 7 days with no head named yet: to the unit's liaisons and the case handler; and to each
    co-defendant's (共同被告) liaisons while their own unit's head is not named."""
    horizon = today + timedelta(days=hearing_rules.NAME_PRINCIPAL_DAYS_AHEAD)
    coming = Hearing.held_on.between(today, horizon)
    rows = db.session.execute(
        select(
            Hearing.id,
            Hearing.held_on,
            Hearing.court,
            Case.id.label("case_id"),
            Case.number,
            Case.respondent_unit_id,
            Case.handler_id,
            Case.created_by_id,
        )
        .join(Case, Case.id == Hearing.case_id)
        .where(coming, Hearing.principal_name.is_(None))
    ).all()
    own_record = and_(HearingAppearance.hearing_id == Hearing.id, HearingAppearance.unit_id == CaseRespondent.unit_id)
    co_rows = db.session.execute(
        select(Hearing.id, Hearing.held_on, Hearing.court, Case.number, CaseRespondent.unit_id)
        .join(Case, Case.id == Hearing.case_id)
        .join(CaseRespondent, CaseRespondent.case_id == Case.id)
        .outerjoin(HearingAppearance, own_record)
        .where(coming, HearingAppearance.principal_name.is_(None))
    ).all()
    liaisons = _liaisons_by_unit({row.respondent_unit_id for row in rows} | {row.unit_id for row in co_rows})
    active = _active_user_ids()
    message = N_("Case %(number)s: hearing on %(day)s at %(court)s — name the head who will appear.")
    reminders = []
    for row in rows:
        recipients = set(liaisons.get(row.respondent_unit_id, ())) | {row.handler_id or row.created_by_id}
        params = {"number": row.number, "day": row.held_on.isoformat(), "court": row.court}
        for user_id in recipients & active:
            reminders.append(
                Reminder(
                    user_id, "hearing_principal", f"hearing-principal:{row.id}", message, params, f"/hearings/{row.id}"
                )
            )
    for row in co_rows:
        params = {"number": row.number, "day": row.held_on.isoformat(), "court": row.court}
        key = f"hearing-principal:{row.id}:{row.unit_id}"
        for user_id in set(liaisons.get(row.unit_id, ())) & active:
            reminders.append(Reminder(user_id, "hearing_principal", key, message, params, f"/hearings/{row.id}"))
    return reminders


def review_hearing_reminders(today: date) -> list[Reminder]:
    """听证 in the next 7 days: one whose notice has not gone out reminds the case handler (the review office sends
    it, Art. 51); one whose head's attendance is not settled reminds the respondent unit's liaisons and the handler
    (the head attends, or gives the reason and sends a staff member)."""
    horizon = today + timedelta(days=review_hearing_rules.REMIND_DAYS_AHEAD)
    rows = db.session.execute(
        select(
            ReviewHearing.id,
            ReviewHearing.held_on,
            ReviewHearing.place,
            ReviewHearing.notice_sent_on,
            ReviewHearing.head_attended,
            Case.number,
            Case.respondent_unit_id,
            Case.handler_id,
            Case.created_by_id,
        )
        .join(Case, Case.id == ReviewHearing.case_id)
        .where(
            ReviewHearing.held_on.between(today, horizon),
            (ReviewHearing.notice_sent_on.is_(None)) | (ReviewHearing.head_attended.is_(None)),
            Case.is_open,
        )
    ).all()
    liaisons = _liaisons_by_unit({row.respondent_unit_id for row in rows if row.head_attended is None})
    active = _active_user_ids()
    reminders = []
    for row in rows:
        handler = row.handler_id or row.created_by_id
        params = {"number": row.number, "day": row.held_on.isoformat(), "place": row.place}
        url = f"/review-hearings/{row.id}"
        if row.notice_sent_on is None and handler in active:
            reminders.append(
                Reminder(
                    handler,
                    "review_hearing_notice",
                    f"review-hearing-notice:{row.id}",
                    N_(
                        "Case %(number)s: hearing (听证) on %(day)s at %(place)s — "
                        "the notice to the parties has not gone out."
                    ),
                    params,
                    url,
                )
            )
        if row.head_attended is None:
            for user_id in (set(liaisons.get(row.respondent_unit_id, ())) | {handler}) & active:
                reminders.append(
                    Reminder(
                        user_id,
                        "review_hearing_attendance",
                        f"review-hearing-attendance:{row.id}",
                        N_(
                            "Case %(number)s: hearing (听证) on %(day)s at %(place)s — the respondent's head attends, "
                            "or gives the reason and sends a staff member; record it."
                        ),
                        params,
                        url,
                    )
                )
    return reminders


def mediation_reminders(today: date) -> list[Reminder]:
    """Open mediations with no session for 30 days: to their mediator."""
    cutoff = today - timedelta(days=mediation_rules.IDLE_DAYS)
    rows = db.session.execute(
        select(Mediation.id, Mediation.number, Mediation.mediator_id, Mediation.last_activity_on)
        .join(User, User.id == Mediation.mediator_id)
        .where(Mediation.status == "open", Mediation.last_activity_on <= cutoff, User.active.is_(True))
    ).all()
    return [
        Reminder(
            row.mediator_id,
            "mediation_idle",
            f"mediation-idle:{row.id}",
            N_("Mediation %(number)s has had no session since %(day)s."),
            {"number": row.number, "day": row.last_activity_on.isoformat()},
            f"/mediations/{row.id}",
        )
        for row in rows
    ]


def long_suspension_reminders(today: date) -> list[Reminder]:
    """Cases suspended for more than LONG_SUSPENSION_DAYS: to the handler, since a suspended case has no deadline
    to remind of, and the law wants it resumed once the cause has ended (行政复议法 Art. 40)."""
    cutoff = today - timedelta(days=case_rules.LONG_SUSPENSION_DAYS)
    rows = db.session.execute(
        select(
            CaseSuspension.id,
            CaseSuspension.suspended_on,
            Case.id.label("case_id"),
            Case.number,
            Case.handler_id,
            Case.created_by_id,
        )
        .join(Case, Case.id == CaseSuspension.case_id)
        .where(CaseSuspension.resumed_on.is_(None), CaseSuspension.suspended_on < cutoff, Case.is_open)
    ).all()
    active = _active_user_ids()
    return [
        Reminder(
            row.handler_id or row.created_by_id,
            "case_suspended",
            f"case-suspended:{row.id}",
            N_("Case %(number)s has been suspended since %(day)s (%(days)s days): resume it once the cause has ended."),
            {
                "number": row.number,
                "day": row.suspended_on.isoformat(),
                "days": case_rules.suspended_days_so_far(row.suspended_on, today),
            },
            f"/cases/{row.case_id}#clock-stops",
        )
        for row in rows
        if (row.handler_id or row.created_by_id) in active
    ]


def court_date_reminders(today: date, warning_days: int) -> list[Reminder]:
    """Dates a court set, due within ``warning_days`` or past and not done: to their owner. The handler hears of
    the case's next deadline already, so an owner who is the handler is not told twice of the same date."""
    rows = db.session.execute(
        select(
            CourtDate.id,
            CourtDate.kind,
            CourtDate.due_on,
            CourtDate.owner_id,
            Case.id.label("case_id"),
            Case.number,
            Case.handler_id,
            Case.created_by_id,
            Case.next_deadline_on,
            Case.next_deadline_code,
        )
        .join(Case, Case.id == CourtDate.case_id)
        .where(
            CourtDate.done_on.is_(None),
            CourtDate.withdrawn.is_(False),
            CourtDate.due_on <= today + timedelta(days=warning_days),
            CourtDate.owner_id.is_not(None),
            Case.is_open,
        )
    ).all()
    active = _active_user_ids()
    reminders = []
    for row in rows:
        told_already = row.owner_id == (row.handler_id or row.created_by_id) and (
            row.next_deadline_code,
            row.next_deadline_on,
        ) == (f"court_{row.kind}", row.due_on)
        if told_already or row.owner_id not in active:
            continue
        overdue = row.due_on < today
        reminders.append(
            Reminder(
                row.owner_id,
                "court_date",
                f"court-date:{row.id}:{row.due_on.isoformat()}",
                N_("Case %(number)s: %(deadline)s was due on %(due)s and is overdue.")
                if overdue
                else N_("Case %(number)s: %(deadline)s is due on %(due)s."),
                {"number": row.number, "deadline_code": f"court_{row.kind}", "due": row.due_on.isoformat()},
                f"/cases/{row.case_id}#court-dates",
            )
        )
    return reminders


def _legal_bureau_ids() -> set[int]:
    return set(
        db.session.scalars(
            select(User.id).where(User.role.in_(roles_with("manage_suggestions")), User.active.is_(True))
        )
    )


def suggestion_reminders(today: date, warning_days: int) -> list[Reminder]:
    """Replies to suggestions due within ``warning_days`` or overdue: to the addressed units' liaisons and to the
    legal bureau, which follows every reply."""
    from casetrack.suggestions.queries import replies_due

    due = replies_due(today, warning_days)
    liaisons = _liaisons_by_unit({unit_id for suggestion in due for unit_id in suggestion.unit_ids})
    legal = _legal_bureau_ids()
    reminders = []
    for suggestion in due:
        overdue = suggestion.reply_due_on < today
        recipients = legal | {user for unit_id in suggestion.unit_ids for user in liaisons.get(unit_id, ())}
        for user_id in recipients:
            reminders.append(
                Reminder(
                    user_id,
                    "suggestion_reply",
                    f"suggestion-reply:{suggestion.id}:{suggestion.reply_due_on.isoformat()}",
                    N_("The reply to %(number)s (%(issuer)s) was due on %(due)s and is overdue.")
                    if overdue
                    else N_("The reply to %(number)s (%(issuer)s) is due on %(due)s."),
                    {
                        "number": suggestion.number,
                        "issuer": suggestion.issuer,
                        "due": suggestion.reply_due_on.isoformat(),
                    },
                    f"/suggestions/{suggestion.id}",
                )
            )
    return reminders


def rectification_reminders(today: date, warning_days: int) -> list[Reminder]:
    """Rectification items after a correction or a loss, due within ``warning_days`` or overdue: to the item's
    owner, or the unit's liaisons while it has none."""
    from casetrack.rectification.queries import items_due

    due = items_due(today, today + timedelta(days=warning_days))
    liaisons = _liaisons_by_unit({item.unit_id for item in due})
    active = _active_user_ids()
    reminders = []
    for item in due:
        recipients = {item.owner_id} if item.owner_id in active else set(liaisons.get(item.unit_id, ()))
        overdue = item.due_on < today
        for user_id in recipients:
            reminders.append(
                Reminder(
                    user_id,
                    "rectification",
                    f"rectification:{item.id}:{item.due_on.isoformat()}",
                    N_("Case %(number)s: the rectification after its outcome was due on %(due)s and is overdue.")
                    if overdue
                    else N_("Case %(number)s: the rectification after its outcome is due on %(due)s."),
                    {"number": item.case.number, "due": item.due_on.isoformat()},
                    f"/rectification/{item.id}",
                )
            )
    return reminders


def collect_reminders(today: date) -> list[Reminder]:
    warning_days = current_app.config["CASETRACK_DEADLINE_WARNING_DAYS"]
    return (
        deadline_reminders(today, warning_days)
        + appeal_reminders(today, warning_days)
        + hearing_reminders(today)
        + review_hearing_reminders(today)
        + mediation_reminders(today)
        + long_suspension_reminders(today)
        + court_date_reminders(today, warning_days)
        + suggestion_reminders(today, warning_days)
        + rectification_reminders(today, warning_days)
    )


def create_notifications(reminders: list[Reminder], today: date) -> int:
    """Store the reminders not already stored today; returns how many are new."""
    existing = set(
        db.session.execute(
            select(Notification.user_id, Notification.event_key).where(Notification.on_day == today)
        ).all()
    )
    fresh, seen = [], set()
    for reminder in reminders:
        key = (reminder.user_id, reminder.event_key)
        if key in existing or key in seen:
            continue
        seen.add(key)
        fresh.append(
            {
                "user_id": reminder.user_id,
                "kind": reminder.kind,
                "event_key": reminder.event_key,
                "on_day": today,
                "message": reminder.message,
                "params": reminder.params,
                "url": reminder.url,
            }
        )
    insert_rows(Notification.__table__, fresh)
    db.session.flush()
    return len(fresh)


def notify_due(today: date) -> int:
    """The morning job's in-app part: what needs attention today, stored as notifications (none twice); returns
    how many are new. The e-mail digests are planned from them afterwards (notifications.tasks). First every
    correction or loss an import brought in gets its rectification items, so they are reminded of too."""
    from casetrack.rectification.services import sweep

    sweep(today)
    return create_notifications(collect_reminders(today), today)


def render_message(notification: Notification) -> str:
    params = dict(notification.params or {})
    if "deadline_code" in params:
        params["deadline"] = gettext(case_rules.DEADLINE_LABELS.get(params.pop("deadline_code"), ""))
    return gettext(notification.message, **params)


def plan_digests(today: date) -> list[int]:
    """Gathers the notifications of ``today`` that no digest carries yet into one digest per person with an
    address, and returns the digests of ``today`` still to send. The conditional UPDATE that attaches the
    notifications is the claim: of two planners at once, one attaches them and the other's digest is empty and
    dropped, so no notification is in two digests. Flushes."""
    recipients = db.session.execute(
        select(User.id, User.email)
        .where(
            User.id.in_(
                select(Notification.user_id).where(Notification.on_day == today, Notification.digest_id.is_(None))
            ),
            User.email.is_not(None),
            User.email != "",
            User.active.is_(True),
        )
        .order_by(User.id)
    ).all()
    for user_id, email in recipients:
        digest = ReminderDigest(day=today, recipient_id=user_id, email=email, status="pending", attempts=0)
        db.session.add(digest)
        db.session.flush()
        attached = db.session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.on_day == today, Notification.digest_id.is_(None))
            .values(digest_id=digest.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not attached:
            db.session.delete(digest)
    db.session.flush()
    return list(
        db.session.scalars(
            select(ReminderDigest.id)
            .where(
                ReminderDigest.day == today,
                ReminderDigest.status.in_(("pending", "failed")),
                ReminderDigest.attempts < deliveries.max_attempts(),
            )
            .order_by(ReminderDigest.id)
        )
    )


def compose_digest(digest: ReminderDigest) -> mail.Mail:
    user = digest.recipient
    notifications = list(
        db.session.scalars(select(Notification).where(Notification.digest_id == digest.id).order_by(Notification.id))
    )
    base_url = current_app.config["CASETRACK_BASE_URL"].rstrip("/")
    sender_domain = current_app.config["CASETRACK_SMTP_SENDER"].rsplit("@", 1)[-1] or "casetrack"
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        items = [(render_message(n), base_url + n.url) for n in notifications]
        day = digest.day
        subject = gettext("casetrack reminders for %(day)s: %(count)s items", day=day.isoformat(), count=len(items))
        text = render_template("notifications/digest.txt", user=user, items=items, day=day, base_url=base_url)
        html = render_template("notifications/digest.html", user=user, items=items, day=day, base_url=base_url)
    # One Message-ID per digest: a mail server or client that sees the copy twice can tell it is the same.
    return mail.Mail(
        to=digest.email, subject=subject, text=text, html=html, message_id=f"<reminders-{digest.id}@{sender_domain}>"
    )


def mark_emailed(digest: ReminderDigest) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.digest_id == digest.id)
        .values(emailed_at=digest.sent_at)
        .execution_options(synchronize_session=False)
    )


def allow_resend(digest_id: int, actor) -> ReminderDigest:
    """An administrator sends a failed or "unknown" digest again. Flushes."""
    return deliveries.allow_resend(ReminderDigest, digest_id, actor, "reminder_digest")


def recent_digests(status: str = "", page: int = 1, per_page: int = 50) -> Page:
    stmt = select(ReminderDigest)
    if status:
        stmt = stmt.where(ReminderDigest.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(ReminderDigest.day.desc(), ReminderDigest.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(rows, total, page, per_page)


# --- a person's notifications ---------------------------------------------------------------------------------


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def notifications_for(user_id: int, limit: int = 200) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=datetime.now(UTC))).rowcount


def notify(user_id: int, kind: str, event_key: str, message: str, params: dict, url: str, today: date) -> bool:
    """One in-app notification now (a workflow event rather than the morning job); the daily digest mails it.
    Returns False when the same event was already notified to this person today."""
    return create_notifications([Reminder(user_id, kind, event_key, message, params, url)], today) == 1
