"""Locale selection and the no-op marker for messages defined outside a request."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user

#: Locales offered in the switcher: code → name shown in its own language.
LOCALES = {"zh_Hans_CN": "简体中文", "en": "English"}


class Msgid(str):
    """A string that is a msgid, not finished text: a label such as a state's name (risk.rules.STATES) that
    travels as a parameter of another message is translated with it (errors.DomainError.translated)."""

    __slots__ = ()


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown (pure modules cannot import Babel)."""
    return Msgid(message)


def translate(message: str, params: dict) -> str:
    """A msgid and its params in the reader's language, with plain gettext when it is shown: a param that is itself
    a msgid (a label such as a state's name) is translated with it; user data (names, numbers) is never a Msgid and
    so is never looked up in the catalogue. Nothing lazy is kept, so a message can be stored, compared and shown
    outside a request alike."""
    from flask_babel import gettext

    return gettext(
        message, **{key: gettext(value) if isinstance(value, Msgid) else value for key, value in params.items()}
    )


def select_locale() -> str:
    chosen = session.get("locale") if request else None
    if chosen in LOCALES:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
