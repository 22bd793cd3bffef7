"""Leaders' scheduled summaries (SPEC section 5): the monthly figures with the Word report attached, and the
Monday risk digest. Every copy is a SummarySend row; a copy once sent is never sent again."""

from __future__ import annotations

import logging
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from casetrack import deliveries, mail
from casetrack.accounts.models import User
from casetrack.accounts.permissions import roles_with
from casetrack.cases.queries import Page
from casetrack.extensions import db
from casetrack.summaries import rules
from casetrack.summaries.models import SummarySend

log = logging.getLogger(__name__)


def plan_sends(kind: str, period: str) -> list[int]:
    """One row per active leader with an address (made once per kind and period); returns the ids still to send.
    Flushes."""
    leaders = db.session.scalars(
        select(User).where(
            User.role.in_(roles_with("receive_summaries")),
            User.active.is_(True),
            User.email.is_not(None),
            User.email != "",
        )
    ).all()
    existing = {
        send.recipient_id: send
        for send in db.session.scalars(
            select(SummarySend).where(SummarySend.kind == kind, SummarySend.period == period)
        )
    }
    for leader in leaders:
        if leader.id not in existing:
            existing[leader.id] = SummarySend(
                kind=kind, period=period, recipient_id=leader.id, email=leader.email, status="pending", attempts=0
            )
            db.session.add(existing[leader.id])
    db.session.flush()
    max_attempts = deliveries.max_attempts()
    return sorted(send.id for send in existing.values() if send.status != "sent" and send.attempts < max_attempts)


def allow_resend(send_id: int, actor) -> SummarySend:
    """An administrator sends a failed or "unknown" copy again. Flushes."""
    return deliveries.allow_resend(SummarySend, send_id, actor, "summary_send")


def pct_or_none(value: float | None) -> str:
    return gettext("no figure") if value is None else f"{value:.2f}%"


def figure_sentences(shaped: dict) -> list[tuple[str, list[str]]]:
    """(section name, its sentences) for each section of the figure registry, in the recipient's language."""
    from casetrack.stats import figures as registry

    lines = []
    for section in registry.SECTIONS:
        values = dict(shaped[section.code])
        for figure in registry.of_section(section.code):
            if figure.kind == registry.AMOUNT:
                values[figure.value_key] = f"{values[figure.value_key]:,.2f}"
            elif figure.kind == registry.RATE:
                values[figure.value_key] = pct_or_none(values[figure.value_key])
            if figure.change_key:
                values[figure.change_key] = pct_or_none(values[figure.change_key])
        lines.append((gettext(section.label), [gettext(sentence, **values) for sentence in section.summary]))
    return lines


def compose(send: SummarySend, today: date) -> mail.Mail:
    recipient = send.recipient
    base_url = current_app.config["CASETRACK_BASE_URL"].rstrip("/")
    sender_domain = current_app.config["CASETRACK_SMTP_SENDER"].rsplit("@", 1)[-1] or "casetrack"
    with force_locale(recipient.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if send.kind == "monthly":
            subject, text, html, attachments = _monthly(send, recipient, base_url)
        else:
            subject, text, html, attachments = _risk_digest(send, recipient, base_url, today)
    return mail.Mail(
        to=send.email,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        message_id=f"<summary-{send.kind}-{send.period}-{send.recipient_id}@{sender_domain}>",
    )


def _monthly(send: SummarySend, recipient: User, base_url: str):
    from casetrack.reports.documents import docx_bytes
    from casetrack.reports.services import MEDIA_TYPES, annual_report, annual_trend
    from casetrack.stats import kept
    from casetrack.stats.queries import Period, figures

    year, month = rules.parse_month_key(send.period)
    source = kept.kept()
    month_figures = figures(Period.month(year, month), Period.month(year - 1, month), source=source)
    year_to_date = figures(
        Period(date(year, 1, 1), Period.month(year, month).end),
        Period(date(year - 1, 1, 1), Period.month(year - 1, month).end),
        source=source,
    )
    context = {
        "user": recipient,
        "year": year,
        "month": month,
        "month_figures": figure_sentences(month_figures),
        "year_to_date": figure_sentences(year_to_date),
        "base_url": base_url,
    }
    month_end = Period.month(year, month).end
    report = docx_bytes(annual_report(year, through=month_end), annual_trend(year, through=month_end))
    attachment = mail.Attachment(f"annual-report-{year}-to-{month:02d}.docx", report, MEDIA_TYPES["docx"])
    subject = gettext("casetrack monthly summary: %(year)s-%(month)02d", year=year, month=month)
    return (
        subject,
        render_template("summaries/monthly.txt", **context),
        render_template("summaries/monthly.html", **context),
        [attachment],
    )


def week_label(key: str) -> str:
    """A digest's week as its reader says it: 2026年第49周（11月30日—12月6日）, week 49 of 2026 (Nov 30 – Dec 6)."""
    from babel.dates import format_skeleton
    from flask_babel import get_locale

    year, week, monday, sunday = rules.week_days(key)
    locale = get_locale()
    return gettext(
        "week %(week)s of %(year)s (%(first)s – %(last)s)",
        week=week,
        year=year,
        first=format_skeleton("MMMd", monday, locale=locale),
        last=format_skeleton("MMMd", sunday, locale=locale),
    )


def _risk_digest(send: SummarySend, recipient: User, base_url: str, today: date):
    from casetrack.rectification.queries import overdue_items
    from casetrack.risk.queries import RiskFilters, digest_counts, digest_details, page_of_risk_cases
    from casetrack.risk.rules import STATES
    from casetrack.suggestions.queries import overdue_replies_by_unit

    top = page_of_risk_cases(recipient, RiskFilters(per_page=10), today)
    late = overdue_items(today)
    late_by_unit: dict[str, int] = {}
    for item in late:
        late_by_unit[item.unit.name] = late_by_unit.get(item.unit.name, 0) + 1
    context = {
        "overdue_rectification": len(late),
        "overdue_rectification_by_unit": sorted(late_by_unit.items(), key=lambda pair: (-pair[1], pair[0])),
        "overdue_replies": sum(count for count, _ in overdue_replies_by_unit(today).values()),
        "user": recipient,
        "period": week_label(send.period),
        "counts": digest_counts(today),
        "top": top.items,
        "details": digest_details([risk_case for risk_case, _score, _overdue in top.items], today),
        "today": today,
        "base_url": base_url,
        "risk_states": STATES,
    }
    subject = gettext("casetrack risk digest: %(period)s", period=context["period"])
    return (
        subject,
        render_template("summaries/risk_digest.txt", **context),
        render_template("summaries/risk_digest.html", **context),
        [],
    )


def recent_sends(kind: str = "", status: str = "", page: int = 1, per_page: int = 50):
    stmt = select(SummarySend)
    if kind:
        stmt = stmt.where(SummarySend.kind == kind)
    if status:
        stmt = stmt.where(SummarySend.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(SummarySend.created_at.desc(), SummarySend.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(rows, total, page, per_page)
