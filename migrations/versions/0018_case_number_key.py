"""cases: a stored key of each case number (案号), so full- and half-width forms of one number are one case

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 12:00:00

The key is computed for every case first, into a temporary table, and checked for numbers that become one
once normalised (（2020）1号 and (2020)1号 of the same kind). If any do, the upgrade stops and names them before
the schema is touched: which of two such cases is the real one is for a person to decide, never a migration.
Then the keys (and the search text of numbers whose key differs, so a search in either form finds them) are
written in one set-based UPDATE, and the unique index over (kind, number_key) is built.

Every row is rewritten, and a row rewritten under the table's secondary indexes (two of them GIN) costs an entry
in each: at a million cases on PostgreSQL that UPDATE took 5.5 minutes. So those indexes are dropped for it and
built again from their own definitions afterwards, as benchmarks/generate.py loads its data (1.5 minutes in all).
"""
import json
import logging
import time
import unicodedata
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

#: Rows read and staged per statement: a million cases are 50 round trips, each well under a second.
BATCH = 20_000
#: Colliding numbers listed in the refusal; the count says how many more there are.
LISTED = 50
#: Joins a case's bigrams into one text for PostgreSQL's string_to_array; str.split() counts it as whitespace,
#: so no bigram (two characters of one whitespace-separated token) can hold it.
GRAM_SEPARATOR = '\x1f'
NUMBER_LENGTH = 64

# casetrack.cases.rules.number_key and search_bigrams as of this revision, frozen here: migrations must not import
# app code. Lookups compare cases.number_key with rules.number_key(number), so the two must agree; a change to the
# rule needs a migration that recomputes the keys.
_BRACKETS = str.maketrans(dict.fromkeys("[〔【〖〘⦅", "(") | dict.fromkeys("]〕】〗〙⦆", ")"))


def _number_key(number):
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", number or "").lower()).translate(_BRACKETS)
    return "".join(char for char in folded if not char.isspace() and unicodedata.category(char) != "Cf")


def _bigrams(text):
    grams = {
        token[start:start + 2]
        for token in text.lower().split()
        if not token.isascii()
        for start in range(len(token) - 1)
    }
    return sorted(gram for gram in grams if not gram.isascii())


def _search_text(number, key, search_text):
    """The stored search text with the key after the number, as cases.rules.search_text now writes it."""
    typed = number.lower()
    if key == typed:
        return None
    if search_text.startswith(typed + " "):
        return f"{typed} {key}{search_text[len(typed):]}"
    return f"{search_text} {key}"


log = logging.getLogger("alembic.runtime.migration")


class NumberKeyProblem(RuntimeError):
    pass


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == 'postgresql'
    op.execute(
        "CREATE TEMPORARY TABLE case_number_keys (id INTEGER PRIMARY KEY, kind VARCHAR(32) NOT NULL, "
        f"number_key TEXT NOT NULL, search_text TEXT, search_grams {'TEXT[]' if postgresql else 'TEXT'})"
    )
    started = time.monotonic()
    staged = _stage_keys(bind, postgresql)
    log.info("number keys of %s cases computed in %.0f s", f"{staged:,}", time.monotonic() - started)
    _refuse_collisions(bind)
    _check_lengths(bind)

    op.add_column('cases', sa.Column('number_key', sa.String(length=NUMBER_LENGTH), nullable=True))
    with _secondary_indexes_dropped(bind, postgresql):
        # UPDATE … FROM: PostgreSQL, and SQLite since 3.33 (2020).
        op.execute(
            "UPDATE cases SET number_key = k.number_key, search_text = coalesce(k.search_text, cases.search_text), "
            "search_grams = CASE WHEN k.search_text IS NULL THEN cases.search_grams ELSE k.search_grams END "
            "FROM case_number_keys AS k WHERE k.id = cases.id"
        )
        log.info("number keys written in %.0f s", time.monotonic() - started)
        op.execute("DROP TABLE case_number_keys")
        with op.batch_alter_table('cases') as batch:
            batch.alter_column('number_key', existing_type=sa.String(length=NUMBER_LENGTH), nullable=False)
        op.create_index('uq_cases_kind_number_key', 'cases', ['kind', 'number_key'], unique=True)
    log.info("cases.number_key done in %.0f s", time.monotonic() - started)


@contextmanager
def _secondary_indexes_dropped(bind, postgresql):
    """The cases' indexes that back no constraint, dropped for the block and then made again as they were."""
    if postgresql:
        bind.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
        indexes = bind.execute(
            sa.text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes AS i WHERE i.schemaname = current_schema() "
                "AND i.tablename = 'cases' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)"
            )
        ).all()
    else:
        # A UNIQUE constraint's own index has no SQL and stays: it belongs to the table.
        indexes = bind.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL"
            )
        ).all()
    for name, _definition in indexes:
        op.execute(f'DROP INDEX "{name}"')
    yield
    started = time.monotonic()
    for _name, definition in indexes:
        op.execute(definition)
    log.info("%s indexes of cases made again in %.0f s", len(indexes), time.monotonic() - started)


def _stage_keys(bind, postgresql):
    last_id = count = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, kind, number, search_text FROM cases WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last_id, "n": BATCH},
        ).all()
        if not rows:
            return count
        count += len(rows)
        staged = []
        for row in rows:
            key = _number_key(row.number)
            text = _search_text(row.number, key, row.search_text or "")
            staged.append((row.id, row.kind, key, text, None if text is None else _bigrams(text)))
        if postgresql:
            # One statement a batch: arrays in, rows out (psycopg would send an executemany row by row).
            bind.execute(
                sa.text(
                    "INSERT INTO case_number_keys SELECT id, kind, number_key, search_text, "
                    "CASE WHEN search_text IS NULL THEN NULL ELSE string_to_array(grams, :separator) END "
                    "FROM unnest(CAST(:ids AS integer[]), CAST(:kinds AS text[]), CAST(:keys AS text[]), "
                    "CAST(:texts AS text[]), CAST(:grams AS text[])) AS v(id, kind, number_key, search_text, grams)"
                ),
                {
                    "separator": GRAM_SEPARATOR,
                    "ids": [row[0] for row in staged],
                    "kinds": [row[1] for row in staged],
                    "keys": [row[2] for row in staged],
                    "texts": [row[3] for row in staged],
                    "grams": [None if row[4] is None else GRAM_SEPARATOR.join(row[4]) for row in staged],
                },
            )
        else:
            bind.execute(
                sa.text("INSERT INTO case_number_keys VALUES (:id, :kind, :key, :text, :grams)"),
                [
                    {"id": id_, "kind": kind, "key": key, "text": text,
                     "grams": None if grams is None else json.dumps(grams)}
                    for id_, kind, key, text, grams in staged
                ],
            )
        last_id = rows[-1].id


def _refuse_collisions(bind):
    groups = bind.execute(
        sa.text(
            "SELECT kind, number_key, count(*) AS n FROM case_number_keys GROUP BY kind, number_key "
            "HAVING count(*) > 1 ORDER BY kind, number_key"
        )
    ).all()
    if not groups:
        return
    lines = []
    for group in groups[:LISTED]:
        cases = bind.execute(
            sa.text(
                "SELECT c.id, c.number FROM cases AS c JOIN case_number_keys AS k ON k.id = c.id "
                "WHERE k.kind = :kind AND k.number_key = :key ORDER BY c.id"
            ),
            {"kind": group.kind, "key": group.number_key},
        ).all()
        lines.append(f"  {group.kind}: " + " = ".join(f"{case.number} (id {case.id})" for case in cases))
    more = f"\n  … and {len(groups) - LISTED} more" if len(groups) > LISTED else ""
    raise NumberKeyProblem(
        f"{len(groups)} case numbers are written in more than one form for the same kind of case; each group below "
        "would become one case number once full-width characters, brackets and spaces are normalised. Nothing was "
        "changed. Merge or renumber these cases, then run the upgrade again:\n" + "\n".join(lines) + more
    )


def _check_lengths(bind):
    # NFKC unfolds a few characters into several (㈠ into "(一)"); a key past the column would fail the UPDATE with
    # a bare database error, so it is named here instead.
    long = bind.execute(
        sa.text("SELECT c.id, c.number FROM cases AS c JOIN case_number_keys AS k ON k.id = c.id "
                "WHERE length(k.number_key) > :limit ORDER BY c.id"),
        {"limit": NUMBER_LENGTH},
    ).all()
    if long:
        raise NumberKeyProblem(
            f"These case numbers are longer than {NUMBER_LENGTH} characters once normalised; shorten them, then run "
            "the upgrade again:\n" + "\n".join(f"  {case.number} (id {case.id})" for case in long[:LISTED])
        )


def downgrade():
    op.drop_index('uq_cases_kind_number_key', table_name='cases')
    # The search text keeps the keys it was given: one more word to match, harmless to the older code.
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('number_key')
