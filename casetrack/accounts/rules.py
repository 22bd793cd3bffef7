"""Account rules as pure functions: unit kinds, masking personal data, the password policy. Who may do what
lives in ``accounts.permissions``."""

from __future__ import annotations

from casetrack.i18n import N_

UNIT_KINDS = {"department": N_("Department"), "town": N_("Town / street"), "district": N_("District")}


def mask_id_number(id_number: str | None) -> str:
    """Show only enough of an ID number to tell two applicants apart (first 3, last 4)."""
    if not id_number:
        return ""
    if len(id_number) <= 7:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def validate_password(password: str) -> str | None:
    """Return a msgid explaining why the password is too weak, or None."""
    if len(password) < 10:
        return N_("The password must have at least 10 characters.")
    if password.isdigit() or password.isalpha():
        return N_("The password must mix letters with digits or symbols.")
    return None
