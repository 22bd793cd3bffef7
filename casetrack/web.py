"""What every view shares: role guards, labels for codes, pagination links, request parsing helpers."""

from __future__ import annotations

import io
from datetime import date
from functools import wraps
from urllib.parse import urlparse

from flask import Flask, abort, flash, has_request_context, redirect, request, send_file, url_for
from flask_babel import format_date, get_locale, gettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from werkzeug.routing import IntegerConverter

from casetrack import deliveries, history
from casetrack.accounts import rules as account_rules
from casetrack.accounts.permissions import ROLES, can, may_enter
from casetrack.cases import kinds as case_kinds
from casetrack.cases import rules as case_rules
from casetrack.clock import local_date, local_text, local_today
from casetrack.hearings import rules as hearing_rules
from casetrack.i18n import LOCALES, Msgid, text_of, translate
from casetrack.mediation import rules as mediation_rules
from casetrack.params import INT_MAX, parse_id
from casetrack.rectification import rules as rectification_rules
from casetrack.risk import rules as risk_rules
from casetrack.suggestions import rules as suggestion_rules


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: an attacker's link must not bounce a user to their own site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return fallback


def permission_required(capability: str):
    """Allow only holders of this capability (accounts.permissions); anyone else gets 403. Implies login."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, capability):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def accepts_body_up_to(setting: str):
    """Let a view take a request body up to the size in config ``setting`` instead of MAX_CONTENT_LENGTH (the
    ledger's). Applied before the body is read — the CSRF check reads the form — by ``apply_body_limit``."""

    def decorate(view):
        view.body_limit_setting = setting
        return view

    return decorate


def apply_body_limit(app: Flask) -> None:
    # Registered ahead of CSRFProtect's own before_request: the first read of the form fixes the limit. A body
    # over it is refused from its Content-Length, before any of it is read (413).
    @app.before_request
    def _body_limit():
        view = app.view_functions.get(request.endpoint or "")
        setting = getattr(view, "body_limit_setting", None)
        if setting:
            request.max_content_length = int(app.config[setting])


def guard_areas(app: Flask) -> None:
    """三员分立: the security and audit administrators reach their own pages and nothing of the registry's, however
    they type the address (accounts.permissions.may_enter)."""

    @app.before_request
    def _administrators_keep_to_their_areas():
        if request.endpoint and _signed_in() and not may_enter(current_user, request.endpoint):
            abort(403)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def record_downloads(app: Flask) -> None:
    """Every file the app hands out — an export, a document, a report, an archive — is an audit entry: who took
    what, from where. One hook for all of them, registered after the unit of work so that it runs before the commit
    (Flask runs after-request functions last-registered first)."""
    from casetrack.audit import services as audit

    @app.after_request
    def _record_download(response):
        if response.status_code in (200, 206) and "Content-Disposition" in response.headers and _signed_in():
            action = "exported" if response.mimetype == XLSX else "downloaded"
            audit.record("file", 0, action, current_user, comment=request.full_path.rstrip("?")[:500])
        return response


def posted_form(form_class, problem: str, back: str):
    """The posted form, validated. An invalid one flashes ``problem`` and ends the request with a redirect to
    ``back``: an action posted from a page answers with that page, where the message is shown."""
    form = form_class()
    if not form.validate_on_submit():
        flash(problem, "error")
        abort(redirect(back))
    return form


def label(mapping: dict, code: str | None) -> str:
    """A code's translated name: label(case_rules.MATTERS, "penalty") → 行政处罚."""
    if not code:
        return ""
    return text_of(mapping[code]) if code in mapping else code


#: The days a date parameter may name: calendars and ranges are computed around them, and the years near the ends
#: of Python's date range overflow.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def words(message, params: dict | None = None) -> str:
    """A msgid and its params in the reader's language; data that is no msgid (a code no rule names) as it is."""
    if not message:
        return ""
    if params:
        return translate(message, params)
    return text_of(message) if isinstance(message, Msgid) else str(message)


def parse_date_arg(name: str) -> tuple[date | None, str | None]:
    """A YYYY-MM-DD query parameter; returns (value, error message)."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None, gettext("%(value)s is not a date (use YYYY-MM-DD).", value=raw[:40])
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        return None, gettext(
            "%(value)s is outside the years %(first)s–%(last)s.",
            value=raw,
            first=EARLIEST_DAY.year,
            last=LATEST_DAY.year,
        )
    return value, None


def parse_int_arg(name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    value = parse_id(request.args.get(name, ""))
    if value is None:
        return default
    value = max(minimum, value)
    return min(value, maximum) if maximum else value


def parse_year_arg(years: list[int], name: str = "year") -> int:
    """The year a year menu sent: one of ``years`` (stats.queries.years_with_data, latest first), else the first."""
    year = parse_id(request.args.get(name, ""))
    return year if year in years else years[0]


def xlsx_download(write, name: str):
    """Send a workbook made by ``write(file)`` as today's ``name-YYYY-MM-DD.xlsx``."""
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    return send_file(
        buffer,
        as_attachment=True,
        download_name=f"{name}-{local_today().isoformat()}.xlsx",
        mimetype=XLSX,
    )


def read_date_filters(filters, names=("received_from", "received_to", "concluded_from", "concluded_to")) -> None:
    """Set the date-range filters from the query string; a bad date is explained in ``filters.problems``."""
    for name in names:
        value, problem = parse_date_arg(name)
        setattr(filters, name, value)
        if problem:
            filters.problems.append(problem)


def url_with(**changes) -> str:
    """The current URL with some query parameters changed (pagination, sorting)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _signed_in() -> bool:
    # Templates also render outside requests (e-mail digests), where there is no user at all.
    return has_request_context() and current_user.is_authenticated


def unit_options(units, selected_id) -> Markup:
    """The options of a unit filter (every list a district-wide user filters by unit), one for each unit: one place
    for the eight lists that have one, and written here rather than by a template loop (500 units: 1.9 ms → 0.3)."""
    return Markup(
        "".join(
            f'<option value="{unit.id}" selected>{escape(unit.name)}</option>'
            if unit.id == selected_id
            else f'<option value="{unit.id}">{escape(unit.name)}</option>'
            for unit in units
        )
    )


def register_template_globals(app: Flask) -> None:
    @app.context_processor
    def calendar_warning():
        # Only admins can act on it: a year with no holiday schedule means deadlines are weekend-only guesses.
        if _signed_in() and can(current_user, "administer") and request.blueprint != "workdays":
            from casetrack.workdays.services import years_needing_schedule

            return {"calendar_missing_years": years_needing_schedule(local_today())}
        return {"calendar_missing_years": []}

    @app.context_processor
    def unread_reminders():
        if _signed_in():
            from casetrack.notifications.services import unread_count

            return {"unread_reminders": unread_count(current_user.id)}
        return {"unread_reminders": 0}

    app.jinja_env.globals.update(
        unit_options=unit_options,
        label=label,
        yuan=case_kinds.format_yuan,
        audit_field=history.field_label,
        audit_value=history.value_text,
        audit_action=history.action_label,
        audit_action_code=history.action_code_label,
        audit_record_kind=history.record_kind_label,
        audit_comment=history.comment_text,
        audit_source=history.source_parts,
        words=words,
        get_locale=get_locale,
        case_rules=case_rules,
        case_kinds=case_kinds,
        hearing_rules=hearing_rules,
        mediation_rules=mediation_rules,
        risk_rules=risk_rules,
        suggestion_rules=suggestion_rules,
        rectification_rules=rectification_rules,
        account_rules=account_rules,
        role_labels=ROLES,
        delivery_status_labels=deliveries.STATUS_LABELS,
        can=lambda capability, unit_id=None: can(current_user, capability, unit_id),
        locales=LOCALES,
        url_with=url_with,
        today=local_today,
    )
    # A stored instant is shown in the district's time (clock.local), its day too: 2026-12-01T17:30Z is the 2nd.
    app.jinja_env.filters["date"] = lambda value: format_date(local_date(value), "yyyy-MM-dd") if value else ""
    app.jinja_env.filters["datetime"] = local_text
    app.jinja_env.filters["words"] = words
    app.jinja_env.globals["words"] = words


#: The pages load only the app's own scripts and styles (ECharts from /static/vendor, the dashboard's numbers as a
#: JSON data block, which is not executed); no page may be framed, and no form may post elsewhere. Style
#: attributes, and only they, may be inline: ECharts writes its tooltips as HTML with style attributes (colour
#: markers, layout), which style-src 'self' alone blocks on every hover. <style> elements stay refused, and a style
#: cannot run code, so scripts stay strictly 'self'. A browser without style-src-attr (Chromium before 75) falls
#: back to style-src and shows bare tooltips; the tables beside the charts hold the same numbers.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: A file someone uploaded, shown in the browser (a PDF, a picture): a sandbox of its own origin, with nothing it may
#: load or run, so a crafted file cannot act on the app's origin with the reader's session.
USER_FILE_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Case numbers and search terms travel in query strings: no other site may see them in a Referer.
    "Referrer-Policy": "same-origin",
}
#: A year, without includeSubDomains: other district services may live on sibling hosts not yet on HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def register_security_headers(app: Flask) -> None:
    """Every response, pages, static files, downloads and API answers alike, gets its headers here and only here."""
    https = bool(app.config["CASETRACK_HTTPS"])

    @app.after_request
    def security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        if getattr(response, "serves_user_file", False):
            response.headers["Content-Security-Policy"] = USER_FILE_CONTENT_SECURITY_POLICY
            response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if https:
            # The setting rather than request.is_secure: behind a TLS-terminating proxy the app sees plain HTTP.
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        if request.path.startswith("/api/"):
            # Answers carry case data for one user: no shared or browser cache may keep a copy.
            response.headers["Cache-Control"] = "no-store"
        return response


class BoundedIntConverter(IntegerConverter):
    """<int:…> that matches only what fits a database integer column (ids, years, pages in URLs)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)
