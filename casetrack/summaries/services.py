"""Leaders' scheduled summaries (SPEC section 5): the monthly figures with the Word report attached, and the
Monday risk digest. Every copy is a SummarySend row; a copy once sent is never sent again."""

from __future__ import annotations

import logging
import smtplib
from datetime import date

from babel.dates import format_skeleton
from flask import current_app, render_template
from flask_babel import force_locale, get_locale, gettext
from sqlalchemy import func, select

from casetrack import deliveries, mail, sealed
from casetrack.accounts.models import User
from casetrack.accounts.permissions import SYSTEM, can, roles_with
from casetrack.audit.services import record
from casetrack.cases.queries import Page
from casetrack.errors import DomainError, NotFound, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.summaries import rules
from casetrack.summaries.models import SummarySend, SummaryTarget, TargetSend

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


def compose(send: SummarySend, today: date, with_attachments: bool = True) -> mail.Mail:
    recipient = send.recipient
    base_url = current_app.config["CASETRACK_BASE_URL"].rstrip("/")
    sender_domain = current_app.config["CASETRACK_SMTP_SENDER"].rsplit("@", 1)[-1] or "casetrack"
    with force_locale(recipient.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if send.kind == "monthly":
            subject, text, html, attachments, inline = _monthly(send, recipient, base_url, today, with_attachments)
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


def _monthly(send: SummarySend, recipient: User, base_url: str, today: date, with_attachments: bool = True):
    from casetrack.reports.documents import docx_bytes
    from casetrack.reports.services import MEDIA_TYPES, annual_report, annual_trend
    from casetrack.stats.queries import Period

    year, month = rules.parse_month_key(send.period)
    context = monthly_context(year, month, today, base_url, recipient)
    attachments = []
    if with_attachments:
        month_end = Period.month(year, month).end
        report = docx_bytes(annual_report(year, through=month_end), annual_trend(year, through=month_end))
        attachments.append(mail.Attachment(f"annual-report-{year}-to-{month:02d}.docx", report, MEDIA_TYPES["docx"]))
    chart = mail.Attachment(
        f"trend-{year}-{month:02d}.png", _trend_png(context["found"].trend), "image/png", content_id=CHART_CID
    )
    return (
        context["subject"],
        render_template("summaries/monthly.txt", **context),
        inline_css(render_template("summaries/monthly.html", **context)),
        attachments,
        [chart],
    )


#: The trend picture's Content-ID in the monthly mail (``cid:``).
CHART_CID = "trend-chart@casetrack"


def monthly_context(year: int, month: int, today: date, base_url: str, recipient: User | None) -> dict:
    """What the three forms of the monthly summary (HTML, plain text, a group's Markdown) say, in the current
    language. ``recipient`` None: a group target, which sees the district and never a party's name."""
    from casetrack.dashboard.panels import FLAG_LABELS
    from casetrack.stats import figures as registry
    from casetrack.summaries.queries import monthly

    overseen_ids = (
        frozenset(unit.id for unit in recipient.overseen)
        if recipient is not None and can(recipient, "oversee_units")
        else frozenset()
    )
    found = monthly(year, month, today, overseen_ids)
    overseen_names = {unit.name for unit in recipient.overseen} if overseen_ids else set()
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
                "overseen": row["unit"] in overseen_names,
            }
            for row in found.watch
        ],
        "found": found,
        "others": other_sentences(found.to_date_figures),
        "chart_cid": CHART_CID,
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
    context = risk_digest_context(send.period, recipient, base_url, today)
    return (
        context["subject"],
        render_template("summaries/risk_digest.txt", **context),
        inline_css(render_template("summaries/risk_digest.html", **context)),
        [],
    )


def risk_digest_context(period: str, recipient: User | None, base_url: str, today: date) -> dict:
    """What the Monday digest says, in the current language; ``recipient`` None: a group target (the district)."""
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

    reader = recipient if recipient is not None else SYSTEM
    overseen = (
        sorted(recipient.overseen, key=lambda unit: unit.name)
        if recipient is not None and can(recipient, "oversee_units")
        else []
    )
    queue = queue_by_unit(today) if overseen else {}
    top = page_of_risk_cases(reader, RiskFilters(per_page=10), today)
    late = overdue_items(today)
    late_by_unit: dict[str, int] = {}
    for item in late:
        late_by_unit[item.unit.name] = late_by_unit.get(item.unit.name, 0) + 1
    label = week_label(period)
    return {
        "overdue_rectification": len(late),
        "overdue_rectification_by_unit": sorted(late_by_unit.items(), key=lambda pair: (-pair[1], pair[0])),
        "overdue_replies": sum(count for count, _ in overdue_replies_by_unit(today).values()),
        "user": recipient,
        "period": label,
        "subject": gettext("casetrack risk digest: %(period)s", period=label),
        "counts": digest_counts(today),
        "top": top.items,
        "details": digest_details([risk_case for risk_case, _score, _overdue in top.items], today),
        "today": today,
        "base_url": base_url,
        "risk_states": STATES,
        "overseen_risk": [(unit, queue.get(unit.id, QueueCounts())) for unit in overseen],
    }


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


# --- group delivery targets (DingTalk, 企业微信) ------------------------------------------------------------------


def add_target(actor, *, name: str, kind: str, webhook: str, secret: str | None, summaries: str) -> SummaryTarget:
    """A group robot that receives the summaries named in ``summaries`` ("monthly,risk_digest"). Flushes."""
    from urllib.parse import urlsplit

    if not can(actor, "administer"):
        raise PermissionDenied(N_("Only an administrator can manage the delivery targets."))
    name, webhook, secret = name.strip(), webhook.strip(), (secret or "").strip() or None
    if not name or len(name) > rules.MAX_TARGET_NAME:
        raise DomainError(N_("Give the target a name of at most %(n)s characters."), n=rules.MAX_TARGET_NAME)
    if kind not in rules.TARGET_KINDS:
        raise DomainError(N_("Choose DingTalk or WeCom."))
    problem = rules.webhook_problem(kind, webhook)
    if problem:
        raise DomainError(problem, parameter=rules.TOKEN_PARAMETER[kind])
    if kind == "dingtalk" and not secret:
        raise DomainError(N_("A DingTalk robot needs its signing secret (加签, starting SEC)."))
    if secret and len(secret) > 200:
        raise DomainError(N_("The signing secret is longer than a robot's."))
    kinds, problem = rules.parse_target_kinds(summaries)
    if problem:
        raise DomainError(problem)
    if db.session.scalar(select(SummaryTarget.id).where(SummaryTarget.name == name)):
        raise DomainError(N_("A delivery target named %(name)s exists already."), name=name)
    target = SummaryTarget(
        name=name,
        kind=kind,
        host=urlsplit(webhook).hostname,
        webhook_sealed=sealed.seal(webhook),
        secret_sealed=sealed.seal(secret) if secret else None,
        summaries=",".join(kinds),
        active=True,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(target)
    db.session.flush()
    record(
        "summary_target",
        target.id,
        "created",
        actor,
        [
            ("name", None, name),
            ("kind", None, kind),
            ("host", None, target.host),
            ("summaries", None, target.summaries),
        ],
    )
    return target


def set_target_active(target_id: int, active: bool, actor) -> SummaryTarget:

    if not can(actor, "administer"):
        raise PermissionDenied(N_("Only an administrator can manage the delivery targets."))
    target = db.session.get(SummaryTarget, target_id)
    if target is None:
        raise NotFound(N_("The page or record does not exist."))
    if target.active != active:
        record("summary_target", target.id, "updated", actor, [("active", target.active, active)])
        target.active = active
        db.session.flush()
    return target


def all_targets() -> list[SummaryTarget]:
    return list(db.session.scalars(select(SummaryTarget).order_by(SummaryTarget.name)))


def plan_target_sends(kind: str, period: str) -> list[int]:
    """One row per active target that takes ``kind`` (made once per kind and period); the ids still to send.
    Flushes."""
    targets = [target for target in db.session.scalars(select(SummaryTarget).where(SummaryTarget.active.is_(True)))]
    existing = {
        send.target_id: send
        for send in db.session.scalars(select(TargetSend).where(TargetSend.kind == kind, TargetSend.period == period))
    }
    for target in targets:
        if kind in target.kinds and target.id not in existing:
            existing[target.id] = TargetSend(
                kind=kind,
                period=period,
                target_id=target.id,
                email=f"{target.name} <{target.host}>"[:254],
                status="pending",
                attempts=0,
            )
            db.session.add(existing[target.id])
    db.session.flush()
    max_attempts = deliveries.max_attempts()
    return sorted(send.id for send in existing.values() if send.status != "sent" and send.attempts < max_attempts)


def group_markdown(kind: str, period: str, today: date) -> tuple[str, str]:
    """(title, Markdown) of a summary as a group receives it: the district's figures and units, case numbers and
    counts only — never a party's name. In the site's language; not cut to a platform's size."""
    base_url = current_app.config["CASETRACK_BASE_URL"].rstrip("/")
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if kind == "monthly":
            year, month = rules.parse_month_key(period)
            context = monthly_context(year, month, today, base_url, None)
            return context["subject"], render_template("summaries/monthly.md", **context)
        context = risk_digest_context(period, None, base_url, today)
        return context["subject"], render_template("summaries/risk_digest.md", **context)


def full_page_url(kind: str, period: str) -> str:
    """Where a cut group message sends its readers for the rest."""
    base_url = current_app.config["CASETRACK_BASE_URL"].rstrip("/")
    if kind == "monthly":
        return f"{base_url}/dashboard?year={rules.parse_month_key(period)[0]}"
    return f"{base_url}/risk/"


def fitted_markdown(kind: str, target_kind: str, period: str, today: date) -> tuple[str, str]:
    """group_markdown cut to what the target's platform takes, with a link to the full page when cut."""
    title, markdown = group_markdown(kind, period, today)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        tail = gettext("[The rest on casetrack](%(url)s)", url=full_page_url(kind, period))
    return title, rules.fitted(markdown, rules.MAX_MARKDOWN_BYTES[target_kind], tail)


def compose_for_target(send: TargetSend, today: date):
    from casetrack.summaries.channels import RobotMessage

    target = send.target
    title, markdown = fitted_markdown(send.kind, target.kind, send.period, today)
    return RobotMessage(
        kind=target.kind,
        webhook=sealed.unseal(target.webhook_sealed),
        secret=sealed.unseal(target.secret_sealed) if target.secret_sealed else None,
        title=title,
        markdown=markdown,
    )


def allow_target_resend(send_id: int, actor) -> TargetSend:
    return deliveries.allow_resend(TargetSend, send_id, actor, "target_send")


def recent_target_sends(page: int = 1, per_page: int = 50):
    stmt = select(TargetSend)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(TargetSend.created_at.desc(), TargetSend.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(rows, total, page, per_page)


def send_states(kind: str, period: str) -> dict[str, dict[str, int]]:
    """{"leaders": {status: copies}, "groups": {status: copies}} of one summary."""
    states = {}
    for name, model in (("leaders", SummarySend), ("groups", TargetSend)):
        rows = db.session.execute(
            select(model.status, func.count()).where(model.kind == kind, model.period == period).group_by(model.status)
        )
        states[name] = dict(rows.all())
    return states


def preview_reader() -> User:
    """A leader with no 分管 units in the site's language, for a preview made for nobody in particular. Never
    added to the session."""
    return User(username="preview", display_name=gettext("District leader"), role="leader", active=True, email="")


def compose_preview(kind: str, period: str, reader: User, today: date, with_attachments: bool = False) -> mail.Mail:
    """The message ``reader`` would get for ``period``, composed exactly as the job composes it (the Word report
    left out unless asked for: a preview shows the message, and building the report takes a while); nothing is
    recorded (the copy's row is never added to the session)."""
    send = SummarySend(kind=kind, period=period, recipient=reader, email=reader.email or "", status="pending")
    return compose(send, today, with_attachments)


def next_period(kind: str, today: date) -> str:
    """The period the next scheduled copy covers: this month (sent on the 1st of the next), or the coming
    Monday's week."""
    if kind == "monthly":
        return rules.month_key(today.year, today.month)
    return rules.week_key(rules.next_monday(today))


def send_test_copy(kind: str, reader: User, actor, today: date) -> mail.Mail:
    """The next summary of ``reader`` sent now to ``actor``'s own address, its subject marked 测试. Not a copy of
    the period (no row, so the scheduled one still goes out); audited."""

    if not actor.email:
        raise DomainError(N_("Your account has no e-mail address: add one to receive a test copy."))
    message = compose_preview(kind, next_period(kind, today), reader, today, with_attachments=True)
    with force_locale(actor.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        message.subject = gettext("[Test] %(subject)s", subject=message.subject)
    message.to, message.message_id = actor.email, None
    try:
        mail.send(message)
    except (smtplib.SMTPException, OSError, mail.DeliveryUncertain) as error:
        log.warning("test copy to %s failed: %s", actor.email, error)
        raise DomainError(N_("The test copy could not be sent: %(error)s"), error=str(error)[:200]) from error
    record("user", actor.id, "summary_test_sent", actor, comment=f"{kind} {next_period(kind, today)} → {actor.email}")
    return message


def preview_reader_for(actor, leader_id: int | None) -> tuple[User, list[User] | None]:
    """Whose copy ``actor`` previews, and the leaders they may choose from (None: no choice). A leader sees their
    own copy whatever is asked; an administrator any leader's, or a leader with no units when none is picked."""
    if not can(actor, "administer"):
        return actor, None
    leaders = summary_readers()
    if not leader_id:
        return preview_reader(), leaders
    chosen = next((leader for leader in leaders if leader.id == leader_id), None)
    if chosen is None:
        raise NotFound(N_("The page or record does not exist."))
    return chosen, leaders


def summary_readers() -> list[User]:
    """The active leaders, whose copies an administrator may preview."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(roles_with("receive_summaries")), User.active.is_(True))
            .order_by(User.username)
        )
    )


def monthly_chart_png(year: int, month: int, today: date) -> bytes:
    """The monthly summary's trend picture alone (the preview page shows it where the mail has its cid:)."""
    from casetrack.stats import kept
    from casetrack.stats.queries import trend_to
    from casetrack.stats.rules import month_end

    return _trend_png(trend_to(year, month_end(year, month), None, kept.kept()))


def _trend_png(trend: list[dict]) -> bytes:
    """New cases by month as bars: the Word report's chart code (reports.documents), so both draw the same."""
    from casetrack.reports.documents import chart_font_path, trend_chart_png
    from casetrack.stats import figures as registry

    return trend_chart_png(trend, registry.trend_counts(), percent=False, font_path=chart_font_path())
