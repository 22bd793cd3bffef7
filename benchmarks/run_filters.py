"""Every case-list filter alone and in pairs, for a district-wide user and a unit's liaison: the time of the page
as the list builds it (the capped count and the first page of 50), slowest first. What issue 15 item 2 asks to
keep within 100 ms; ``--explain`` prints PostgreSQL's plan of each combination over ``--threshold`` ms.

    .venv/bin/python benchmarks/run_filters.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench
    .venv/bin/python benchmarks/run_filters.py --database-url sqlite:////work/main/benchmarks/out/bench.sqlite3

The database must hold generate.py's users (bench_mediator, bench_unit). Times are the median of ``--repeat`` runs
through the app's own query (cases.queries.page_of_cases), warm.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: One value per filter, as people pick them; searches of one, two and three characters.
FILTERS = {
    "q1": {"q": "王"},
    "q2": {"q": "王芳"},
    "q3": {"q": "公安局"},
    "number": {"number": "2024"},
    "applicant": {"applicant": "李"},
    "kind": {"kind": "review"},
    "instance": {"instance": "second"},
    "status_open": {"status": "open"},
    "status_concluded": {"status": "concluded"},
    "matter": {"matter": "penalty"},
    "unit": {"unit_id": None},  # the busiest unit, filled in at start
    "received": {"received_from": date(2025, 1, 1), "received_to": date(2025, 3, 31)},
    "concluded": {"concluded_from": date(2025, 1, 1), "concluded_to": date(2025, 12, 31)},
    "overdue": {"deadline": "overdue"},
    "due_soon": {"deadline": "due_soon"},
    "sort_deadline": {"sort": "deadline"},
    "sort_number": {"sort": "number"},
}


def combinations(names):
    yield ()
    yield from ((name,) for name in names)
    for pair in itertools.combinations(names, 2):
        first, second = (FILTERS[name] for name in pair)
        if set(first) & set(second):
            continue  # two values of one filter: not a combination anyone can pick
        yield pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=100.0, help="ms; slower combinations are marked")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    from sqlalchemy import select, text

    from casetrack import create_app
    from casetrack.accounts.models import User
    from casetrack.cases import queries
    from casetrack.cases.models import Case
    from casetrack.clock import local_today
    from casetrack.extensions import db

    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench"})
    rows = []
    with app.app_context():
        today = local_today()
        busiest = db.session.execute(
            select(Case.respondent_unit_id).group_by(Case.respondent_unit_id).order_by(db.func.count().desc()).limit(1)
        ).scalar()
        FILTERS["unit"] = {"unit_id": busiest}
        for username in ("bench_mediator", "bench_unit"):
            actor = db.session.scalar(select(User).where(User.username == username))
            for combo in combinations(list(FILTERS)):
                if username == "bench_unit" and "unit" in combo:
                    continue
                values = {key: value for name in combo for key, value in FILTERS[name].items()}
                filters = queries.CaseFilters(**values)
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    page = queries.page_of_cases(actor, filters, today, 7)
                    times.append((time.perf_counter() - started) * 1000)
                    db.session.rollback()
                rows.append((statistics.median(times), username, "+".join(combo) or "(none)", page.total, filters))
        rows.sort(key=lambda row: -row[0])
        slow = [row for row in rows if row[0] > args.threshold]
        print(f"{len(rows)} combinations, {len(slow)} over {args.threshold:.0f} ms; slowest {args.top}:\n")
        print("| ms | user | filters | matching |\n|---:|---|---|---:|")
        for ms, username, combo, total, _ in rows[: args.top]:
            print(f"| {ms:,.0f} | {username} | {combo} | {total:,} |")
        if args.explain and db.engine.dialect.name == "postgresql":
            for ms, username, combo, _, filters in slow:
                actor = db.session.scalar(select(User).where(User.username == username))
                stmt = queries.filtered(actor, filters, today, 7).order_by(
                    *queries.SORTS.get(filters.sort, queries.SORTS["received_desc"])
                )
                sql = stmt.limit(50).compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
                print(f"\n## {username} {combo} ({ms:,.0f} ms)")
                for (line,) in db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")):
                    print("   ", line)


if __name__ == "__main__":
    main()
