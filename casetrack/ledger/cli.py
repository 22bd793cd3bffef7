"""`flask --app casetrack ledger import|export`"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext

from casetrack.accounts.permissions import SYSTEM
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.ledger import services

ledger_cli = AppGroup("ledger", help="Import and export the Excel ledger (台账).")


@ledger_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, without writing anything.")
def import_command(path: Path, dry_run: bool):
    """Import a ledger workbook (.xlsx) or one sheet as .csv. Any bad row: nothing is imported."""
    report = services.import_ledger(path, actor=SYSTEM, today=local_today(), dry_run=dry_run)
    if not report.ok:
        db.session.rollback()
        click.echo(gettext("Nothing was imported: %(count)s bad rows.", count=len(report.errors)), err=True)
        for line in report.error_lines():
            click.echo("  " + line, err=True)
        raise SystemExit(1)
    db.session.commit() if not dry_run else db.session.rollback()
    created, updated, unchanged = report.totals()
    for entity in report.created:
        click.echo(
            f"{entity}: created {report.created[entity]}, updated {report.updated[entity]}, "
            f"unchanged {report.unchanged[entity]}, rejected 0"
        )
    click.echo(
        f"created {created}, updated {updated}, unchanged {unchanged}, rejected 0"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    if report.new_units:
        click.echo("new units: " + "、".join(report.new_units))
    if report.ignored:
        click.echo("ignored: " + ", ".join(report.ignored))


@ledger_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path):
    """Write the whole ledger to PATH.xlsx in the import format."""
    if path.suffix.lower() != ".xlsx":
        raise click.ClickException("the export path must end in .xlsx")
    counts = services.export_ledger(path, actor=SYSTEM)
    click.echo(", ".join(f"{sheet}: {count}" for sheet, count in counts.items()) + f" → {path}")
