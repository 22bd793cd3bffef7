"""The figures of a full year (SPEC section 3) at province scale, beside a hand-written SQL baseline (SPEC section 6).

    python benchmarks/run_figures.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench
    python benchmarks/run_figures.py --database-url sqlite:////work/main/benchmarks/out/bench.sqlite3

Times, through the app (``create_app`` + app context, a fresh session each repetition), ``--repeat`` times each
after one untimed warm-up run:

* ``figures(Period.year(Y), Period.year(Y - 1))``: the district;
* ``figures_by_unit(...)``: every unit;
* both together (what the annual report needs), and ``reports.services.annual_report(Y)`` itself;
* the baseline: one hand-written SQL statement per table (cases, hearings, mediations), each a single pass
  computing every count of both years grouped per unit; the district is the sum of the unit rows (on PostgreSQL
  with JIT off for its transaction: the wide cases statement would otherwise spend ~0.1 s compiling);
* for information (not judged), ``monthly_figures(Y)``: the trend of the Markdown/Word report (``--no-trend``).

Each round runs every operation once (interleaved, so load from elsewhere hits all alike); the median and max of
the rounds are reported, with the median time inside ``cursor.execute()``.

Targets: each app operation median <= 2 s and <= 3 x the baseline median. The baseline's counts must equal what
figures() / figures_by_unit() / annual_report() return, for the district and every unit; any difference is
printed and the script exits with status 1. Y defaults to the year with the most data (cases received and
concluded, hearings, mediations concluded). The table goes to stdout and to benchmarks/out/figures-<backend>.md
(``--output``); ``--explain`` adds the query plans of the app's statements and of the baseline's.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Date, bindparam, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
TARGET_S = 2.0
TARGET_FACTOR = 3.0

# --- the baseline: one hand-written statement per table --------------------------------------------------------
# Outcomes written out from SPEC section 2 (not imported from casetrack), so the check is independent of the code:
# corrected (纠错) review outcomes: 撤销 变更 确认违法 确认无效 责令履行; lost (败诉) litigation ones: the same + 赔偿.
CORRECTED = "('revoked', 'varied', 'confirmed_illegal', 'confirmed_invalid', 'ordered_to_perform')"
LOST = "('revoked', 'varied', 'confirmed_illegal', 'confirmed_invalid', 'ordered_to_perform', 'compensation')"
# 行政赔偿 claims decided in the claimant's favour, in whole or in part (予以赔偿, 部分赔偿).
GRANTED = "('granted', 'partly_granted')"

# Both years in one pass, per unit; the WHERE keeps the pass to the two years' rows (the CASE columns alone would
# give the same counts without it, but SQLite then evaluates them on every row: 2.5x slower).
BASELINE_CASES = f"""
SELECT respondent_unit_id AS unit_id,
  SUM(CASE WHEN kind = 'review' AND received_on BETWEEN :cs AND :ce THEN 1 ELSE 0 END) AS review_new,
  SUM(CASE WHEN kind = 'review' AND concluded_on BETWEEN :cs AND :ce THEN 1 ELSE 0 END) AS review_concluded,
  SUM(CASE WHEN kind = 'review' AND concluded_on BETWEEN :cs AND :ce AND outcome IN {CORRECTED}
      THEN 1 ELSE 0 END) AS review_corrected,
  SUM(CASE WHEN kind = 'litigation' AND instance = 'first' AND received_on BETWEEN :cs AND :ce
      THEN 1 ELSE 0 END) AS litigation_new,
  SUM(CASE WHEN kind = 'litigation' AND instance = 'first' AND concluded_on BETWEEN :cs AND :ce
      THEN 1 ELSE 0 END) AS litigation_concluded,
  SUM(CASE WHEN kind = 'litigation' AND instance = 'first' AND concluded_on BETWEEN :cs AND :ce
      AND outcome IN {LOST} THEN 1 ELSE 0 END) AS litigation_lost,
  SUM(CASE WHEN kind = 'review' AND received_on BETWEEN :ps AND :pe THEN 1 ELSE 0 END) AS prev_review_new,
  SUM(CASE WHEN kind = 'review' AND concluded_on BETWEEN :ps AND :pe THEN 1 ELSE 0 END) AS prev_review_concluded,
  SUM(CASE WHEN kind = 'review' AND concluded_on BETWEEN :ps AND :pe AND outcome IN {CORRECTED}
      THEN 1 ELSE 0 END) AS prev_review_corrected,
  SUM(CASE WHEN kind = 'litigation' AND instance = 'first' AND received_on BETWEEN :ps AND :pe
      THEN 1 ELSE 0 END) AS prev_litigation_new,
  SUM(CASE WHEN kind = 'litigation' AND instance = 'first' AND concluded_on BETWEEN :ps AND :pe
      THEN 1 ELSE 0 END) AS prev_litigation_concluded,
  SUM(CASE WHEN kind = 'litigation' AND instance = 'first' AND concluded_on BETWEEN :ps AND :pe
      AND outcome IN {LOST} THEN 1 ELSE 0 END) AS prev_litigation_lost,
  SUM(CASE WHEN kind = 'compensation' AND received_on BETWEEN :cs AND :ce THEN 1 ELSE 0 END) AS compensation_new,
  SUM(CASE WHEN kind = 'compensation' AND concluded_on BETWEEN :cs AND :ce THEN 1 ELSE 0 END)
      AS compensation_concluded,
  SUM(CASE WHEN kind = 'compensation' AND concluded_on BETWEEN :cs AND :ce AND outcome IN {GRANTED}
      THEN 1 ELSE 0 END) AS compensation_granted,
  SUM(CASE WHEN kind = 'compensation' AND concluded_on BETWEEN :cs AND :ce AND outcome IN {GRANTED}
      THEN amount_granted_fen ELSE 0 END) AS compensation_amount_granted,
  SUM(CASE WHEN kind = 'compensation' AND received_on BETWEEN :ps AND :pe THEN 1 ELSE 0 END)
      AS prev_compensation_new
FROM cases
WHERE received_on BETWEEN :ps AND :ce OR concluded_on BETWEEN :ps AND :ce
GROUP BY respondent_unit_id
"""

# Only hearings already held count (:he is the period's end or today, whichever is earlier, in the app's time zone):
# one scheduled for next week is not yet a hearing nobody appeared at.
# CROSS JOIN: SQLite then drives from the year's hearings (its own choice, no statistics, walks every litigation
# case instead: 5x slower); PostgreSQL plans it as the inner join it is.
BASELINE_HEARINGS = """
SELECT c.respondent_unit_id AS unit_id,
  COUNT(DISTINCT h.case_id) AS appearance_required,
  COUNT(DISTINCT CASE WHEN h.appeared THEN h.case_id END) AS appearance_appeared
FROM hearings h CROSS JOIN cases c
WHERE c.id = h.case_id AND h.held_on BETWEEN :cs AND :he AND c.kind = 'litigation'
GROUP BY c.respondent_unit_id
"""

# Only concluded_on in the WHERE, so SQLite takes the concluded_on index (with status there too it picks the
# status index and reads every concluded mediation: 4x slower).
BASELINE_MEDIATIONS = """
SELECT respondent_unit_id AS unit_id,
  SUM(CASE WHEN status IN ('succeeded', 'failed') THEN 1 ELSE 0 END) AS mediation_concluded,
  SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END) AS mediation_succeeded
FROM mediations
WHERE concluded_on BETWEEN :cs AND :ce
GROUP BY respondent_unit_id
"""

BASELINE = {"cases": BASELINE_CASES, "hearings": BASELINE_HEARINGS, "mediations": BASELINE_MEDIATIONS}
CASE_KEYS = (
    "review_new",
    "review_concluded",
    "review_corrected",
    "litigation_new",
    "litigation_concluded",
    "litigation_lost",
    "compensation_new",
    "compensation_concluded",
    "compensation_granted",
    "compensation_amount_granted",
)


def make_app(url: str):
    from casetrack import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})


def bound(sql: str):
    return text(sql).bindparams(
        *(bindparam(name, type_=Date) for name in ("cs", "ce", "he", "ps", "pe") if f":{name}" in sql)
    )


def period_params(start: date, end: date, previous_start: date, previous_end: date) -> dict:
    """Bind values of the baseline: the period (cs..ce), the one compared with (ps..pe, earlier) and the last day
    a hearing counts (he: only hearings already held, so the period's end or today, whichever is earlier)."""
    from casetrack.clock import local_today

    return {"cs": start, "ce": end, "he": min(end, local_today()), "ps": previous_start, "pe": previous_end}


def year_params(year: int) -> dict:
    return period_params(date(year, 1, 1), date(year, 12, 31), date(year - 1, 1, 1), date(year - 1, 12, 31))


def report_params(year: int) -> tuple[dict, str | None]:
    """What annual_report(year) covers: the whole year against the whole year before, but a running year only
    up to today, against the same days a year earlier (its "through"). The 29 February of a running leap year
    is compared up to 28 February."""
    from casetrack.clock import local_today

    today = local_today()
    if not date(year, 1, 1) <= today < date(year, 12, 31):
        return year_params(year), None
    earlier = date(year - 1, 2, 28) if (today.month, today.day) == (2, 29) else today.replace(year=year - 1)
    return period_params(date(year, 1, 1), today, date(year - 1, 1, 1), earlier), today.isoformat()


def baseline(year: int, params: dict | None = None) -> dict:
    """{"district": counts, "units": {unit_id: counts}} from the three hand-written statements; counts as the keys
    of casetrack.stats.queries (plus prev_* for the previous period's case counts). ``params``: other periods than
    the year and the year before (period_params)."""
    from casetrack.extensions import db

    params = params or year_params(year)
    if db.engine.dialect.name == "postgresql":
        # The wide scan crosses jit_above_cost and PostgreSQL then spends ~0.1 s compiling it; the app's
        # statements stay under the threshold. The cheapest hand-written way turns JIT off for this transaction.
        db.session.execute(text("SET LOCAL jit = off"))
    units: dict = {}
    for _table, sql in BASELINE.items():
        stmt = bound(sql)
        for row in db.session.execute(stmt, {k: v for k, v in params.items() if f":{k}" in sql}).mappings():
            target = units.setdefault(row["unit_id"], {})
            for key, value in row.items():
                if key != "unit_id":
                    target[key] = int(value or 0)
    district: dict = {}
    for counts in units.values():
        for key, value in counts.items():
            district[key] = district.get(key, 0) + value
    return {"district": district, "units": units}


def shaped(counts: dict) -> dict:
    """Baseline counts in the figures() shape (the same pure arithmetic of casetrack.stats.rules)."""
    from casetrack.stats.rules import shape_figures

    def get(key):
        return counts.get(key, 0)

    from casetrack.stats import figures as registry

    # Sections the baseline does not count (linked cases, 听证, the closing-the-loop tables) are shaped from zeros
    # and left out of the comparison (BASELINE_SECTIONS).
    now = {figure.sql_label: 0 for figure in registry.counted()}
    now.update({k: get(k) for k in (*CASE_KEYS, "appearance_required", "appearance_appeared")})
    now.update({k: get(k) for k in ("mediation_concluded", "mediation_succeeded")})
    before = {figure.sql_label: 0 for figure in registry.counted()}
    before.update({k: get("prev_" + k) for k in CASE_KEYS})
    shaped_figures = shape_figures(now, before)
    return {code: values for code, values in shaped_figures.items() if code in BASELINE_SECTIONS}


#: The sections the hand-written baseline counts.
BASELINE_SECTIONS = ("review", "litigation", "compensation", "appearance", "mediation")


def differences(label: str, expected: dict, actual: dict, prefix: str = "") -> list[str]:
    if not prefix:
        from casetrack.stats import figures as registry

        uncounted = {section.code for section in registry.SECTIONS} - set(BASELINE_SECTIONS)
        uncounted.add("suggestions_by_type")
        actual = {key: value for key, value in actual.items() if key not in uncounted}
    out = []
    for key in sorted(set(expected) | set(actual)):
        e, a = expected.get(key), actual.get(key)
        if isinstance(e, dict) and isinstance(a, dict):
            out += differences(label, e, a, f"{prefix}{key}.")
        elif e != a:
            out.append(f"{label}: {prefix}{key}: baseline {e!r}, app {a!r}")
    return out


# --- measuring ------------------------------------------------------------------------------------------------


class Meter:
    """Counts statements and the time spent in the driver (optionally keeps the statements) on the app's engine."""

    def __init__(self, engine):
        self.count = 0
        self.seconds = 0.0
        self.capture: list | None = None
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.count, self.seconds = 0, 0.0

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        conn.info["bench_started"] = time.perf_counter()
        if self.capture is not None:
            self.capture.append((statement, parameters))

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.seconds += time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())


def run_once(app, meter: Meter, fn) -> tuple[float, float, int, object]:
    """(wall seconds, SQL seconds, statements, result) of fn() in a fresh app context and session."""
    from casetrack.extensions import db

    with app.app_context():
        meter.reset()
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
        db.session.remove()
    return elapsed, meter.seconds, meter.count, result


def time_all(app, meter: Meter, operations: list, repeat: int) -> dict:
    """One untimed warm-up of each operation, then ``repeat`` rounds running each operation once per round
    (interleaved, so a burst of load from elsewhere on the machine hits every operation alike)."""
    results = {}
    for key, _label, fn, _role in operations:
        warmup, _sql, _count, _result = run_once(app, meter, fn)
        results[key] = {"warmup": warmup, "runs": [], "sql": []}
    for _round in range(repeat):
        for key, _label, fn, _role in operations:
            elapsed, sql, count, result = run_once(app, meter, fn)
            r = results[key]
            r["runs"].append(elapsed)
            r["sql"].append(sql)
            r["statements"], r["result"] = count, result
    for r in results.values():
        r["median"], r["max"], r["sql_median"] = (
            statistics.median(r["runs"]),
            max(r["runs"]),
            statistics.median(r["sql"]),
        )
    return results


def pick_year(app) -> tuple[int, dict]:
    """The finished year with the most data (cases received + concluded, hearings held, mediations concluded) whose
    previous year also has cases. The running year is left out: it is not a full year, and annual_report() stops
    it at today (compared with the same days a year earlier)."""
    from casetrack.clock import local_today
    from casetrack.extensions import db

    with app.app_context():
        backend = db.engine.dialect.name

        def per_year(table: str, column: str) -> dict[int, int]:
            year = (
                f"CAST(strftime('%Y', {column}) AS INTEGER)" if backend == "sqlite" else f"extract(year from {column})"
            )
            sql = f"SELECT {year} AS y, COUNT(*) FROM {table} WHERE {column} IS NOT NULL GROUP BY 1"
            return {int(y): n for y, n in db.session.execute(text(sql))}

        parts = [
            per_year("cases", "received_on"),
            per_year("cases", "concluded_on"),
            per_year("hearings", "held_on"),
            per_year("mediations", "concluded_on"),
        ]
        db.session.remove()
    totals: dict[int, int] = {}
    for part in parts:
        for y, n in part.items():
            totals[y] = totals.get(y, 0) + n
    candidates = [y for y in totals if parts[0].get(y - 1)]
    finished = [y for y in candidates if y < local_today().year]
    year = max(finished or candidates, key=lambda y: (totals[y], y))
    return year, {"cases received": parts[0], "cases concluded": parts[1], "hearings": parts[2], "mediations": parts[3]}


def counts(app) -> dict:
    from casetrack.extensions import db

    with app.app_context():
        out = {
            t: db.session.scalar(text(f"SELECT COUNT(*) FROM {t}"))
            for t in ("cases", "hearings", "mediations", "units")
        }
        out["revision"] = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.remove()
    return out


def explain(app, meter: Meter, year: int) -> list[str]:
    """Query plans of every statement figures() + figures_by_unit() issue, and of the baseline."""
    from casetrack.extensions import db
    from casetrack.stats.queries import Period, figures, figures_by_unit

    lines = []
    with app.app_context():
        backend = db.engine.dialect.name
        meter.capture = []
        figures(Period.year(year), Period.year(year - 1))
        figures_by_unit(Period.year(year), Period.year(year - 1))
        captured, meter.capture = meter.capture, None
        db.session.remove()
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if backend == "postgresql" else "EXPLAIN QUERY PLAN "
        params = year_params(year)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in captured:
                if "FROM units" in statement and "GROUP BY" not in statement:
                    continue
                lines.append("--- " + " ".join(statement.split())[:600])
                lines.append(f"    params: {parameters}")
                cursor.execute(prefix + statement, parameters)
                for row in cursor.fetchall():
                    lines.append("    " + " | ".join(str(c) for c in row))
            raw.rollback()
        finally:
            raw.close()
        if backend == "postgresql":
            db.session.execute(text("SET LOCAL jit = off"))  # as baseline() runs them
        for name, sql in BASELINE.items():
            lines.append(f"--- baseline {name}: " + " ".join(sql.split())[:600])
            for row in db.session.execute(bound(prefix + sql), {k: v for k, v in params.items() if f":{k}" in sql}):
                lines.append("    " + " | ".join(str(c) for c in row))
        db.session.remove()
    return lines


def code_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "casetrack", "migrations"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"git {head}" + (" + uncommitted changes in casetrack/ or migrations/" if dirty else "")


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each operation (after one warm-up)")
    parser.add_argument("--year", type=int, help="default: the year with the most data")
    parser.add_argument(
        "--output", type=Path, help="where to write the table (default benchmarks/out/figures-<backend>.md)"
    )
    parser.add_argument("--explain", action="store_true", help="print the query plans of the statements")
    parser.add_argument(
        "--no-trend", dest="trend", action="store_false", help="skip timing monthly_figures(Y) (informational)"
    )
    parser.add_argument(
        "--upgrade", action="store_true", help="apply new migrations to the data set first (the code may be newer)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    logging.basicConfig(level=logging.WARNING)
    backend = make_url(args.database_url).get_backend_name()
    app = make_app(args.database_url)
    logging.getLogger().setLevel(logging.WARNING)
    from casetrack.extensions import db
    from casetrack.reports.services import annual_report
    from casetrack.stats.queries import Period, figures, figures_by_unit, monthly_figures

    with app.app_context():
        if args.upgrade:
            from flask_migrate import upgrade

            upgrade()
        meter = Meter(db.engine)
    size = counts(app)
    if args.year:
        year, _per_year = args.year, None
    else:
        year, per_year = pick_year(app)
        print("data per year: " + ", ".join(f"{y}: {sum(p.get(y, 0) for p in per_year.values()):,}"
                                            for y in sorted(per_year["cases received"])))  # fmt: skip
    period, previous = Period.year(year), Period.year(year - 1)
    print(
        f"{backend}: {size['cases']:,} cases, {size['hearings']:,} hearings, {size['mediations']:,} mediations, "
        f"{size['units']} units (migration {size['revision']}); year {year} against {year - 1}; "
        f"{args.repeat} timed runs after one warm-up",
        flush=True,
    )

    def both():
        return figures(period, previous), figures_by_unit(period, previous)

    # key, label, function, role: "target" (judged), "info" (shown, not judged), "baseline"
    operations = [
        ("district", "district: figures(Y, Y-1)", lambda: figures(period, previous), "target"),
        ("units", "every unit: figures_by_unit(Y, Y-1)", lambda: figures_by_unit(period, previous), "target"),
        ("both", "district + every unit (figures + figures_by_unit)", both, "target"),
        ("report", "annual_report(Y)", lambda: annual_report(year), "target"),
        ("baseline", "baseline: 3 hand-written SQL statements (cases, hearings, mediations)", lambda: baseline(year),
         "baseline"),
    ]  # fmt: skip
    if args.trend:
        operations.append(
            ("trend", "monthly_figures(Y): 12 months (the md/docx report's trend)", lambda: monthly_figures(year),
             "info")
        )  # fmt: skip
    load_start, uptime_start = os.getloadavg(), uptime()
    results = time_all(app, meter, operations, args.repeat)
    for key, label, _fn, _role in operations:
        r = results[key]
        print(
            f"  {label:70} median {r['median']:7.3f} s (SQL {r['sql_median']:6.3f} s)  max {r['max']:7.3f} s  "
            f"warm-up {r['warmup']:7.3f} s  ({r['statements']} statements; runs "
            f"{', '.join(f'{x:.3f}' for x in r['runs'])})",
            flush=True,
        )
    load_end, uptime_end = os.getloadavg(), uptime()

    # --- correctness: the baseline's numbers against the app's -------------------------------------------------
    base = results["baseline"]["result"]
    district = results["district"]["result"]
    district_both, by_unit = results["both"]["result"]
    report = results["report"]["result"]
    with app.app_context():
        unit_names = dict(db.session.execute(text("SELECT id, name FROM units")).all())
        db.session.remove()
    problems = differences("district figures()", shaped(base["district"]), district)
    problems += differences("district figures() (second call)", shaped(base["district"]), district_both)
    for unit_id in sorted(set(unit_names) | (set(base["units"]) - {None})):
        expected = shaped(base["units"].get(unit_id, {}))
        problems += differences(f"unit {unit_id} figures_by_unit()", expected, by_unit.get(unit_id, {}))
    report_units = {row["unit"]: row for row in report["by_unit"]}
    with app.app_context():
        params, through = report_params(year)
        report_base = base if through is None else baseline(year, params)  # a running year: other days, untimed
        db.session.remove()
    problems += differences(
        "annual_report() district",
        {"year": year, **({"through": through} if through else {}), **shaped(report_base["district"])},
        {k: v for k, v in report.items() if k != "by_unit"},
    )
    for unit_id, name in unit_names.items():
        expected = {"unit": name, **shaped(report_base["units"].get(unit_id, {}))}
        problems += differences(f"annual_report() unit {name}", expected, report_units.get(name, {}))
    if len(report["by_unit"]) != len(unit_names):
        problems.append(f"annual_report(): {len(report['by_unit'])} unit rows for {len(unit_names)} units")

    # --- the table -------------------------------------------------------------------------------------------------
    base_median = results["baseline"]["median"]
    limit = min(TARGET_S, TARGET_FACTOR * base_median)
    why = "given with --year" if args.year else "the finished year with the most data"
    if report_params(year)[1]:
        why += "; still running: annual_report() covers it up to today, against the same days a year earlier"
    lines = [
        f"## Figures for a full year — {backend}, {size['cases']:,} cases, {size['hearings']:,} hearings, "
        f"{size['mediations']:,} mediations, {size['units']} units",
        "",
        f"Y = {year} ({why}), against {year - 1}; {args.repeat} timed runs of each after one untimed warm-up, "
        f"{time.strftime('%Y-%m-%d %H:%M')}; code {code_revision()}, database at migration {size['revision']}.",
        f"Machine: {os.cpu_count()} CPUs, shared; load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end "
        f"(`uptime` before: {uptime_start}; after: {uptime_end}).",
        "",
        "| operation | median s | max s | target | result |",
        "|---|---:|---:|---|---|",
    ]
    for key, label, _fn, role in operations:
        r = results[key]
        if role == "baseline":
            target, verdict = "(reference)", "-"
        elif role == "info":
            target, verdict = "(not judged)", f"{r['median'] / base_median:.1f}× baseline"
        else:
            target = f"≤ {TARGET_S:.0f} s and ≤ {TARGET_FACTOR:.0f}× baseline (= {TARGET_FACTOR * base_median:.3f} s)"
            verdict = "PASS" if r["median"] <= limit else "FAIL"
            verdict += f" ({r['median'] / base_median:.1f}× baseline)"
        lines.append(f"| {label} | {r['median']:.3f} | {r['max']:.3f} | {target} | {verdict} |")
    lines += [
        "",
        "Runs are interleaved (each round runs every operation once). SQL statements per run: "
        + "; ".join(f"{key} {results[key]['statements']}" for key in results)
        + ". Median time inside cursor.execute() (PostgreSQL: the whole statement; SQLite: up to the first row, the "
        "rest is stepped while fetching): "
        + "; ".join(f"{key} {results[key]['sql_median']:.3f} s" for key in results)
        + ". Warm-up run: "
        + "; ".join(f"{key} {results[key]['warmup']:.3f} s" for key in results)
        + ".",
        "",
        "Correctness: "
        + (
            f"the baseline's counts equal figures(), figures_by_unit() and annual_report() for the district and all "
            f"{len(unit_names)} units."
            if not problems
            else f"{len(problems)} MISMATCHES between the baseline and the app (see stderr)."
        ),
    ]
    table = "\n".join(lines)
    print()
    print(table)
    path = args.output or OUT / f"figures-{backend}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(table + "\n", encoding="utf-8")
    print(f"\n(written to {path})")

    if args.explain:
        print("\n".join(["", "Query plans:", *explain(app, meter, year)]))

    if problems:
        print(f"\nMISMATCH: the baseline and the app disagree ({len(problems)} differences):", file=sys.stderr)
        for problem in problems[:50]:
            print("  " + problem, file=sys.stderr)
        if len(problems) > 50:
            print(f"  ... and {len(problems) - 50} more", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
