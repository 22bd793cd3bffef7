"""cases: a stored key of each case number (案号), so full- and half-width forms of one number are one case

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 12:00:00

The key of every case's number is computed first, into a temporary table, with the case's search text as it is
now written (folded the same way, so a search in either width finds the case), and the keys are checked for
numbers that become one once normalised (（2020）1号 and (2020)1号 of the same kind). If any do, the upgrade stops
and names them before the schema is touched: which of two such cases is the real one is for a person to decide,
never a migration. Then keys and search texts are written in one set-based UPDATE, and the unique index over
(kind, number_key) is built. The downgrade writes the search text back the way 0015 did.

Every row is rewritten, and a row rewritten under the table's secondary indexes (two of them GIN) costs an entry
in each: at a million cases on PostgreSQL that UPDATE took 5.5 minutes. So those indexes are dropped for it and
built again from their own definitions afterwards, as benchmarks/generate.py loads its data (2.5 minutes in all
on a loaded machine; 1 minute on SQLite).
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

#: Cases read and staged per statement: a million cases are 50 round trips, each well under a second.
BATCH = 20_000
#: Colliding numbers listed in the refusal; the count says how many more there are.
LISTED = 50
#: Joins a case's bigrams into one text for PostgreSQL's string_to_array; str.split() counts it as whitespace,
#: so no bigram (two characters of one whitespace-separated token) can hold it.
GRAM_SEPARATOR = '\x1f'
NUMBER_LENGTH = 64

log = logging.getLogger("alembic.runtime.migration")

# casetrack.cases.rules.search_fold, number_key, search_text and search_bigrams as of this revision, frozen here:
# migrations must not import app code. Lookups compare cases.number_key with rules.number_key(number), so the two
# must agree; a change to the rule needs a migration that computes the keys again.
_BRACKETS = str.maketrans(dict.fromkeys("[〔【〖〘⦅", "(") | dict.fromkeys("]〕】〗〙⦆", ")"))


def _fold(text):
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text or "").lower()).translate(_BRACKETS)


def _number_key(number):
    return "".join(char for char in _fold(number) if not char.isspace() and unicodedata.category(char) != "Cf")


def _search_text(number, names, unit, summary):
    key = _number_key(number)
    numbers = [number] if key == _fold(number) else [number, key]
    return _fold(" ".join([*numbers, *names, unit, summary or ""]))


def _search_text_0015(number, names, unit, summary):
    return " ".join([number, *names, unit, summary or ""]).lower()


def _bigrams(text):
    grams = {
        token[start:start + 2]
        for token in text.lower().split()
        if not token.isascii()
        for start in range(len(token) - 1)
    }
    return sorted(gram for gram in grams if not gram.isascii())


class NumberKeyProblem(RuntimeError):
    pass


def upgrade():
    bind = op.get_bind()
    started = time.monotonic()
    staged = _stage(bind, _search_text, with_keys=True)
    log.info("keys and search texts of %s cases computed in %.0f s", f"{staged:,}", time.monotonic() - started)
    _refuse_collisions(bind)
    _refuse_long_keys(bind)

    op.add_column('cases', sa.Column('number_key', sa.String(length=NUMBER_LENGTH), nullable=True))
    with _secondary_indexes_dropped(bind):
        _write_staged(bind, "number_key = s.number_key, ")
        log.info("number keys written in %.0f s", time.monotonic() - started)
        with op.batch_alter_table('cases') as batch:
            batch.alter_column('number_key', existing_type=sa.String(length=NUMBER_LENGTH), nullable=False)
        op.create_index('uq_cases_kind_number_key', 'cases', ['kind', 'number_key'], unique=True)
    log.info("cases.number_key done in %.0f s", time.monotonic() - started)


def downgrade():
    bind = op.get_bind()
    op.drop_index('uq_cases_kind_number_key', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('number_key')
    _stage(bind, _search_text_0015, with_keys=False)
    with _secondary_indexes_dropped(bind):
        _write_staged(bind, "")


def _stage(bind, search_text, with_keys):
    """Fill the temporary table case_staging: each case's key (if ``with_keys``) and, where it differs from the
    stored one, its search text as ``search_text`` computes it from the number, applicants, unit and summary."""
    postgresql = bind.dialect.name == 'postgresql'
    op.execute(
        "CREATE TEMPORARY TABLE case_staging (id INTEGER PRIMARY KEY, kind VARCHAR(32) NOT NULL, number_key TEXT, "
        f"search_text TEXT, search_grams {'TEXT[]' if postgresql else 'TEXT'})"
    )
    last_id = count = 0
    while True:
        cases = bind.execute(
            sa.text(
                "SELECT c.id, c.kind, c.number, c.summary, c.search_text, coalesce(u.name, '') AS unit "
                "FROM cases AS c LEFT JOIN units AS u ON u.id = c.respondent_unit_id "
                "WHERE c.id > :last ORDER BY c.id LIMIT :n"
            ),
            {"last": last_id, "n": BATCH},
        ).all()
        if not cases:
            return count
        count += len(cases)
        names = {}
        for case_id, name in bind.execute(
            sa.text(
                "SELECT case_id, name FROM applicants WHERE case_id BETWEEN :low AND :high "
                "ORDER BY case_id, position, id"
            ),
            {"low": cases[0].id, "high": cases[-1].id},
        ):
            names.setdefault(case_id, []).append(name)
        rows = []
        for case in cases:
            text = search_text(case.number, names.get(case.id, []), case.unit, case.summary)
            text = None if text == case.search_text else text
            key = _number_key(case.number) if with_keys else None
            if with_keys or text is not None:
                rows.append((case.id, case.kind, key, text, None if text is None else _bigrams(text)))
        _insert_staged(bind, postgresql, rows)
        last_id = cases[-1].id


def _insert_staged(bind, postgresql, rows):
    if not rows:
        return
    if postgresql:
        # One statement a batch: arrays in, rows out (psycopg would send an executemany row by row).
        bind.execute(
            sa.text(
                "INSERT INTO case_staging SELECT id, kind, number_key, search_text, "
                "CASE WHEN search_text IS NULL THEN NULL ELSE string_to_array(grams, :separator) END "
                "FROM unnest(CAST(:ids AS integer[]), CAST(:kinds AS text[]), CAST(:keys AS text[]), "
                "CAST(:texts AS text[]), CAST(:grams AS text[])) AS v(id, kind, number_key, search_text, grams)"
            ),
            {
                "separator": GRAM_SEPARATOR,
                "ids": [row[0] for row in rows],
                "kinds": [row[1] for row in rows],
                "keys": [row[2] for row in rows],
                "texts": [row[3] for row in rows],
                "grams": [None if row[4] is None else GRAM_SEPARATOR.join(row[4]) for row in rows],
            },
        )
    else:
        bind.execute(
            sa.text("INSERT INTO case_staging VALUES (:id, :kind, :key, :text, :grams)"),
            [
                {"id": id_, "kind": kind, "key": key, "text": text,
                 "grams": None if grams is None else json.dumps(grams)}
                for id_, kind, key, text, grams in rows
            ],
        )


def _write_staged(bind, set_key):
    # UPDATE … FROM: PostgreSQL, and SQLite since 3.33 (2020).
    op.execute(
        f"UPDATE cases SET {set_key}search_text = coalesce(s.search_text, cases.search_text), "
        "search_grams = CASE WHEN s.search_text IS NULL THEN cases.search_grams ELSE s.search_grams END "
        "FROM case_staging AS s WHERE s.id = cases.id"
    )
    op.execute("DROP TABLE case_staging")


@contextmanager
def _secondary_indexes_dropped(bind):
    """The cases' indexes that back no constraint, dropped for the block and then made again as they were."""
    if bind.dialect.name == 'postgresql':
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


def _refuse_collisions(bind):
    groups = bind.execute(
        sa.text(
            "SELECT kind, number_key, count(*) AS n FROM case_staging GROUP BY kind, number_key "
            "HAVING count(*) > 1 ORDER BY kind, number_key"
        )
    ).all()
    if not groups:
        return
    lines = []
    for group in groups[:LISTED]:
        cases = bind.execute(
            sa.text(
                "SELECT c.id, c.number FROM cases AS c JOIN case_staging AS s ON s.id = c.id "
                "WHERE s.kind = :kind AND s.number_key = :key ORDER BY c.id"
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


def _refuse_long_keys(bind):
    # NFKC unfolds a few characters into several (㈠ into "(一)"); a key past the column would fail the UPDATE with
    # a bare database error, so it is named here instead.
    long = bind.execute(
        sa.text(
            "SELECT c.id, c.number FROM cases AS c JOIN case_staging AS s ON s.id = c.id "
            "WHERE length(s.number_key) > :limit ORDER BY c.id"
        ),
        {"limit": NUMBER_LENGTH},
    ).all()
    if long:
        raise NumberKeyProblem(
            f"These case numbers are longer than {NUMBER_LENGTH} characters once normalised; shorten them, then run "
            "the upgrade again:\n" + "\n".join(f"  {case.number} (id {case.id})" for case in long[:LISTED])
        )
