"""Stand-ins for users in pure rule tests, which have no database."""

from types import SimpleNamespace


def person(role: str, unit_id: int | None = None, active: bool = True):
    return SimpleNamespace(id=1, role=role, unit_id=unit_id, is_authenticated=True, active=active)
