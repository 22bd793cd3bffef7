"""`flask --app casetrack cases …`"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casetrack.cases import services
from casetrack.extensions import db

cases_cli = AppGroup("cases", help="Case maintenance.")


@cases_cli.command("refresh-deadlines")
def refresh_deadlines():
    """Recompute every open case's next statutory deadline (the nightly job, run now)."""
    changed = services.refresh_open_case_deadlines()
    db.session.commit()
    click.echo(f"{changed} cases had their next deadline changed")
