"""Leaders' scheduled summaries (SPEC section 5): the monthly figures with the Word report attached, and the
Monday risk digest. Every copy is a SummarySend row; a copy once sent is never sent again."""

from __future__ import annotations

import logging
from datetime import date

from babel.dates import format_skeleton
from flask import current_app, render_template
from flask_babel import force_locale, get_locale, gettext
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


def other_sentences(shaped: dict) -> list[tuple[str, list[str]]]:
    """(section name, its sentences) of the registry's sections the headlines leave out (compensation,
    suggestions, rectification …) that counted anything, in the recipient's language."""
    from casetrack.stats import figures as registry

    headline_sections = {figure.section for figure in registry.headline()}
    lines = []
    for section in registry.SECTIONS:
        if section.code in headline_sections:
            continue
        values = dict(shaped[section.code])
        if not any(
            values[figure.value_key] for figure in registry.of_section(section.code) if figure.kind != registry.RATE
        ):
            continue
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
            subject, text, html, attachments, inline = _monthly(send, recipient, base_url, today)
        else:
            subject, text, html, attachments = _risk_digest(send, recipient, base_url, today)
            inline = []
    return mail.Mail(
        to=send.email,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        inline=inline,
        message_id=f"<summary-{send.kind}-{send.period}-{send.recipient_id}@{sender_domain}>",
    )


def _monthly(send: SummarySend, recipient: User, base_url: str, today: date):
    from casetrack.reports.documents import docx_bytes
    from casetrack.reports.services import MEDIA_TYPES, annual_report, annual_trend
    from casetrack.stats.queries import Period

    year, month = rules.parse_month_key(send.period)
    context = monthly_context(year, month, today, base_url, recipient)
    month_end = Period.month(year, month).end
    report = docx_bytes(annual_report(year, through=month_end), annual_trend(year, through=month_end))
    attachment = mail.Attachment(f"annual-report-{year}-to-{month:02d}.docx", report, MEDIA_TYPES["docx"])
    chart = mail.Attachment(
        f"trend-{year}-{month:02d}.png", context["chart_png"], "image/png", content_id=context["chart_cid"]
    )
    return (
        context["subject"],
        render_template("summaries/monthly.txt", **context),
        inline_css(render_template("summaries/monthly.html", **context)),
        [attachment],
        [chart],
    )


#: The trend picture's Content-ID in the monthly mail (``cid:``).
CHART_CID = "trend-chart@casetrack"


def monthly_context(year: int, month: int, today: date, base_url: str, recipient: User | None) -> dict:
    """What the three forms of the monthly summary (HTML, plain text, a group's Markdown) say, in the current
    language. ``recipient`` None: a group target, which sees the district and never a party's name."""
    from casetrack.accounts.permissions import can
    from casetrack.dashboard.panels import FLAG_LABELS
    from casetrack.reports.documents import chart_font_path, trend_chart_png
    from casetrack.stats import figures as registry
    from casetrack.summaries.queries import monthly

    overseen_ids = (
        frozenset(unit.id for unit in recipient.overseen)
        if recipient is not None and can(recipient, "oversee_units")
        else frozenset()
    )
    found = monthly(year, month, today, overseen_ids)
    series = registry.trend_counts()
    first_day = date(year, month, 1)
    return {
        "user": recipient,
        "year": year,
        "month": month,
        "month_label": format_skeleton("yMMM", first_day, locale=get_locale()),
        "month_short": format_skeleton("MMM", first_day, locale=get_locale()),
        # A reason for an absence is free text: for the leaders' own mail, not for a group.
        "with_reasons": recipient is not None,
        "subject": gettext("casetrack monthly summary: %(year)s-%(month)02d", year=year, month=month),
        "figures": [
            {"name": gettext(now.figure.label), "month": _headline_words(now), "to_date": _headline_words(to_date)}
            for now, to_date in zip(found.month_figures, found.year_to_date, strict=True)
        ],
        "overseen": [
            {
                "unit": row.unit.name if row.unit else gettext("Whole district"),
                "district": row.unit is None,
                "flags": [gettext(FLAG_LABELS[flag]) for flag in row.flags],
                "figures": [{"name": gettext(h.figure.label), **_headline_words(h)} for h in row.headlines],
            }
            for row in found.overseen
        ],
        "watch": [
            {
                "unit": row["unit"],
                "flags": [gettext(FLAG_LABELS[flag]) for flag in row["flags"]],
                "overseen": any(row["unit"] == unit.name for unit in (recipient.overseen if overseen_ids else [])),
            }
            for row in found.watch
        ],
        "found": found,
        "others": other_sentences(found.to_date_figures),
        "chart_cid": CHART_CID,
        "chart_png": trend_chart_png(found.trend, series, percent=False, font_path=chart_font_path()),
        "chart_alt": _chart_words(found.trend, series),
        "dashboard_url": f"{base_url}/dashboard?year={year}" + ("#overseen-units" if overseen_ids else ""),
        "base_url": base_url,
        "today": today,
    }


def _headline_words(headline) -> dict:
    from casetrack.dashboard.panels import change_text, value_text
    from casetrack.stats import figures as registry

    rate = headline.figure.kind == registry.RATE
    return {
        "value": value_text(headline.value, rate),
        "change": change_text(headline.change, registry.PP if rate else registry.PCT),
        "previous": value_text(headline.previous, rate),
    }


def _chart_words(trend: list[dict], series) -> str:
    """The trend picture in words, for a mail client that shows no pictures or a reader who cannot see them."""
    months = "; ".join(
        gettext(
            "%(month)s: %(values)s",
            month=format_month(row["month"]),
            values=", ".join(f"{gettext(f.label)} {row[f.section][f.value_key]}" for f in series),
        )
        for row in trend
    )
    return gettext("New cases by month: %(months)s", months=months)


def format_month(month: int) -> str:
    return format_skeleton("MMM", date(2000, month, 1), locale=get_locale())


def inline_css(html: str) -> str:
    """The stylesheet of a mail written into each element's style (mail clients drop <style>), by css-inline."""
    import css_inline

    return css_inline.inline(html)


def week_label(key: str) -> str:
    """A digest's week as its reader says it: 2026年第49周（11月30日—12月6日）, week 49 of 2026 (Nov 30 – Dec 6)."""
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
    from casetrack.accounts.permissions import can
    from casetrack.rectification.queries import overdue_items
    from casetrack.risk.queries import (
        QueueCounts,
        RiskFilters,
        digest_counts,
        digest_details,
        page_of_risk_cases,
        queue_by_unit,
    )
    from casetrack.risk.rules import STATES
    from casetrack.suggestions.queries import overdue_replies_by_unit

    overseen = sorted(recipient.overseen, key=lambda unit: unit.name) if can(recipient, "oversee_units") else []
    queue = queue_by_unit(today) if overseen else {}
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
        "overseen_risk": [(unit, queue.get(unit.id, QueueCounts())) for unit in overseen],
    }
    subject = gettext("casetrack risk digest: %(period)s", period=context["period"])
    return (
        subject,
        render_template("summaries/risk_digest.txt", **context),
        inline_css(render_template("summaries/risk_digest.html", subject=subject, **context)),
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
