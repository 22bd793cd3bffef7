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


class ContextMsgid(Msgid):
    """A msgid whose English word means something else elsewhere ("Failed": a mediation, a delivery), looked up
    with its context as pgettext does, so that the two never share a translation."""

    def __new__(cls, context: str, message: str):
        made = super().__new__(cls, message)
        made.context = context
        return made


class FilledMsgid(Msgid):
    """A msgid with the params that fill it, for a pure rule whose refusal names a value (the earliest day the
    register takes): it travels in the same lists as plain msgids, and whoever shows it passes ``params_of`` on."""

    def __new__(cls, message: str, **params):
        made = super().__new__(cls, message)
        made.params = params
        return made


def params_of(message: str) -> dict:
    """The params a msgid carries (FilledMsgid); none for a plain one."""
    return dict(getattr(message, "params", {}))


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown (pure modules cannot import Babel)."""
    return Msgid(message)


def NP_(context: str, message: str) -> str:
    """N_ with a context (extracted as msgctxt): for a word that reads differently in another place."""
    return ContextMsgid(context, message)


def text_of(message: str) -> str:
    """A msgid in the reader's language, with its context when it has one: the one way a label is translated."""
    from flask_babel import gettext, pgettext

    if isinstance(message, ContextMsgid):
        return pgettext(message.context, message)
    return gettext(message)


def lazy_text_of(message: str):
    """text_of when the string is used, for form labels and choices defined at import."""
    from flask_babel import LazyString

    return LazyString(text_of, message)


def translate(message: str, params: dict) -> str:
    """A msgid and its params in the reader's language, with plain gettext when it is shown: a param that is itself
    a msgid (a label such as a state's name) is translated with it; user data (names, numbers) is never a Msgid and
    so is never looked up in the catalogue. Nothing lazy is kept, so a message can be stored, compared and shown
    outside a request alike."""
    from flask_babel import gettext

    return gettext(
        message, **{key: text_of(value) if isinstance(value, Msgid) else value for key, value in params.items()}
    )


def select_locale() -> str:
    chosen = session.get("locale") if request else None
    if chosen in LOCALES:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
