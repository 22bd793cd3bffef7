"""Reading from a real PostgreSQL streaming replica: a primary and a hot standby made here with initdb and
pg_basebackup on ports of their own. The dashboard reads the replica, and while the replica is behind, a leader
sees the figures it holds and is told how far behind they are; the person who just registered a case sees it at
once (the primary); a replica too far behind is not read; once it catches up, everyone sees the same."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import timedelta

import psycopg
import pytest

from casetrack.clock import local_today
from casetrack.extensions import db
from tests.conftest import make_app, port_open, service_missing

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def _as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def clusters():
    if not BIN or not shutil.which("runuser"):
        service_missing("the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)")
    bin_dir = os.path.dirname(BIN[-1])
    base = tempfile.mkdtemp(prefix="casetrack-replica-")
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary, standby = os.path.join(base, "primary"), os.path.join(base, "standby")
    primary_port, standby_port = _free_port(), _free_port()
    _as_postgres(f"{bin_dir}/initdb", "-D", primary, "-U", "postgres", "--auth=trust")
    settings = (
        f"\nport = {primary_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
        "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n"
    )
    _as_postgres("sh", "-c", f'printf "%s" "{settings}" >> {primary}/postgresql.conf')
    _as_postgres("sh", "-c", f"echo 'host replication all 127.0.0.1/32 trust' >> {primary}/pg_hba.conf")
    _as_postgres(f"{bin_dir}/pg_ctl", "-D", primary, "-l", f"{base}/primary.log", "-w", "start")
    try:
        with psycopg.connect(f"host=127.0.0.1 port={primary_port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE casetrack")
        _as_postgres(
            f"{bin_dir}/pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary_port),
            "-U",
            "postgres",
            "-D",
            standby,
            "-R",
            "-c",
            "fast",
        )
        _as_postgres("sh", "-c", f"echo 'port = {standby_port}' >> {standby}/postgresql.conf")
        _as_postgres(f"{bin_dir}/pg_ctl", "-D", standby, "-l", f"{base}/standby.log", "-w", "start")
        for _ in range(100):
            if port_open("127.0.0.1", standby_port):
                break
            time.sleep(0.1)
        yield (
            f"postgresql+psycopg://postgres@127.0.0.1:{primary_port}/casetrack",
            f"postgresql+psycopg://postgres@127.0.0.1:{standby_port}/casetrack",
            f"host=127.0.0.1 port={standby_port} user=postgres dbname=casetrack",
        )
    finally:
        for data in (standby, primary):
            if os.path.exists(os.path.join(data, "postmaster.pid")):
                subprocess.run(
                    [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []), f"{bin_dir}/pg_ctl"]
                    + ["-D", data, "-m", "immediate", "stop"],
                    capture_output=True,
                )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def app(clusters):
    primary_url, replica_url, _ = clusters
    application = make_app(
        primary_url,
        DATABASE_REPLICA_URL=replica_url,
        REPLICA_MAX_LAG_SECONDS=30,
        REPLICA_NOTICE_SECONDS=1,
        REPLICA_STICKY_SECONDS=60,
    )
    application.config["TESTING"] = True
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    application.config["DATABASE_KIND"] = "postgresql"
    yield application
    with application.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def standby(clusters):
    with psycopg.connect(clusters[2], autocommit=True) as connection:
        yield connection
        connection.execute("SELECT pg_wal_replay_resume()")


def caught_up(standby, timeout: float = 20) -> None:
    url = db.engine.url
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database) as primary:
        current = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    for _ in range(int(timeout * 20)):
        if standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(current),)).fetchone()[0]:
            return
        time.sleep(0.05)
    raise AssertionError("the standby did not catch up")


def new_reviews(html: str) -> str:
    card = re.search(r'id="card-review-new">.*?<p class="big value">(.*?)</p>', html, re.S)
    return card.group(1).strip()


def test_the_dashboard_reads_the_replica_and_says_when_it_lags_while_a_writer_sees_their_own_case(
    app, standby, login_as, factories
):
    today = local_today()
    unit = factories.unit(name="区市场监管局")
    factories.case(number="富政复〔2026〕1号", respondent_unit=unit, received_on=today - timedelta(days=2))
    db.session.commit()
    leader, clerk = login_as("leader"), login_as("legal")
    caught_up(standby)
    page = leader.get("/dashboard").get_data(as_text=True)
    assert new_reviews(page) == "1" and 'id="replica-lag"' not in page

    standby.execute("SELECT pg_wal_replay_pause()")
    from tests.factories import case_form

    response = clerk.post("/cases/new", data=case_form(unit, today - timedelta(days=1), number="富政复〔2026〕2号"))
    assert response.status_code == 302
    time.sleep(1.5)
    # The leader reads the paused replica: the case registered since is not counted yet, and the page says why.
    page = leader.get("/dashboard").get_data(as_text=True)
    assert new_reviews(page) == "1"
    assert "只读副本" in page and 'id="replica-lag"' in page
    # The clerk who registered it reads the primary and sees it counted.
    page = clerk.get("/dashboard").get_data(as_text=True)
    assert new_reviews(page) == "2" and 'id="replica-lag"' not in page

    # A replica further behind than allowed is not read at all.
    app.config["CASETRACK_REPLICA_MAX_LAG_SECONDS"] = 1
    try:
        page = leader.get("/dashboard").get_data(as_text=True)
        assert new_reviews(page) == "2" and 'id="replica-lag"' not in page
    finally:
        app.config["CASETRACK_REPLICA_MAX_LAG_SECONDS"] = 30

    standby.execute("SELECT pg_wal_replay_resume()")
    caught_up(standby)
    page = leader.get("/dashboard").get_data(as_text=True)
    assert new_reviews(page) == "2" and 'id="replica-lag"' not in page


def test_pages_that_read_the_replica_still_write_to_the_primary_and_other_pages_never_read_it(
    app, standby, login_as, factories
):
    today = local_today()
    unit = factories.unit(name="区住建局")
    factories.case(number="富政复〔2026〕3号", respondent_unit=unit, received_on=today - timedelta(days=2))
    db.session.commit()
    legal = login_as("legal")
    caught_up(standby)
    standby.execute("SELECT pg_wal_replay_pause()")
    factories.case(number="富政复〔2026〕4号", respondent_unit=unit, received_on=today - timedelta(days=1))
    db.session.commit()
    # The case list is not a replica page: it reads the primary whatever the replica holds.
    assert "富政复〔2026〕4号" in legal.get("/cases").get_data(as_text=True)
    # An export reads the replica and the file still downloads.
    assert legal.get("/cases/export.xlsx").status_code == 200
