"""Finding the cases a ledger row refers to by 案号, within what the importing user may see."""

from __future__ import annotations

from sqlalchemy import select

from casetrack.cases.models import Case
from casetrack.cases.queries import scoped
from casetrack.extensions import db

_CHUNK = 500


def cases_by_number(numbers: set[str], actor) -> dict[str, list[dict]]:
    """案号 → the visible cases with it (one per kind at most): id, kind, respondent_unit_id, received_on."""
    found: dict[str, list[dict]] = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), _CHUNK):
        stmt = scoped(
            select(
                Case.id,
                Case.number,
                Case.kind,
                Case.respondent_unit_id,
                Case.received_on,
                Case.is_open.label("is_open"),
            ),
            actor,
        ).where(Case.number.in_(ordered[start : start + _CHUNK]))
        for row in db.session.execute(stmt).mappings():
            found.setdefault(row["number"], []).append(dict(row))
    return found
