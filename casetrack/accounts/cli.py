"""`flask --app casetrack users …`"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from casetrack.accounts import services
from casetrack.accounts.permissions import ROLES, SYSTEM
from casetrack.clock import local_text
from casetrack.errors import DomainError
from casetrack.extensions import db

users_cli = AppGroup("users", help="Create users; issue, list and revoke API tokens.")


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


@users_cli.command("units")
@click.argument("name")
@click.argument("unit_names", nargs=-1)
def set_units(name, unit_names):
    """Set the units the leader NAME oversees (分管); no UNIT clears them."""
    user = services.find_user(name)
    if user is None:
        raise click.ClickException(f"no user named {name!r}")
    units = []
    for unit_name in unit_names:
        unit = services.find_unit(unit_name)
        if unit is None:
            raise click.ClickException(f"no unit named {unit_name!r}")
        units.append(unit)
    try:
        services.set_overseen_units(user, units, actor=SYSTEM)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.translated()) from error
    db.session.commit()
    overseen = ", ".join(unit.name for unit in user.overseen)
    click.echo(f"{user.username} oversees {overseen}" if overseen else f"{user.username} oversees no unit")


@users_cli.command("token")
@click.argument("name")
@click.option(
    "--expires-days",
    type=click.IntRange(1, services.MAX_TOKEN_DAYS),
    help="Days the token is valid (default: CASETRACK_API_TOKEN_DAYS, 90).",
)
def issue_token(name, expires_days):
    """Print a new API token for NAME (shown once; only its hash is stored)."""
    user = services.find_user(name)
    if user is None or not user.active:
        raise click.ClickException(f"no active user named {name!r}")
    try:
        token = services.issue_token(user, actor=SYSTEM, days=expires_days)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.translated()) from error
    db.session.commit()
    # The token alone on stdout, so a script can capture it; when it expires is in `users tokens`.
    click.echo(token)


@users_cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke the API token TOKEN_ID (see `users tokens`): it stops working at once."""
    try:
        token = services.get_token(token_id)
        services.revoke_token(token, actor=SYSTEM)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.translated()) from error
    db.session.commit()
    click.echo(f"revoked token {token.id} of {token.user.username}")


def _moment(value: datetime | None) -> str:
    return local_text(value) or "-"


@users_cli.command("tokens")
@click.argument("name", required=False)
def list_tokens(name):
    """List API tokens, newest first, of NAME or of everybody: id, user, created, expires, last used, state.
    Times are Asia/Shanghai; columns are separated by tabs."""
    user = None
    if name:
        user = services.find_user(name)
        if user is None:
            raise click.ClickException(f"no user named {name!r}")
    now = datetime.now(UTC)
    click.echo("\t".join(("id", "user", "created", "expires", "last_used", "state")))
    for token in services.all_tokens(user):
        state = token.state(now)
        if state == "revoked":
            state = f"revoked {_moment(token.revoked_at)}"
        cells = (str(token.id), token.user.username, _moment(token.created_at), _moment(token.expires_at))
        click.echo("\t".join((*cells, _moment(token.last_used_at), state)))
