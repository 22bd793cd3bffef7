"""The second factor (GB/T 22239-2019 身份鉴别: two kinds of credential for the administrators and the legal bureau):
a TOTP code (RFC 6238, any authenticator app) or one of ten one-time recovery codes. The secret is kept sealed
(casetrack.sealed), the recovery codes as hashes; each function takes the acting user where another may act, and
flushes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from casetrack.accounts.models import RecoveryCode, User
from casetrack.accounts.permissions import can
from casetrack.audit import services as audit
from casetrack.clock import utc_now
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.sealed import seal, unseal

ISSUER = "casetrack"
RECOVERY_CODES = 10
#: A code from the step before or after is taken too: a phone's clock a little off still works.
VALID_WINDOW = 1


def required_roles() -> frozenset[str]:
    raw = str(current_app.config.get("CASETRACK_MFA_ROLES") or "")
    return frozenset(role.strip() for role in raw.split(",") if role.strip())


def required_for(user) -> bool:
    """Whether ``user``'s role must sign in with a second factor (CASETRACK_MFA_ROLES)."""
    return getattr(user, "role", None) in required_roles()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as an inline SVG: made here, nothing fetched from elsewhere."""
    return segno.make(uri, error="m").svg_inline(scale=5)


def _hash(code: str) -> str:
    return hashlib.sha256(normalized(code).encode()).hexdigest()


def normalized(code: str) -> str:
    return "".join(char for char in code.upper() if char.isascii() and char.isalnum())


def _step_of(secret: str, code: str, now: float) -> int | None:
    """The time step ``code`` is right for, within the window, or None."""
    totp = pyotp.TOTP(secret)
    digits = normalized(code)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        moment = now + offset * totp.interval
        if hmac.compare_digest(totp.at(moment), digits):
            return int(moment // totp.interval)
    return None


def enrol(user: User, secret: str, code: str, now: float | None = None) -> list[str]:
    """Take ``secret`` as ``user``'s second factor once ``code`` shows the app holds it; returns the ten recovery
    codes, shown this once."""
    step = _step_of(secret, code, utc_now().timestamp() if now is None else now)
    if step is None:
        raise DomainError(N_("That code is not the one the app shows now; check the phone's clock and try again."))
    user.totp_secret_sealed = seal(secret)
    user.totp_enabled_at = datetime.now(UTC)
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record("user", user.id, "second_factor_enrolled", user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}".upper() for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def verify(user: User, code: str, now: float | None = None) -> str | None:
    """Check a sign-in's second step: "totp" or "recovery" for the kind of code taken, None for a wrong one. A code
    is taken once: a TOTP code not again in its time step, a recovery code never again."""
    if not user.has_second_factor or not code.strip():
        return None
    step = _step_of(unseal(user.totp_secret_sealed), code, utc_now().timestamp() if now is None else now)
    if step is not None and step > (user.totp_last_step or 0):
        user.totp_last_step = step
        db.session.flush()
        return "totp"
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None)
        )
    )
    if found is None:
        return None
    found.used_at = datetime.now(UTC)
    db.session.flush()
    left = recovery_codes_left(user)
    audit.record("user", user.id, "recovery_code_used", user, comment=str(left))
    return "recovery"


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def reset(user: User, actor) -> None:
    """The security administrator clears a user's second factor (a lost phone): the user enrols again at the next
    sign-in, and every session made with the old one ends."""
    if not can(actor, "reset_second_factor"):
        raise PermissionDenied(N_("Only the security administrator can reset a second factor."))
    if not user.has_second_factor:
        raise DomainError(N_("%(name)s has no second factor to reset."), name=user.username)
    _clear(user)
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()
    audit.record("user", user.id, "second_factor_reset", actor)


def remove_own(user: User) -> None:
    """A user whose role does not require it turns the second factor off."""
    if required_for(user):
        raise DomainError(N_("Your role signs in with a second factor: it cannot be turned off."))
    _clear(user)
    db.session.flush()
    audit.record("user", user.id, "second_factor_removed", user)


def _clear(user: User) -> None:
    user.totp_secret_sealed = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
