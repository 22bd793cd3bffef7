"""Load through a real server: gunicorn serving casetrack as `make run` does (2 workers × 4 threads), N clients
logged in through the login form as several roles and units, each running a weighted mix of the pages people
open — lists with their filters, searches of 1, 2 and 3+ characters, case pages, the hearing calendar, the risk
queue, the dashboard and the API figures — for a bounded time. Prints p50/p95/p99 per page, requests/s, errors,
the load average during the run and the CPU the client itself used (so a saturated client is not mistaken for a
slow server).

    DB=postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_bench
    .venv/bin/python benchmarks/generate.py --database-url $DB --fresh
    .venv/bin/python benchmarks/generate_hearings_mediations.py --database-url $DB
    .venv/bin/python benchmarks/load.py --database-url $DB --clients 1 --seconds 60
    .venv/bin/python benchmarks/load.py --database-url $DB --clients 8 --seconds 60

The database must hold generate.py's users (bench_mediator, bench_leader, bench_legal, bench_unit; password
bench-password-1); SQLite URLs work the same (benchmarks/copy_to_sqlite.py makes one). Nothing is written but
what a page view writes (sessions are cookies). ``--only NAME`` runs one page kind alone; ``--warmup`` seconds
are run first and not counted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Who the clients are, in turn: district-wide staff and a leader mostly, a unit liaison too.
ROLES = ("bench_mediator", "bench_leader", "bench_legal", "bench_unit")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database_url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "CASETRACK_DATABASE_URL": database_url,
        "CASETRACK_SECRET_KEY": "bench-load",
        "CASETRACK_BROKER_URL": "",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "config" / "gunicorn.conf.py"),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "casetrack:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


@dataclass
class Sample:
    """What the pages ask for: ids and words that exist in the database."""

    case_ids: list[int]
    names: list[str]
    numbers: list[str]
    unit_ids: list[int]
    year: int


def sample(database_url: str, rng: random.Random, size: int = 400) -> Sample:
    from sqlalchemy import create_engine, func, select

    from casetrack.accounts.models import Unit
    from casetrack.cases.models import Applicant, Case
    from casetrack.settings import _normalise_database_url

    engine = create_engine(_normalise_database_url(database_url))
    with engine.connect() as connection:
        top = connection.scalar(select(func.max(Case.id))) or 0
        if not top:
            raise SystemExit("no cases: run benchmarks/generate.py first")
        ids = rng.sample(range(1, top + 1), min(size, top))
        numbers = list(connection.scalars(select(Case.number).where(Case.id.in_(ids))))
        names = [
            name
            for name in connection.scalars(
                select(Applicant.name).where(Applicant.case_id.in_(ids), Applicant.kind == "person")
            )
            if name
        ]
        unit_ids = list(connection.scalars(select(Unit.id)))
        latest = connection.scalar(select(func.max(Case.received_on))) or date.today()
    engine.dispose()
    return Sample(ids, names or ["王"], numbers, unit_ids, latest.year)


def page_mix(s: Sample, rng: random.Random) -> list[tuple[str, int, callable]]:
    """(page kind, weight, a function giving one URL of it)."""
    statuses = ("received", "accepted", "suspended", "concluded")
    kinds = ("review", "litigation")

    def search(length: int):
        def url():
            if length >= 3 and rng.random() < 0.5:
                number = rng.choice(s.numbers)
                return "/cases?" + urlencode({"q": number[: max(3, len(number) // 2)]})
            name = rng.choice(s.names)
            return "/cases?" + urlencode({"q": name[:length] if length < 3 else name})

        return url

    return [
        ("cases", 12, lambda: "/cases"),
        ("cases page 20", 3, lambda: "/cases?page=20"),
        ("cases kind+status", 6, lambda: f"/cases?kind={rng.choice(kinds)}&status={rng.choice(statuses)}"),
        ("cases kind", 3, lambda: f"/cases?kind={rng.choice(kinds)}"),
        ("cases status", 3, lambda: f"/cases?status={rng.choice(statuses)}"),
        ("cases unit", 4, lambda: f"/cases?unit={rng.choice(s.unit_ids)}"),
        ("cases unit+status", 2, lambda: f"/cases?unit={rng.choice(s.unit_ids)}&status={rng.choice(statuses)}"),
        ("cases received range", 2, lambda: f"/cases?received_from={s.year}-01-01&received_to={s.year}-03-31"),
        ("search 1 char", 4, search(1)),
        ("search 2 chars", 4, search(2)),
        ("search 3+ chars", 3, search(3)),
        ("case page", 10, lambda: f"/cases/{rng.choice(s.case_ids)}"),
        ("mediations", 4, lambda: "/mediations/"),
        ("hearing calendar", 4, lambda: "/hearings/calendar"),
        ("risk queue", 3, lambda: "/risk/"),
        ("dashboard", 5, lambda: f"/dashboard?year={s.year}"),
        ("api figures", 3, lambda: f"/api/v1/figures?year={s.year}"),
        ("suggestions", 2, lambda: "/suggestions/"),
    ]


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            if ok:
                self.times[kind].append(seconds)
            else:
                self.errors[kind] += 1


class Client:
    """One person with a browser: a keep-alive connection and the session cookie the login form gave."""

    def __init__(self, port: int, username: str):
        self.port, self.username, self.cookies = port, username, {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self) -> None:
        status, page = self.request("GET", "/login")
        token = CSRF.search(page.decode("utf-8", "replace"))
        if status != 200 or not token:
            raise SystemExit(f"no login form (HTTP {status})")
        body = urlencode({"csrf_token": token.group(1), "username": self.username, "password": PASSWORD}).encode()
        status, _ = self.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise SystemExit(f"login as {self.username} failed: HTTP {status}")


def run_client(port: int, username: str, mix, seed: int, until: float, results: Results, counting) -> None:
    rng = random.Random(seed)
    client = Client(port, username)
    client.login()
    kinds = [kind for kind, _, _ in mix]
    weights = [weight for _, weight, _ in mix]
    makers = {kind: make for kind, _, make in mix}
    while time.monotonic() < until:
        kind = rng.choices(kinds, weights)[0]
        url = makers[kind]()
        started = time.perf_counter()
        try:
            status, _ = client.request("GET", quote(url, safe="/?=&%"))
        except (http.client.HTTPException, OSError):
            status = 0
        elapsed = time.perf_counter() - started
        if counting():
            # A unit liaison asking for another unit's case gets its 404: an answer, not an error.
            results.add(kind, elapsed, status == 200 or (status == 404 and kind == "case page"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", default="", help="run one page kind alone (its name as printed)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    data = sample(args.database_url, rng)
    mix = page_mix(data, rng)
    if args.only:
        mix = [entry for entry in mix if entry[0] == args.only]
        if not mix:
            raise SystemExit(f"no page kind {args.only!r}")
    port = free_port()
    server = start_server(args.database_url, port, args.workers, args.threads)
    results = Results()
    counting = threading.Event()
    loads: list[float] = []
    try:
        start = time.monotonic()
        until = start + args.warmup + args.seconds
        threads = [
            threading.Thread(
                target=run_client,
                args=(port, ROLES[n % len(ROLES)], mix, args.seed * 100 + n, until, results, counting.is_set),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        counting.set()
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        measured_from = time.monotonic()
        while time.monotonic() < until:
            loads.append(os.getloadavg()[0])
            time.sleep(2)
        for thread in threads:
            thread.join(timeout=180)
        measured = time.monotonic() - measured_from
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    total = sum(len(v) for v in results.times.values())
    errors = sum(results.errors.values())
    print(
        f"\n{args.clients} clients, {measured:.0f} s measured after {args.warmup:.0f} s warm-up, "
        f"gunicorn {args.workers}×{args.threads}, {args.database_url.split('@')[-1]}"
    )
    print(f"{'page':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, _, _ in mix:
        values = results.times.get(kind, [])
        if not values and not results.errors.get(kind):
            continue
        cells = (
            (f"{percentile(values, 0.5):8.0f} {percentile(values, 0.95):8.0f} {percentile(values, 0.99):8.0f}")
            if values
            else f"{'—':>8} {'—':>8} {'—':>8}"
        )
        print(f"{kind:<22} {len(values):>6} {cells} {results.errors.get(kind, 0):>7}")
    all_times = [t for values in results.times.values() for t in values]
    if all_times:
        print(
            f"{'all':<22} {total:>6} {percentile(all_times, 0.5):8.0f} {percentile(all_times, 0.95):8.0f} "
            f"{percentile(all_times, 0.99):8.0f} {errors:>7}"
        )
    print(
        f"requests/s {total / measured:.1f}; errors {errors}; load average {min(loads, default=0):.2f}–"
        f"{max(loads, default=0):.2f} (1 min); client CPU {client_cpu:.1f} s = {100 * client_cpu / measured:.0f}% "
        f"of one core"
    )


if __name__ == "__main__":
    main()
