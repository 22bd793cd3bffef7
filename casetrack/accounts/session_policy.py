"""What a signed-in browser session must meet on every request (GB/T 22239-2019 身份鉴别): it ends after
``idle_minutes`` without a request and 12 hours after its sign-in; a password set by an administrator, or expired,
is changed before anything else; an account whose role needs a second factor enrols one first. API requests carry
tokens, not sessions, and are left to the token's own expiry."""

from __future__ import annotations

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, logout_user, user_loaded_from_cookie

from casetrack.accounts import rules, second_factor, services
from casetrack.audit import services as audit
from casetrack.clock import utc_now

#: Session keys: when the sign-in was, when the last request came (POSIX seconds).
SIGNED_IN_AT, LAST_SEEN = "signed_in_at", "last_seen"
#: What a signed-in user may still open while a password change or an enrolment is due.
_ALWAYS_OPEN = frozenset(
    {
        "accounts.own_password",
        "accounts.own_second_factor",
        "accounts.after_recovery_codes",
        "accounts.logout",
        "accounts.set_locale",
        "static",
        "system.health",
    }
)


def start(now: float | None = None) -> None:
    """A new session begins (a sign-in, or a return on a remember cookie)."""
    now = utc_now().timestamp() if now is None else now
    session[SIGNED_IN_AT] = session[LAST_SEEN] = now


def register(app: Flask) -> None:
    @user_loaded_from_cookie.connect_via(app)
    def _remembered(_app, user):
        # A browser coming back on its remember cookie starts a session of its own: the idle and 12-hour limits
        # count from here, and the return is an entry like a sign-in.
        start()
        audit.record("user", user.id, "logged_in", user, comment=f"{request.remote_addr or 'unknown'} (remembered)")

    @app.before_request
    def _enforce_session_policy():
        if request.endpoint in (None, "static") or not current_user.is_authenticated:
            return None
        if session.get("_user_id") is None:
            # Signed in by an API token (login_manager.request_loader), not by this session: the token's own expiry
            # applies. A session cookie sent beside a made-up Authorization header is still a session.
            return None
        user = current_user._get_current_object()
        now = utc_now().timestamp()
        ended = rules.session_end_reason(
            session.get(SIGNED_IN_AT), session.get(LAST_SEEN), now, services.idle_minutes()
        )
        if ended is not None:
            audit.record("user", user.id, "timed_out", user, comment=f"{request.remote_addr or 'unknown'} ({ended})")
            # In this order: logout_user marks the remember cookie for deletion in the session, which clear() would
            # wipe, and the cookie would sign the browser straight back in.
            session.clear()
            logout_user()
            flash(
                gettext(
                    "You were signed out after %(minutes)s minutes without activity. Please sign in again.",
                    minutes=services.idle_minutes(),
                )
                if ended == "idle"
                else gettext("You were signed out: a session lasts at most 12 hours. Please sign in again."),
                "info",
            )
            return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
        session[LAST_SEEN] = now
        if session.get(SIGNED_IN_AT) is None:
            session[SIGNED_IN_AT] = now
        if request.endpoint in _ALWAYS_OPEN:
            return None
        if services.must_change_password(user):
            flash(gettext("Choose a new password before you go on."), "info")
            return redirect(url_for("accounts.own_password"))
        if second_factor.required_for(user) and not user.has_second_factor:
            # A session from before the role needed one (or before the upgrade): the second factor is set up first.
            return redirect(url_for("accounts.own_second_factor"))
        return None
