"""Risk workflow at province scale: the legal bureau's queue with 20,000 risk cases among 1,000,000, and the
nightly rescoring of every open case (time and peak memory).

    .venv/bin/python benchmarks/run_risk.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench

Adds risk cases (with task forces and action items) to the generated data set if it has fewer than --risk-cases,
times the queue through the real WSGI app, then runs the nightly rescoring. Leaves the risk rows in place
(`--clean` removes them)."""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import login, make_app, percentile  # noqa: E402

TARGET_QUEUE_P95_MS = 150
TARGET_RESCORE_S = 300


def seed_risk_cases(wanted: int, rng: random.Random) -> int:
    from sqlalchemy import delete, func, select

    from casetrack.accounts.models import User
    from casetrack.bulk import insert_rows
    from casetrack.cases.models import Case
    from casetrack.clock import local_today
    from casetrack.extensions import db
    from casetrack.risk.models import ActionItem, RiskCase, TaskForceMember

    have = db.session.scalar(select(func.count(RiskCase.id)))
    if have >= wanted:
        return have
    db.session.execute(delete(RiskCase))
    today = local_today()
    legal = (
        db.session.scalars(select(User.id).where(User.role == "legal")).all()
        or db.session.scalars(select(User.id).where(User.role == "admin")).all()
    )
    open_cases = (
        db.session.execute(select(Case.id).where(Case.is_open).order_by(func.random()).limit(wanted)).scalars().all()
    )
    states = ["pending_review"] * 4 + ["task_force"] * 4 + ["cross_off_requested", "crossed_off", "dismissed"]
    rows = [
        {
            "case_id": case_id,
            "state": rng.choice(states),
            "entered_on": today - timedelta(days=rng.randint(0, 400)),
            "entry_score": rng.randint(50, 120),
            "hand_flagged": rng.random() < 0.1,
            "version": 1,
        }
        for case_id in open_cases
    ]
    insert_rows(RiskCase.__table__, rows)
    ids = db.session.execute(select(RiskCase.id, RiskCase.state)).all()
    members, items = [], []
    for risk_id, state in ids:
        if state in ("pending_review", "dismissed"):
            continue
        lead = rng.choice(legal)
        members.append({"risk_case_id": risk_id, "user_id": lead, "side": "legal", "is_lead": True})
        for _ in range(rng.randint(1, 4)):
            due = today + timedelta(days=rng.randint(-40, 30))
            done = None if state == "task_force" and rng.random() < 0.6 else due - timedelta(days=1)
            items.append(
                {
                    "risk_case_id": risk_id,
                    "text": "补充证据材料",
                    "side": "legal",
                    "owner_id": lead,
                    "due_on": due,
                    "done_on": done,
                    "evidence": "已完成" if done else None,
                    "overdue_since": None,
                }
            )
    insert_rows(TaskForceMember.__table__, members)
    insert_rows(ActionItem.__table__, items)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE risk_cases, task_force_members, action_items, risk_scores")
    return len(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--risk-cases", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clean", action="store_true")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    app = make_app(args.database_url)
    from sqlalchemy import delete, func, select

    from casetrack.accounts.models import Unit
    from casetrack.clock import local_today
    from casetrack.extensions import db
    from casetrack.risk import services
    from casetrack.risk.models import RiskCase, RiskScore

    with app.app_context():
        if args.clean:
            db.session.execute(delete(RiskCase))
            db.session.execute(delete(RiskScore))
            db.session.commit()
            print("risk rows removed")
            return
        started = time.perf_counter()
        count = seed_risk_cases(args.risk_cases, rng)
        print(f"{count:,} risk cases in place ({time.perf_counter() - started:.1f}s)")
        unit_ids = db.session.scalars(select(Unit.id)).all()
        open_cases = db.session.scalar(select(func.count()).select_from(select(RiskCase.id).subquery()))
        del open_cases

    client = login(app, "bench_legal") if _has_user(app, "bench_legal") else login(app, "bench_mediator")
    results = []
    for name, make_url in (
        ("risk queue, first page", lambda: "/risk/"),
        ("risk queue, unit filter", lambda: f"/risk/?unit_id={rng.choice(unit_ids)}"),
        ("risk queue, overdue items", lambda: "/risk/?overdue=1"),
        ("risk queue, page 20", lambda: "/risk/?page=20"),
        ("risk ledger, first page", lambda: "/risk/ledger"),
    ):
        times = []
        for _ in range(args.requests):
            url = make_url()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        results.append((name, len(times), percentile(times, 50), percentile(times, 95)))

    with app.app_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        outcome = services.rescore(local_today())
        db.session.commit()
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        again = services.rescore(local_today())
        db.session.commit()
        elapsed_again = time.perf_counter() - start
        scored = db.session.scalar(select(func.count(RiskScore.case_id)))

    print(f"\ncasetrack risk benchmark — {args.database_url.split('@')[-1]}")
    print(f"{'operation':<34}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}  target            result")
    for name, n, p50, p95 in results:
        verdict = "PASS" if p95 <= TARGET_QUEUE_P95_MS else "FAIL"
        print(f"{name:<34}{n:>6}{p50:>10.1f}{p95:>10.1f}  p95 <= {TARGET_QUEUE_P95_MS} ms     {verdict}")
    verdict = "PASS" if elapsed <= TARGET_RESCORE_S else "FAIL"
    print(
        f"{'nightly rescoring (first run)':<34}{scored:>6,}{elapsed:>20.1f} s  <= {TARGET_RESCORE_S} s          "
        f"{verdict}  {outcome}"
    )
    print(
        f"{'nightly rescoring (second run)':<34}{'':>6}{elapsed_again:>20.1f} s  no change        "
        f"{'PASS' if again['scores_changed'] == 0 and again['entered_queue'] == 0 else 'FAIL'}  {again}"
    )
    print(f"peak RSS of this process: {peak / 1024:.0f} MB (before rescoring {before / 1024:.0f} MB)")


def _has_user(app, username: str) -> bool:
    from casetrack.accounts.services import find_user

    with app.app_context():
        return find_user(username) is not None


if __name__ == "__main__":
    main()
