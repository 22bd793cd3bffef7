"""The one rule of who sees which records, as a query restriction every domain applies to its own tables."""

from __future__ import annotations

from sqlalchemy import Select

from casetrack.accounts.permissions import can


def restrict_to_actor_unit(stmt: Select, actor, unit_column) -> Select:
    """A unit liaison sees only records whose ``unit_column`` is its own unit; every other role sees all.
    ``actor`` None is the system (CLI, scheduled jobs)."""
    if can(actor, "see_all_units"):
        return stmt
    return stmt.where(unit_column == (actor.unit_id or -1))
