"""Case-file throughput through a real server: uploads and downloads of 1 MB and 50 MB PDFs by concurrent clients
against gunicorn, and the peak memory (VmHWM) of its worker during each phase — which must stay far below the
files' size, since no code path may hold a whole file in memory.

    .venv/bin/python benchmarks/run_documents.py                       # SQLite in benchmarks/out/
    .venv/bin/python benchmarks/run_documents.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/casetrack_docs_bench

A fresh database (the PostgreSQL one's name must contain "bench"; it is recreated) and a fresh document store in
benchmarks/out/documents-bench/ are made each run: a legal-bureau user with an API token and one case. gunicorn
runs `casetrack:create_app()` with --workers 1 --threads N (N = --clients), so one process holds every request and
its peak RSS is the figure that matters. Uploads go to POST /api/v1/cases/<id>/documents as streamed multipart
bodies; downloads read GET /api/v1/documents/<id>/content to the end and check each body's SHA-256. Each phase
resets the worker's peak (/proc/PID/clear_refs, 5) before it starts. Prints a table; writes nothing else."""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_pdf(path: Path, megabytes: int, seed: int) -> None:
    """A real PDF of about ``megabytes``: pages of random-noise JPEGs (incompressible, as scans nearly are)."""
    from PIL import Image

    rng = random.Random(seed)
    pages, size = [], 0
    while size < megabytes * 1024 * 1024:
        noise = Image.frombytes("L", (700, 700), rng.randbytes(700 * 700)).convert("RGB")
        buffer = io.BytesIO()
        noise.save(buffer, "JPEG", quality=95)
        size += buffer.tell()
        pages.append(Image.open(io.BytesIO(buffer.getvalue())))
    # Pillow re-encodes each page: at the same quality the PDF comes out the size the pages were measured at.
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], quality=95)


def prepare(database_url: str, store: Path) -> tuple[str, int]:
    """A fresh schema, a legal-bureau user with a token and one case: (token, case id)."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        if "bench" not in (url.database or ""):
            raise SystemExit("the PostgreSQL database's name must contain 'bench': it is dropped and recreated")
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
    shutil.rmtree(store, ignore_errors=True)
    from flask_migrate import upgrade

    from casetrack import create_app
    from casetrack.accounts.models import Unit
    from casetrack.accounts.permissions import SYSTEM
    from casetrack.accounts.services import create_user, issue_token
    from casetrack.cases.services import register_case
    from casetrack.clock import local_today
    from casetrack.extensions import db

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "DOCUMENTS_ROOT": str(store)})
    with app.app_context():
        upgrade()
        user = create_user("bench_documents", "legal", "Bench-password-1", SYSTEM, must_change=False)
        unit = Unit(name="区市场监管局")
        db.session.add(unit)
        db.session.flush()
        today = local_today()
        case = register_case(
            {
                "kind": "review",
                "number": "富政复〔2026〕1号",
                "respondent_unit_id": unit.id,
                "matter": "penalty",
                "applicants": [{"name": "王建国"}],
                "received_on": today,
            },
            SYSTEM,
            today,
        )
        token = issue_token(user, actor=SYSTEM)
        db.session.commit()
        return token, case.id


def start_server(database_url: str, store: Path, port: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "CASETRACK_DATABASE_URL": database_url,
        "CASETRACK_SECRET_KEY": "bench",
        "CASETRACK_DOCUMENTS_ROOT": str(store),
        "CASETRACK_BROKER_URL": "",
    }
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
            "casetrack:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def worker_pid(master: int) -> int:
    for _ in range(50):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def upload(port: int, token: str, case_id: int, path: Path) -> tuple[float, int]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nevidence\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size

    def body():
        yield head
        with path.open("rb") as source:
            while chunk := source.read(1024 * 1024):
                yield chunk
        yield tail

    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request(
        "POST",
        f"/api/v1/cases/{case_id}/documents",
        body=body(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail)),
        },
    )
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    if response.status != 201:
        raise SystemExit(f"upload failed: {response.status} {answer[:300]!r}")
    import json

    return time.perf_counter() - started, json.loads(answer)["id"]


def download(port: int, token: str, document_id: int, sha256: str) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", f"/api/v1/documents/{document_id}/content", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    digest = hashlib.sha256()
    while chunk := response.read(1024 * 1024):
        digest.update(chunk)
    connection.close()
    if response.status != 200 or digest.hexdigest() != sha256:
        raise SystemExit(f"download of {document_id} failed: {response.status}")
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{OUT / 'documents-bench.sqlite3'}")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (and the worker's threads)")
    parser.add_argument("--small", type=int, default=40, help="1 MB files to upload and download")
    parser.add_argument("--large", type=int, default=6, help="50 MB files to upload and download")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    store = OUT / "documents-bench"
    files = OUT / "documents-bench-files"
    files.mkdir(exist_ok=True)
    token, case_id = prepare(args.database_url, store)
    port = free_port()
    server = start_server(args.database_url, store, port, args.clients)
    rows = []
    try:
        worker = worker_pid(server.pid)
        # One request before measuring: imports and the first connection are not what a file costs.
        warm = files / "warm.pdf"
        make_pdf(warm, 1, seed=0)
        upload(port, token, case_id, warm)
        idle = peak_rss_mb(worker)
        for megabytes, count in ((1, args.small), (50, args.large)):
            sources = []
            for n in range(count):
                path = files / f"{megabytes}mb-{n}.pdf"
                if not path.exists():
                    make_pdf(path, megabytes, seed=megabytes * 1000 + n)
                sources.append(path)
            keys = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sources}
            total_mb = sum(path.stat().st_size for path in sources) / (1024 * 1024)

            reset_peak(worker)
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                results = list(pool.map(lambda p: upload(port, token, case_id, p), sources))
            elapsed = time.perf_counter() - started
            rows.append(("upload", megabytes, count, total_mb, elapsed, [r[0] for r in results], peak_rss_mb(worker)))

            ids = [r[1] for r in results]
            reset_peak(worker)
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                latencies = list(
                    pool.map(
                        lambda job: download(port, token, job[0], job[1]),
                        [(document_id, keys[path]) for document_id, path in zip(ids, sources, strict=True)],
                    )
                )
            elapsed = time.perf_counter() - started
            rows.append(("download", megabytes, count, total_mb, elapsed, latencies, peak_rss_mb(worker)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    backend = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    print(
        f"\nCase-file throughput through gunicorn (1 worker, {args.clients} threads, {args.clients} clients, "
        f"{backend}); load average {os.getloadavg()[0]:.2f}; worker idle peak RSS {idle:.0f} MB\n"
    )
    print("| operation | file (actual MB) | files | MB | seconds | MB/s | p50 s | p95 s | worker peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for operation, megabytes, count, total_mb, elapsed, latencies, peak in rows:
        print(
            f"| {operation} | {megabytes} MB ({total_mb / count:.1f}) | {count} | {total_mb:.0f} | {elapsed:.2f} | "
            f"{total_mb / elapsed:.1f} | {percentile(latencies, 0.5):.2f} | {percentile(latencies, 0.95):.2f} | "
            f"{peak:.0f} |"
        )


if __name__ == "__main__":
    main()
