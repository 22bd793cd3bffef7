"""The device token of the login throttle (accounts.throttle.LoginThrottle): a signed cookie naming an account
that logged in successfully from this browser, so others' failed guesses do not lock its owner out here."""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "casetrack_device"
#: A browser stays known for a year after its last successful login there.
MAX_AGE_SECONDS = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="casetrack-login-device")


def known_device(username: str) -> str | None:
    """The device id this browser holds for ``username``, or None (no cookie, another account's, or forged)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        name, device = _serializer().loads(raw)
    except (BadSignature, ValueError, TypeError):
        return None
    return device if isinstance(device, str) and str(name).lower() == username.strip().lower() else None


def remember_device(response, username: str, device: str | None) -> None:
    token = _serializer().dumps([username.strip().lower(), device or secrets.token_urlsafe(16)])
    response.set_cookie(
        COOKIE,
        token,
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
