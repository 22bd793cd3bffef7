import click
from flask import current_app
from flask.cli import with_appcontext

from casetrack.clock import local_today
from casetrack.demo import services
from casetrack.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo district (units, one user per role, cases from 2019 up to today with the day's work waiting
    for every role). Prints the users and a new password."""
    if current_app.config["CASETRACK_ENV"] == "production":
        raise click.ClickException("seed-demo refuses to run in production (CASETRACK_ENV=production)")
    result = services.seed(local_today())
    db.session.commit()
    from casetrack.stats import kept

    kept.rebuild()
    db.session.commit()
    click.echo(f"demo cases created: {result['cases']}" + ("" if result["cases"] else " (demo data already present)"))
    click.echo(f"demo users (password for all: {result['password']}):")
    for username, role, unit in result["users"]:
        click.echo(f"  {username:<10} {role:<9} {unit}")
