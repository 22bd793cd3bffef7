"""`flask --app casetrack keys rotate` and `backup create|restore` (SPEC section 4)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from casetrack.cases import services as cases
from casetrack.extensions import db
from casetrack.system import backup

keys_cli = AppGroup("keys", help="Re-seal personal data under the current key (CASETRACK_DATA_KEYS).")


@keys_cli.command("rotate")
@click.option("--batch", default=2_000, show_default=True, type=click.IntRange(1, 100_000))
def rotate(batch: int):
    """Seal every ID number not sealed under the first key of CASETRACK_DATA_KEYS (or with another cipher) again,
    a batch per transaction: stopped part-way, the next run goes on where this one stopped."""
    done = 0
    while True:
        count = cases.reseal_id_numbers(batch)
        db.session.commit()
        if not count:
            break
        done += count
        click.echo(f"re-sealed {done}")
    held = cases.id_numbers_by_key()
    click.echo(
        f"re-sealed {done} ID numbers; now held under " + (", ".join(f"{k} {n}" for k, n in held.items()) or "no key")
    )


backup_cli = AppGroup("backup", help="Write one archive of the database and documents; restore from one.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_backup(path: Path):
    """Write PATH: the database (pg_dump custom format, or SQLite's online backup), the stored documents and a
    manifest with the sha256 of each part."""
    started = time.monotonic()
    try:
        made = backup.create(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    parts = ", ".join(f"{name} {digest[:12]}…" for name, digest in made.parts.items())
    click.echo(f"wrote {made.path} ({made.bytes:,} bytes, {time.monotonic() - started:.1f} s): {parts}")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
def restore_backup(path: Path, force: bool):
    """Check PATH's manifest and restore its database and documents into the configured ones. Refuses a database
    that holds data unless --force. Stop the web and worker processes first."""
    started = time.monotonic()
    try:
        manifest = backup.restore(path, force=force)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"restored the backup of {manifest['created_at']} (revision {manifest['revision']}, {manifest['documents']} "
        f"documents, audit chain to place {manifest['audit']['last_seq']}) in {time.monotonic() - started:.1f} s; "
        "run `flask db upgrade` if the app is newer than the backup"
    )
