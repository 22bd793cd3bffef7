"""`flask --app casetrack files …`: check the document store against the database, and clear its orphans."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from casetrack.documents import services

files_cli = AppGroup("files", help="The documents' file store.")


@files_cli.command("verify")
def verify():
    """Check every stored file against its SHA-256; list missing, changed and orphaned files. Exit 1 on a problem."""
    report = services.verify_store()
    for key, referrer in report.missing:
        click.echo(f"missing\t{key}\t{referrer}")
    for key, referrer in report.corrupt:
        click.echo(f"changed\t{key}\t{referrer}")
    for key in report.orphans:
        click.echo(f"orphan\t{key}")
    click.echo(
        f"{report.checked} files checked: {len(report.missing)} missing, {len(report.corrupt)} changed, "
        f"{len(report.orphans)} orphaned",
        err=True,
    )
    if not report.sound:
        sys.exit(1)


@files_cli.command("gc")
@click.option("--older-than-hours", type=click.FloatRange(min=1), default=24.0, show_default=True)
def gc(older_than_hours: float):
    """Remove orphaned files older than the given age (a younger one may belong to an upload still in progress)."""
    removed = services.collect_garbage(older_than_hours * 3600)
    for key in removed:
        click.echo(f"removed\t{key}")
    click.echo(f"{len(removed)} orphaned files removed", err=True)
