"""Copy a PostgreSQL benchmark data set into a SQLite file with the migrated schema (SPEC section 6: SQLite too).

    python benchmarks/copy_to_sqlite.py \
        --from-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench \
        --database-url sqlite:////work/main/benchmarks/out/bench.sqlite3 --fresh

generate_hearings_mediations.py writes with COPY (PostgreSQL only), so a SQLite data set of the same shape
(1,000,000 cases, 300,000 hearings, 200,000 mediations, 500 units) is made by copying the PostgreSQL one row for
row: the SQLite schema comes from the real migrations (Flask-Migrate ``upgrade()``), then every table both
databases have is copied column for column (the columns both have), with values stored as SQLAlchemy stores them
on SQLite (dates ISO text, datetimes ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, times ``HH:MM:SS.ffffff``, booleans
0/1, ARRAY/JSON as JSON text). As in generate.py, the secondary indexes of the big tables are dropped for the load
and re-created from their own definitions afterwards, and ANALYZE only runs with ``--sqlite-analyze`` (the app
itself never runs it). Both data sets then hold the same rows, so the figures must come out equal on both.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import log, make_app, migrate_schema, prepare_database  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

CHUNK = 20_000
#: Big tables: their secondary indexes are dropped during the load and re-created afterwards.
BIG = ("cases", "applicants", "hearings", "mediations", "mediation_sessions", "notifications", "audit_entries")


#: Tables a migration fills with reference data: emptied before the copy, which brings the same rows.
SEEDED_BY_MIGRATIONS = ("adverse_reasons",)


def _datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _time(value: dtime) -> str:
    return value.strftime("%H:%M:%S.%f")


def _json(value) -> str:
    return json.dumps(value)


def _decimal(value: Decimal) -> str:
    return str(value)


def converter(pg_type: str):
    """How a value of this PostgreSQL column type is stored by SQLAlchemy on SQLite (None: as it is)."""
    if pg_type.startswith("timestamp"):
        return _datetime
    if pg_type == "date":
        return date.isoformat
    if pg_type.startswith("time"):
        return _time
    if pg_type in ("ARRAY", "json", "jsonb"):
        return _json
    if pg_type == "numeric":
        return _decimal
    return None  # text, integers, boolean (sqlite3 binds True/False as 1/0), bytea (bytes)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from-url", required=True, help="the PostgreSQL data set (made by generate*.py)")
    parser.add_argument("--database-url", required=True, help="sqlite:////path/to/file.sqlite3")
    parser.add_argument("--fresh", action="store_true", help="delete the SQLite file first")
    parser.add_argument("--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite at the end")
    args = parser.parse_args(argv)

    import sqlite3

    import psycopg

    source, target = make_url(args.from_url), make_url(args.database_url)
    if source.get_backend_name() != "postgresql" or target.get_backend_name() != "sqlite":
        raise SystemExit("--from-url must be PostgreSQL and --database-url SQLite")
    started_all = time.perf_counter()
    prepare_database(args.database_url, args.fresh)
    migrate_schema(make_app(args.database_url))

    pg = psycopg.connect(source.set(drivername="postgresql").render_as_string(hide_password=False))
    pg.execute("SET TIME ZONE 'UTC'")
    lite = sqlite3.connect(target.database, isolation_level=None)
    lite.execute("PRAGMA journal_mode = MEMORY")
    lite.execute("PRAGMA synchronous = OFF")
    lite.execute("PRAGMA cache_size = -400000")

    sqlite_tables = [
        name
        for (name,) in lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'alembic_version' ORDER BY name"
        )
    ]
    pg_revision = pg.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    lite_revision = lite.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    if pg_revision != lite_revision:
        raise SystemExit(
            f"PostgreSQL data set is at migration {pg_revision}, the code at {lite_revision}: "
            "run `flask db upgrade` against it first"
        )
    # Reference rows the migrations write (the built-in reasons cases are lost for) come over with the rest.
    for table in SEEDED_BY_MIGRATIONS:
        lite.execute(f'DELETE FROM "{table}"')
    busy = [t for t in sqlite_tables if lite.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
    if busy:
        raise SystemExit(f"the SQLite file already holds rows in {', '.join(busy)}: use --fresh")

    dropped = lite.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
        f"({', '.join('?' for _ in BIG)})",
        BIG,
    ).fetchall()
    for name, _sql in dropped:
        lite.execute(f'DROP INDEX "{name}"')
    log(f"dropped {len(dropped)} secondary indexes for the load")

    lite.execute("BEGIN")
    totals = {}
    for table in sqlite_tables:
        lite_columns = [row[1] for row in lite.execute(f'PRAGMA table_info("{table}")')]
        pg_columns = dict(
            pg.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s",
                (table,),
            ).fetchall()
        )
        if not pg_columns:
            log(f"  {table}: not in the PostgreSQL data set, left empty")
            continue
        columns = [c for c in lite_columns if c in pg_columns]
        skipped = [c for c in lite_columns if c not in pg_columns]
        converters = [(i, f) for i, c in enumerate(columns) if (f := converter(pg_columns[c])) is not None]
        quoted = ", ".join(f'"{c}"' for c in columns)
        insert = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" for _ in columns)})'
        started = time.perf_counter()
        count = 0
        with pg.cursor(name=f"copy_{table}") as cur:
            cur.itersize = CHUNK
            cur.execute(f'SELECT {quoted} FROM "{table}"')
            while rows := cur.fetchmany(CHUNK):
                if converters:
                    rows = [list(row) for row in rows]
                    for row in rows:
                        for i, convert in converters:
                            if row[i] is not None:
                                row[i] = convert(row[i])
                lite.executemany(insert, rows)
                count += len(rows)
        totals[table] = count
        note = f" (left to defaults: {', '.join(skipped)})" if skipped else ""
        log(f"  {table}: {count:,} rows in {time.perf_counter() - started:.1f}s{note}")
    lite.execute("COMMIT")
    pg.close()

    log("rows committed; re-creating indexes")
    for name, sql in dropped:
        started = time.perf_counter()
        lite.execute(sql)
        log(f"  {name} in {time.perf_counter() - started:.1f}s")
    if args.sqlite_analyze:
        lite.execute("ANALYZE")
        log("ANALYZE done")
    lite.close()
    size = Path(target.database).stat().st_size / 1e9
    log(
        "done: "
        + ", ".join(f"{t} {totals[t]:,}" for t in ("cases", "hearings", "mediations", "units") if t in totals)
        + f"; {size:.2f} GB; total {time.perf_counter() - started_all:.0f}s"
    )


if __name__ == "__main__":
    main()
