import click
from flask.cli import with_appcontext

from casetrack.clock import local_today
from casetrack.demo import services
from casetrack.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo district (units, one user per role, 2019–2020 cases). Prints the users and a new password."""
    result = services.seed(local_today())
    db.session.commit()
    click.echo(f"demo cases created: {result['cases']}" + ("" if result["cases"] else " (demo data already present)"))
    click.echo(f"demo users (password for all: {result['password']}):")
    for username, role, unit in result["users"]:
        click.echo(f"  {username:<10} {role:<9} {unit}")
