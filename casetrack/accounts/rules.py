"""Account rules as pure functions: unit kinds, masking personal data, the password policy. Who may do what
lives in ``accounts.permissions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from casetrack.accounts.permissions import ROLES
from casetrack.clock import as_utc
from casetrack.i18n import N_

UNIT_KINDS = {"department": N_("Department"), "town": N_("Town / street"), "district": N_("District")}
#: How the audit trail names the fields of users and units.
AUDIT_FIELDS = {
    "user": {
        "role": N_("Role"),
        "unit": N_("Unit"),
        "email": N_("E-mail"),
        "display_name": N_("Display name"),
        "active": N_("Active"),
        "token": N_("API token"),
        "expires_at": N_("Expires at"),
        "overseen_units": N_("Units overseen"),
    },
    "unit": {"name": N_("Name"), "kind": N_("Kind of unit"), "head_name": N_("Head"), "active": N_("Active")},
    "security_policy": {
        "min_length": N_("Shortest password (characters)"),
        "classes": N_("Kinds of character to mix"),
        "history": N_("Last passwords that may not be used again"),
        "max_age_days": N_("Days a password lasts"),
        "idle_minutes": N_("Minutes without activity after which a session ends"),
        "single_session": N_("One session per account"),
    },
}
AUDIT_VALUES = {"user": {"role": ROLES}, "unit": {"kind": UNIT_KINDS}}
#: The width of a unit's name, which the unit form and the ledger (which creates the units it meets) hold it to.
MAX_UNIT_NAME = 100


def mask_id_number(id_number: str | None) -> str:
    """Show only enough of an ID number to tell two applicants apart (first 3, last 4)."""
    if not id_number:
        return ""
    if len(id_number) <= 7:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
#: A shorter user name is left out of the check: "li" or "wu" would refuse many passwords that merely contain
#: those letters, and guessing a password from two letters of a name is no easier.
MIN_USERNAME_CHECKED = 3


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


@dataclass(frozen=True)
class PasswordPolicy:
    """What a password must be (GB/T 22239-2019 身份鉴别: complex, changed regularly); the security administrator
    sets it (accounts.models.SecurityPolicy), these are its defaults."""

    min_length: int = 10
    #: Of upper case, lower case, digits and symbols, how many kinds it must mix.
    classes: int = 3
    #: It may not be any of this many last passwords (the current one included).
    history: int = 5
    #: Days a password lasts; 0: for ever.
    max_age_days: int = 90


DEFAULT_POLICY = PasswordPolicy()
#: The bounds the security administrator may set the policy within.
POLICY_BOUNDS = {"min_length": (8, 64), "classes": (1, 4), "history": (0, 24), "max_age_days": (0, 3650)}


def character_classes(password: str) -> int:
    kinds = (str.isupper, str.islower, str.isdigit, lambda char: not char.isalnum())
    return sum(any(kind(char) for char in password) for kind in kinds)


def validate_password(password: str, username: str, policy: PasswordPolicy = DEFAULT_POLICY) -> tuple[str, dict] | None:
    """Why the password is too weak for the account ``username`` (a msgid and its params), or None."""
    if len(password) < policy.min_length:
        return N_("The password must have at least %(length)s characters."), {"length": policy.min_length}
    name = username.strip().casefold()
    if len(name) >= MIN_USERNAME_CHECKED and name in password.casefold():
        return N_("The password must not contain the user name."), {}
    if password.casefold() in common_passwords():
        return N_("This password is one of the most common ones, which are tried first; choose another."), {}
    if character_classes(password) < policy.classes:
        return (
            N_("The password must mix at least %(classes)s of: capital letters, small letters, digits, symbols."),
            {"classes": policy.classes},
        )
    return None


def password_expired(changed_at: datetime | None, now: datetime, policy: PasswordPolicy) -> bool:
    """Whether a password set at ``changed_at`` has to be changed before the account is used again."""
    if not policy.max_age_days or changed_at is None:
        return False
    return now - as_utc(changed_at) > timedelta(days=policy.max_age_days)


# --- sessions ----------------------------------------------------------------------------------------------

#: Any session ends this long after its sign-in, however busy.
SESSION_MAX_AGE = timedelta(hours=12)


def session_end_reason(
    signed_in_at: float | None, last_seen: float | None, now: float, idle_minutes: int
) -> str | None:
    """Why a session (its times as POSIX seconds) has ended: "idle", "too_long", or None while it lasts."""
    if signed_in_at is not None and now - signed_in_at > SESSION_MAX_AGE.total_seconds():
        return "too_long"
    if idle_minutes and last_seen is not None and now - last_seen > idle_minutes * 60:
        return "idle"
    return None
