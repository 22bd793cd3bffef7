"""Who may do what: roles and the permission predicates every layer asks."""

from __future__ import annotations

from casetrack.i18n import N_

ROLES = {
    "mediator": N_("Mediation center staff"),
    "legal": N_("Legal bureau"),
    "unit": N_("Respondent unit liaison"),
    "leader": N_("District leader"),
    "admin": N_("Administrator"),
}

UNIT_KINDS = {"department": N_("Department"), "town": N_("Town / street"), "district": N_("District")}

#: Roles that register and edit cases; a unit liaison may, but only for its own unit (see case queries).
CASE_WRITERS = frozenset({"mediator", "legal", "unit", "admin"})
#: Roles that read applicants' ID numbers in full.
PERSONAL_DATA_READERS = frozenset({"legal", "admin"})


def is_valid_role(role: str) -> bool:
    return role in ROLES


def sees_all_units(role: str) -> bool:
    return role != "unit"


def can_write_cases(role: str) -> bool:
    return role in CASE_WRITERS


def can_see_personal_data(role: str) -> bool:
    return role in PERSONAL_DATA_READERS


def can_administer(role: str) -> bool:
    return role == "admin"


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
