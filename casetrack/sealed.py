"""Secrets kept in the database encrypted (Fernet: AES-128-CBC with an HMAC-SHA256 tag), so a copy of the database
or a backup does not hand out the group robots' webhooks and signing secrets. The key comes from
CASETRACK_SEALING_KEY, or is derived from the application's secret key when that is not set."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


class Unreadable(RuntimeError):
    """A sealed value was written under another key (the secret key changed): it must be entered again."""


def _fernet() -> Fernet:
    configured = current_app.config.get("CASETRACK_SEALING_KEY") or ""
    if configured:
        return Fernet(configured.encode())
    digest = hashlib.sha256(b"casetrack sealed values\0" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise Unreadable("the stored secret was sealed under another key; enter it again") from error
