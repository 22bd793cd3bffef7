"""Account rules as pure functions: unit kinds, masking personal data, the password policy. Who may do what
lives in ``accounts.permissions``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from casetrack.accounts.permissions import ROLES
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


def validate_password(password: str, username: str) -> str | None:
    """Return a msgid explaining why the password is too weak for the account ``username``, or None."""
    if len(password) < 10:
        return N_("The password must have at least 10 characters.")
    if password.isdigit() or password.isalpha():
        return N_("The password must mix letters with digits or symbols.")
    name = username.strip().casefold()
    if len(name) >= MIN_USERNAME_CHECKED and name in password.casefold():
        return N_("The password must not contain the user name.")
    if password.casefold() in common_passwords():
        return N_("This password is one of the most common ones, which are tried first; choose another.")
    return None
