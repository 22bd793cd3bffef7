"""Backups that restore (GB/T 22239-2019 数据备份恢复): one archive holds the database (``pg_dump`` custom format on
PostgreSQL, SQLite's online backup otherwise), the stored documents and a manifest with the sha256 of each part;
a restore checks the manifest before it touches anything and refuses a database that already holds data unless
told to overwrite it. The nightly job keeps the newest CASETRACK_BACKUP_KEEP archives."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text

from casetrack.audit.services import chain_head
from casetrack.clock import local, utc_now
from casetrack.documents.storage import configured_root
from casetrack.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_PART = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
DOCUMENTS_PART = "documents.tar"
ARCHIVE_PREFIX = "casetrack-"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class Made:
    path: Path
    parts: dict[str, str]
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg(url) -> tuple[list[str], dict]:
    """libpq connection arguments for the pg_* tools: the whole URL (a socket directory, sslmode and the like
    included, so they reach the same server the app does), the password in the environment rather than on the
    command line, where ``ps`` would show it."""
    dbname = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    return [f"--dbname={dbname}"], env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _kind() -> str:
    return db.engine.dialect.name


def _dump_database(target: Path) -> None:
    url = db.engine.url
    if _kind() == "postgresql":
        args, env = _pg(url)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
        return
    # The online backup API: a consistent copy while the app goes on writing.
    _sqlite_copy(Path(url.database), target)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another page by page (sqlite3's backup API), the target's content replaced."""
    reading, writing = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reading.backup(writing)
    finally:
        writing.close()
        reading.close()


def _pack_documents(root: Path, target: Path) -> int:
    count = 0
    with tarfile.open(target, "w") as archive:
        if root.exists():
            for path in sorted(
                p for p in root.rglob("*") if p.is_file() and "incoming" not in p.relative_to(root).parts
            ):
                archive.add(path, arcname=str(path.relative_to(root)))
                count += 1
    return count


def create(path: Path) -> Made:
    """Write the archive at ``path`` (a .partial file renamed at the end: a stopped backup leaves no archive that
    looks whole)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.session.commit()
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    # The chain's end as the archive holds it (walking it all is `audit verify`'s, 40 s at 1.5M entries): after a
    # restore the same last place and hash show nothing was cut off.
    last_seq, last_hash = chain_head(db.session.connection())
    db.session.rollback()
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        work = Path(scratch)
        database = work / DATABASE_PART[_kind()]
        _dump_database(database)
        documents = work / DOCUMENTS_PART
        files = _pack_documents(configured_root(), documents)
        parts = {database.name: _sha256(database), documents.name: _sha256(documents)}
        manifest = {
            "format": FORMAT,
            "created_at": local(utc_now()).isoformat(timespec="seconds"),
            "database": _kind(),
            "revision": revision,
            "documents": files,
            "audit": {"last_seq": last_seq, "last_hash": last_hash},
            "parts": parts,
        }
        partial = path.with_name(path.name + ".partial")
        # The archive holds the whole database: readable by the account that made it and no other.
        partial.touch(mode=0o600)
        os.chmod(partial, 0o600)
        with tarfile.open(partial, "w") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            for part in (database, documents):
                archive.add(part, arcname=part.name)
        partial.replace(path)
    return Made(path, parts, path.stat().st_size)


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path) as archive:
            return json.loads(archive.extractfile(MANIFEST).read())
    except (tarfile.TarError, KeyError, AttributeError, ValueError, OSError) as error:
        raise BackupError(f"{path} is not a casetrack backup: {error}") from error


def holds_data() -> bool:
    """Whether the configured database already holds anything a restore would overwrite."""
    from casetrack.accounts.models import User
    from casetrack.cases.models import Case

    try:
        return bool(db.session.scalar(select(func.count(User.id))) or db.session.scalar(select(func.count(Case.id))))
    except Exception:  # no tables yet: an empty database
        db.session.rollback()
        return False
    finally:
        db.session.rollback()


def restore(path: Path, force: bool = False) -> dict:
    """Check the archive's manifest, then restore its database and documents. Returns the manifest."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    if manifest.get("database") != _kind():
        raise BackupError(f"the backup holds a {manifest.get('database')} database; this one is {_kind()}")
    expected = {DATABASE_PART[_kind()], DOCUMENTS_PART}
    if set(manifest.get("parts") or {}) != expected:
        raise BackupError(f"the manifest lists {sorted(manifest.get('parts') or {})}, not {sorted(expected)}")
    if holds_data() and not force:
        raise BackupError("the configured database is not empty: restoring would overwrite it (use --force)")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        with tarfile.open(path) as archive:
            for name in manifest["parts"]:
                member = archive.getmember(name)
                if not member.isfile():
                    raise BackupError(f"{name} in the archive is not a file")
                archive.extract(member, work, filter="data")
        for name, expected in manifest["parts"].items():
            if _sha256(work / name) != expected:
                raise BackupError(f"{name} does not match the manifest's sha256: the archive is damaged")
        db.session.remove()
        db.engine.dispose()
        _restore_database(work / DATABASE_PART[_kind()])
        _restore_documents(work / DOCUMENTS_PART, configured_root())
        db.engine.dispose()
    return manifest


def _restore_database(source: Path) -> None:
    url = db.engine.url
    if _kind() == "postgresql":
        args, env = _pg(url)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *args,
                str(source),
            ],
            env,
        )
        return
    _sqlite_copy(source, Path(url.database))


def _restore_documents(source: Path, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source) as archive:
        archive.extractall(root, filter="data")


def archive_name(now: datetime) -> str:
    return f"{ARCHIVE_PREFIX}{local(now):%Y%m%d-%H%M%S}.tar"


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` archives of ``directory``; returns the removed ones."""
    archives = sorted(directory.glob(f"{ARCHIVE_PREFIX}*.tar"))
    removed = archives[: max(0, len(archives) - keep)]
    for old in removed:
        old.unlink()
    return removed


def backup_directory() -> Path:
    configured = current_app.config.get("CASETRACK_BACKUP_DIR") or ""
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"
