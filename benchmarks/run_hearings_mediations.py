"""Time the hearing calendar, the mediation list and the daily reminder job on a data set made by
benchmarks/generate.py + benchmarks/generate_hearings_mediations.py.

    python benchmarks/run_hearings_mediations.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench

Every page request goes through the real WSGI app (Flask test client; each user logs in by GETting /login and
POSTing the form with its CSRF token), so a timing includes the user loader, the queries, lazy loads and the
template. Parameters vary between requests (start dates 2016–2026, units, liaisons of different units, search
terms) so no cache flatters a result.

The reminder job ``run_daily_reminders(today)`` runs in a fresh child process (so its peak RSS is its own),
with SMTP pointed at an aiosmtpd server this script starts on a free local port; it runs twice on the same day
(the second run must create and send nothing), and the notifications it made are deleted afterwards, so the
data set is left as it was.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import re
import socket
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import SqlMeter, code_revision, percentile  # noqa: E402  (benchmarks/run.py)
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PASSWORD = "bench-password-1"
PAGE_TARGET_MS = 150.0
JOB_TARGET_S = 60.0
COUNT_RE = re.compile(r'<p class="count">\D*([\d,]+)')
CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]*)"')
CAL_START, CAL_END = date(2016, 1, 1), date(2026, 12, 31)


def make_app(url: str):
    from casetrack import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    app.config["PROPAGATE_EXCEPTIONS"] = True
    return app


def login(app, username: str):
    """Log in the way a browser does: the form's CSRF token, then POST /login."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    tag = CSRF_RE.search(page)
    token = VALUE_RE.search(tag.group(0)).group(1) if tag else ""
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")
    return client


# --- parameters ---------------------------------------------------------------------------------------------------


def sample_parameters(app, rng: random.Random, liaisons: int) -> dict:
    from casetrack.accounts.models import Unit, User
    from casetrack.cases.models import Case
    from casetrack.extensions import db
    from casetrack.hearings.models import Hearing
    from casetrack.mediation.models import Mediation, MediationSession

    with app.app_context():
        s = db.session
        counts = {
            "cases": s.scalar(select(func.count()).select_from(Case)),
            "hearings": s.scalar(select(func.count()).select_from(Hearing)),
            "mediations": s.scalar(select(func.count()).select_from(Mediation)),
            "sessions": s.scalar(select(func.count()).select_from(MediationSession)),
        }
        if not counts["hearings"] or not counts["mediations"]:
            raise SystemExit("no hearings or mediations: run benchmarks/generate_hearings_mediations.py first")
        unit_ids = list(s.scalars(select(Unit.id)))
        # liaisons of varied units, always including the unit with the most hearings (the worst case)
        by_unit = dict(
            s.execute(
                select(User.unit_id, func.min(User.username))
                .where(User.role == "unit", User.active.is_(True))
                .group_by(User.unit_id)
            ).all()
        )
        busiest = s.scalar(
            select(Case.respondent_unit_id)
            .join(Hearing, Hearing.case_id == Case.id)
            .group_by(Case.respondent_unit_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        chosen = [busiest] if busiest in by_unit else []
        others = [u for u in by_unit if u != busiest]
        chosen += rng.sample(others, min(liaisons - len(chosen), len(others)))
        liaison_users = [by_unit[u] for u in chosen]
        max_id = s.scalar(select(func.max(Mediation.id)))
        ids = rng.sample(range(1, max_id + 1), min(2000, max_id))
        sample = s.execute(
            select(Mediation.number, Mediation.parties, Mediation.subject).where(Mediation.id.in_(ids))
        ).all()
        today = date.today()
        counts["hearings_next_30d"] = s.scalar(
            select(func.count()).select_from(Hearing).where(Hearing.held_on.between(today, today + timedelta(days=30)))
        )
        counts["open_mediations"] = s.scalar(
            select(func.count()).select_from(Mediation).where(Mediation.status == "open")
        )
        counts["busiest_unit_hearings"] = s.scalar(
            select(func.count())
            .select_from(Hearing)
            .join(Case, Case.id == Hearing.case_id)
            .where(Case.respondent_unit_id == busiest)
        )
        revision = s.scalar(text("SELECT version_num FROM alembic_version"))
        s.remove()
    return {
        "unit_ids": unit_ids,
        "liaisons": liaison_users,
        "busiest": busiest,
        "mediation_sample": sample,
        "counts": counts,
        "revision": revision,
    }


def search_term(rng: random.Random, sample: list) -> str:
    """What someone types in the mediation search box: a party's name (or part), a number piece, a subject word."""
    number, parties, subject = rng.choice(sample)
    r = rng.random()
    if r < 0.4:
        name = parties.split("、")[0]
        return name[:2] if len(name) >= 3 and rng.random() < 0.5 else name
    if r < 0.75:
        match = re.search(r"(〔\d{4}〕\d+)号$", number)
        return match.group(1) if match else number
    words = ("征收", "工伤", "行政处罚", "信息公开", "拆除", "养老保险", "宅基地", "不动产登记")
    return rng.choice(words)


def random_day(rng: random.Random) -> str:
    return (CAL_START + timedelta(days=rng.randrange((CAL_END - CAL_START).days + 1))).isoformat()


def operations(params: dict, rng: random.Random):
    units, sample = params["unit_ids"], params["mediation_sample"]
    statuses = ("open", "succeeded", "failed", "withdrawn")

    def cal(view, unit=None):
        args = {"view": view, "start": random_day(rng)}
        if unit:
            args["unit_id"] = unit
        return "/hearings/calendar?" + urlencode(args)

    def med(**args):
        return "/mediations/" + ("?" + urlencode(args) if args else "")

    return [
        ("calendar week, all units (legal)", "legal", lambda: cal("week")),
        ("calendar week, unit_id= (legal)", "legal", lambda: cal("week", rng.choice(units))),
        ("calendar month, all units (legal)", "legal", lambda: cal("month")),
        ("calendar month, unit_id= (legal)", "legal", lambda: cal("month", rng.choice(units))),
        ("calendar week (unit users)", "unit", lambda: cal("week")),
        ("calendar month (unit users)", "unit", lambda: cal("month")),
        ("mediations default page (mediator)", "mediator", lambda: med()),
        (
            "mediations status+unit (mediator)",
            "mediator",
            lambda: med(status=rng.choice(statuses), unit_id=rng.choice(units)),
        ),
        ("mediations q= (mediator)", "mediator", lambda: med(q=search_term(rng, sample))),
        ("mediations idle=1 (mediator)", "mediator", lambda: med(idle=1)),
    ]


# --- page timing --------------------------------------------------------------------------------------------------


def time_pages(
    app, meter, params: dict, rng: random.Random, requests: int, only: str | None, explain: bool, slowest: int
) -> list[dict]:
    clients = {
        "legal": [login(app, "bench_legal")],
        "mediator": [login(app, "bench_mediator")],
        "unit": [login(app, name) for name in params["liaisons"]],
    }
    results = []
    for name, who, make_url_ in operations(params, rng):
        if only and not any(part.strip() in name for part in only.split(",")):
            continue
        pool = clients[who]
        for i in range(3):  # warm-up: templates compiled, connections pooled
            pool[i % len(pool)].get(make_url_())
        if explain:
            explain_request(app, meter, pool[0], make_url_(), name)
        durations, sql_ms, statements, matched, samples = [], [], [], [], []
        for i in range(requests):
            client = pool[i % len(pool)]
            url = make_url_()
            meter.reset()
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            durations.append(elapsed)
            sql_ms.append(meter.seconds * 1000)
            statements.append(meter.count)
            samples.append((elapsed, meter.seconds * 1000, url))
            found = COUNT_RE.search(response.get_data(as_text=True))
            if found:
                matched.append(int(found.group(1).replace(",", "")))
        p95 = percentile(durations, 95)
        r = {
            "operation": name,
            "n": requests,
            "p50": statistics.median(durations),
            "p95": p95,
            "sql_p50": statistics.median(sql_ms),
            "queries": statistics.median(statements),
            "matched": int(statistics.median(matched)) if matched else None,
            "matched_max": max(matched) if matched else None,
            "target": f"p95 <= {PAGE_TARGET_MS:.0f} ms",
            "pass": p95 <= PAGE_TARGET_MS,
        }
        results.append(r)
        for total_ms, sql, slow_url in sorted(samples, reverse=True)[:slowest]:
            print(f"      slow: {total_ms:7.1f} ms (sql {sql:6.1f} ms) {unquote(slow_url)}")
        print(
            f"  {name:38} p50 {r['p50']:7.1f} ms  p95 {p95:7.1f} ms  (sql p50 {r['sql_p50']:.1f} ms, "
            f"{r['queries']:.0f} queries, matched median {r['matched']}, max {r['matched_max']})",
            flush=True,
        )
    return results


def explain_request(app, meter, client, url: str, name: str) -> None:
    from casetrack.extensions import db

    meter.capture = []
    client.get(url)
    captured, meter.capture = meter.capture, None
    print(f"\n=== {name}: {unquote(url)}")
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in captured:
                if "hearings" not in statement and "mediations" not in statement:
                    continue
                print("--- " + " ".join(statement.split())[:600])
                print(f"    params: {parameters}")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                for row in cursor.fetchall():
                    print("    " + " | ".join(str(c) for c in row))
            raw.rollback()
        finally:
            raw.close()
    print(flush=True)


# --- the reminder job -----------------------------------------------------------------------------------------


class CountingHandler:
    """An SMTP sink: counts what it accepts and throws it away."""

    def __init__(self):
        self.messages = 0
        self.bytes = 0
        self.recipients: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.content or b"")
        self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _max_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since start or since the last reset) from /proc/self/status, in MB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets VmHWM, so the peak measured next is the job's own."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def reminder_child(url: str, host: str, port: int, today_iso: str, queue) -> None:
    """Runs in a fresh process: app start, then run_daily_reminders twice, timed, with per-phase timings."""
    try:
        logging.basicConfig(level=logging.WARNING)
        today = date.fromisoformat(today_iso)
        app = make_app(url)
        app.config["CASETRACK_SMTP_HOST"] = host
        app.config["CASETRACK_SMTP_PORT"] = port
        from casetrack.extensions import db
        from casetrack.notifications import services, tasks
        from casetrack.notifications.models import Notification

        phases: dict[str, float] = {}

        def timed(label, fn):
            def wrapper(*a, **k):
                started = time.perf_counter()
                try:
                    return fn(*a, **k)
                finally:
                    phases[label] = phases.get(label, 0.0) + time.perf_counter() - started

            return wrapper

        services.collect_reminders = timed("collect", services.collect_reminders)
        services.create_notifications = timed("create", services.create_notifications)
        services.plan_digests = timed("plan", services.plan_digests)
        tasks._deliver_digest = timed("send", tasks._deliver_digest)

        runs = []
        with app.app_context():
            db.session.execute(text("SELECT 1"))  # connect before the clock starts, as a worker would have
            db.session.remove()
        rss_before = _max_rss_mb()
        rss_now = _status_mb("VmRSS")
        reset = _reset_peak_rss()
        for _ in range(2):
            phases.clear()
            with app.app_context():
                started = time.perf_counter()
                result = tasks.run_daily_reminders(today)
                wall = time.perf_counter() - started
                db.session.remove()
            peak = _status_mb("VmHWM") if reset else _max_rss_mb()
            runs.append({"result": result, "wall": wall, "phases": dict(phases), "peak_rss_mb": peak})
        with app.app_context():
            by_kind = dict(
                db.session.execute(
                    select(Notification.kind, func.count())
                    .where(Notification.on_day == today)
                    .group_by(Notification.kind)
                ).all()
            )
            emailed = db.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.on_day == today, Notification.emailed_at.is_not(None))
            )
            recipients = db.session.scalar(
                select(func.count(func.distinct(Notification.user_id))).where(Notification.on_day == today)
            )
            db.session.remove()
        queue.put(
            {
                "runs": runs,
                "rss_before_mb": rss_before,
                "rss_now_mb": rss_now,
                "by_kind": by_kind,
                "emailed": emailed,
                "recipients": recipients,
            }
        )
    except BaseException as error:  # report, don't hang the parent
        import traceback

        queue.put({"error": f"{error!r}\n{traceback.format_exc()}"})


def time_reminders(app, url: str, today: date) -> list[dict]:
    from aiosmtpd.controller import Controller

    from casetrack.extensions import db
    from casetrack.notifications.models import Notification

    with app.app_context():
        max_before = db.session.scalar(select(func.coalesce(func.max(Notification.id), 0)))
        already = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.on_day == today))
        db.session.remove()
    if already:
        print(f"  note: {already:,} notifications for {today} exist before the run (left from an earlier run?)")
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, data_size_limit=64 * 1024 * 1024)
    controller.start()
    print(f"  SMTP sink (aiosmtpd) on 127.0.0.1:{port}; job day {today}", flush=True)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    try:
        child = ctx.Process(target=reminder_child, args=(url, "127.0.0.1", port, today.isoformat(), queue))
        child.start()
        outcome = queue.get(timeout=1800)
        child.join(60)
    finally:
        controller.stop()
        with app.app_context():
            deleted = db.session.execute(text("DELETE FROM notifications WHERE id > :m"), {"m": max_before}).rowcount
            db.session.commit()
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM (ANALYZE) notifications"))
        print(f"  cleaned up: deleted the {deleted:,} notifications the job made", flush=True)
    if "error" in outcome:
        raise SystemExit("reminder job failed:\n" + outcome["error"])
    first, second = outcome["runs"]
    r1, r2 = first["result"], second["result"]
    kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(outcome["by_kind"].items()))
    phases = ", ".join(f"{k} {v:.1f}s" for k, v in first["phases"].items())
    print(
        f"  run 1: {first['wall']:.1f}s ({phases}); {r1}; notifications by kind: {kinds}; "
        f"{outcome['recipients']:,} recipients; SMTP sink accepted {handler.messages:,} messages "
        f"({handler.bytes / 1e6:.1f} MB) for {len(handler.recipients):,} addresses",
        flush=True,
    )
    print(f"  run 2: {second['wall']:.1f}s; {r2}", flush=True)
    print(
        f"  peak RSS during run 1: {first['peak_rss_mb']:.0f} MB (RSS before the job {outcome['rss_now_mb']:.0f} MB; "
        f"app start had peaked at {outcome['rss_before_mb']:.0f} MB)",
        flush=True,
    )
    return [
        {
            "operation": "run_daily_reminders (1st run)",
            "n": 1,
            "seconds": first["wall"],
            "target": f"< {JOB_TARGET_S:.0f} s",
            "pass": first["wall"] < JOB_TARGET_S and r1["emails_failed"] == 0,
            "note": f"created {r1['created']:,}, e-mails sent {r1['emails_sent']:,} (sink got {handler.messages:,}), "
            f"failed {r1['emails_failed']}; peak RSS {first['peak_rss_mb']:.0f} MB",
        },
        {
            "operation": "run_daily_reminders (2nd run, same day)",
            "n": 1,
            "seconds": second["wall"],
            "target": "creates 0, sends 0",
            "pass": r2["created"] == 0 and r2["emails_sent"] == 0 and r2["emails_failed"] == 0,
            "note": f"created {r2['created']}, e-mails sent {r2['emails_sent']}",
        },
    ]


# --- output -------------------------------------------------------------------------------------------------------


def print_table(title: str, results: list[dict]) -> None:
    print()
    print(title)
    header = (
        f"{'operation':40} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'sql p50':>8} {'q/req':>5} {'matched':>8}  "
        f"{'target':18} result"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if r.get("seconds") is not None:
            timing = f"{r['seconds'] * 1000:8.0f} {'':>8} {'':>8} {'':>5} {'':>8}"
        else:
            matched = f"{r['matched']:8,}" if r.get("matched") is not None else f"{'':>8}"
            timing = f"{r['p50']:8.1f} {r['p95']:8.1f} {r['sql_p50']:8.1f} {r['queries']:5.0f} {matched}"
        verdict = {True: "PASS", False: "FAIL", None: "-"}[r["pass"]]
        note = f"  ({r['note']})" if r.get("note") else ""
        print(f"{r['operation']:40} {r['n']:>4} {timing}  {r['target']:18} {verdict}{note}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page operation")
    parser.add_argument("--liaisons", type=int, default=20, help="unit users (of different units) to rotate")
    parser.add_argument("--only", help="only the page operations whose name contains one of these (comma-separated)")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-reminders", action="store_true")
    parser.add_argument("--today", type=date.fromisoformat, help="the reminder job's day (default: today in Shanghai)")
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest requests of each operation")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of one request per operation")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING)
    backend = make_url(args.database_url).get_backend_name()
    rng = random.Random(args.seed)
    app = make_app(args.database_url)
    from casetrack.clock import local_today
    from casetrack.extensions import db

    with app.app_context():
        meter = SqlMeter(db.engine)
    params = sample_parameters(app, rng, args.liaisons)
    c = params["counts"]
    print(
        f"{backend}: {c['cases']:,} cases, {c['hearings']:,} hearings ({c['hearings_next_30d']:,} in the next 30 "
        f"days), {c['mediations']:,} mediations ({c['open_mediations']:,} open), {c['sessions']:,} sessions; "
        f"{len(params['liaisons'])} unit users incl. the unit with the most hearings "
        f"({params['busiest']}: {c['busiest_unit_hearings']:,})",
        flush=True,
    )

    load_start = os.getloadavg()
    results = []
    if not args.skip_pages:
        results += time_pages(app, meter, params, rng, args.requests, args.only, args.explain, args.slowest)
    if not args.skip_reminders:
        results += time_reminders(app, args.database_url, args.today or local_today())
    load_end = os.getloadavg()
    print(f"\ncode: {code_revision()}; database at migration {params['revision']}")
    print_table(
        f"casetrack hearings/mediation/reminders — {backend}, {c['cases']:,} cases, {c['hearings']:,} "
        f"hearings, {c['mediations']:,} mediations ({time.strftime('%Y-%m-%d %H:%M')}; load average "
        f"{load_start[0]:.1f} at start, {load_end[0]:.1f} at end, {os.cpu_count()} CPUs)",
        results,
    )
    print(
        "p50/p95: wall time of the whole request through the WSGI app; sql p50: time inside the database driver; "
        "q/req: statements per request; matched: median hearings/mediations shown or counted; job rows: wall "
        "time in the p50 column (ms)"
    )


if __name__ == "__main__":
    main()
