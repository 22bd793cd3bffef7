"""Finding the cases a ledger row refers to by 案号, within what the importing user may see."""

from __future__ import annotations

from sqlalchemy import select

from casetrack.cases.models import Case
from casetrack.cases.queries import scoped
from casetrack.cases.rules import number_key
from casetrack.extensions import db

_CHUNK = 500


def cases_by_number(numbers: set[str], actor) -> dict[str, list[dict]]:
    """Key of a 案号 (cases.rules.number_key) → the visible cases with it (one per kind at most): id, kind,
    respondent_unit_id, received_on. Look a number up by its key: a row may write it in another form."""
    found: dict[str, list[dict]] = {}
    ordered = sorted({number_key(number) for number in numbers})
    for start in range(0, len(ordered), _CHUNK):
        stmt = scoped(
            select(
                Case.id,
                Case.number_key,
                Case.kind,
                Case.respondent_unit_id,
                Case.received_on,
                Case.is_open.label("is_open"),
            ),
            actor,
        ).where(Case.number_key.in_(ordered[start : start + _CHUNK]))
        for row in db.session.execute(stmt).mappings():
            found.setdefault(row["number_key"], []).append(dict(row))
    return found
