"""`flask --app casetrack users …`"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casetrack.accounts import services
from casetrack.accounts.permissions import ROLES, SYSTEM
from casetrack.errors import DomainError
from casetrack.extensions import db

users_cli = AppGroup("users", help="Create users and API tokens.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option("--unit", "unit_name", help="Unit name; required for role unit.")
@click.option("--email")
@click.option("--password", required=True)
@click.option("--display-name", default="")
def create_user(name, role, unit_name, email, password, display_name):
    """Create a user NAME with ROLE."""
    unit = None
    if unit_name:
        unit = services.find_unit(unit_name)
        if unit is None:
            raise click.ClickException(f"no unit named {unit_name!r}")
    try:
        user = services.create_user(
            name, role, password, actor=SYSTEM, unit=unit, email=email, display_name=display_name
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.translated()) from error
    db.session.commit()
    click.echo(f"created user {user.username} ({user.role})")


@users_cli.command("token")
@click.argument("name")
def issue_token(name):
    """Print a new API token for NAME (shown once; only its hash is stored)."""
    user = services.find_user(name)
    if user is None or not user.active:
        raise click.ClickException(f"no active user named {name!r}")
    token = services.issue_token(user, actor=SYSTEM)
    db.session.commit()
    click.echo(token)
