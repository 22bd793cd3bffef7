"""`flask --app casetrack audit verify|purge` (SPEC section 4)."""

from __future__ import annotations

import sys
from datetime import date, datetime, time

import click
from flask.cli import AppGroup

from casetrack.accounts.permissions import SYSTEM
from casetrack.audit import services
from casetrack.clock import zone
from casetrack.errors import DomainError
from casetrack.extensions import db

audit_cli = AppGroup("audit", help="Check the audit trail's hash chain; purge entries past the retention period.")

_PROBLEMS = {
    "changed": "was changed (its content or its hash no longer match the chain)",
    "missing": "is missing (removed from the trail)",
    "outside": "was written outside the chain (inserted past the application)",
}


@audit_cli.command("verify")
def verify():
    """Walk the hash chain. Exit 0 with the entry count and the last hash when intact; exit 1 naming the first entry
    changed, removed or slipped in otherwise."""
    result = services.verify()
    db.session.rollback()
    if result.broken is None:
        click.echo(f"audit trail intact: {result.checked} entries, last hash {result.head}")
        return
    broken = result.broken
    where = f"entry {broken.entry_id}" if broken.entry_id is not None else "an entry"
    place = f" at place {broken.seq}" if broken.seq is not None else ""
    click.echo(
        f"audit trail broken: {where}{place} {_PROBLEMS[broken.problem]}; {result.checked} entries before it "
        "are intact",
        err=True,
    )
    sys.exit(1)


@audit_cli.command("purge")
@click.option(
    "--before",
    "before_day",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Remove entries written before this day (district time); at least 180 days back.",
)
def purge(before_day: datetime):
    """Remove audit entries older than BEFORE, from the chain's start. Refuses anything inside the retention
    period (CASETRACK_AUDIT_RETENTION_DAYS, at least 180 days)."""
    before = datetime.combine(date(before_day.year, before_day.month, before_day.day), time(), tzinfo=zone())
    try:
        removed = services.purge(before, SYSTEM)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.translated()) from error
    db.session.commit()
    click.echo(f"purged {removed} audit entries written before {before_day:%Y-%m-%d}")
