"""Writing and finding many rows at once, for imports and jobs that handle thousands of records."""

from __future__ import annotations

from sqlalchemy import JSON, Table, insert, select

from casetrack.extensions import db

#: Who hears of rows a bulk statement writes past the ORM's flush (stats.kept registers here, so the figures it
#: keeps follow imports): callables of (table name, ids, when), ``when`` one of "changing" (ahead of the
#: statement), "changed" and "inserted" (after it).
WRITE_LISTENERS: list = []


def changing(table: Table, ids) -> None:
    """Rows of ``table`` with these ids are about to be changed (or deleted) by a bulk statement."""
    _tell(table, ids, "changing")


def changed(table: Table, ids) -> None:
    """A bulk statement changed the rows of ``table`` with these ids."""
    _tell(table, ids, "changed")


def inserted(table: Table, ids) -> None:
    """A bulk statement inserted the rows of ``table`` with these ids: none of them existed before, so nothing
    else could refer to them yet."""
    _tell(table, ids, "inserted")


def _tell(table: Table, ids, when: str) -> None:
    ids = set(ids)
    if ids:
        for listener in WRITE_LISTENERS:
            listener(table.name, ids, when)


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert rows (dicts with the same keys) in the session's transaction.

    PostgreSQL gets COPY, the fastest way in; elsewhere one executemany. (Measured, 20,000 rows of 20 columns:
    executemany 0.7 s, multi-row VALUES with RETURNING 3.7 s; COPY a fraction of the first.)"""
    if not rows:
        return
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    from psycopg import sql
    from psycopg.types.json import Json

    columns = list(rows[0])
    json_columns = {name for name in columns if isinstance(table.c[name].type, JSON)}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [Json(row[name]) if name in json_columns and row[name] is not None else row[name] for name in columns]
            )


def ids_by_number(
    table: Table, kind_column, keys: list[tuple[str, str]], number_column=None, chunk: int = 5000
) -> dict[tuple, int]:
    """(kind, number) → id for rows just inserted, one array parameter per chunk, kind first so the
    (kind, number) unique index serves the lookup. ``number_column`` defaults to the table's ``number``."""
    number_column = table.c.number if number_column is None else number_column
    found = {}
    for kind in sorted({kind for kind, _ in keys}):
        numbers = sorted({number for k, number in keys if k == kind})
        for start in range(0, len(numbers), chunk):
            stmt = select(table.c.id, kind_column, number_column).where(
                kind_column == kind, among(number_column, numbers[start : start + chunk])
            )
            for row_id, found_kind, number in db.session.execute(stmt):
                found[(found_kind, number)] = row_id
    return found


def among(column, values: list):
    """``column IN values`` for long lists: one array parameter on PostgreSQL (``= ANY``) instead of one
    parameter per value, which psycopg would otherwise render and send thousands at a time."""
    from sqlalchemy import any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))
