from datetime import date

import click
from flask.cli import with_appcontext

from casetrack.clock import local_today
from casetrack.notifications.tasks import DigestDeliveryFailed, run_daily_reminders


@click.command("reminders")
@click.option("--day", help="YYYY-MM-DD; default today (Asia/Shanghai).")
@with_appcontext
def reminders_command(day):
    """Run the daily reminders now: in-app notifications and one e-mail digest per person."""
    try:
        result = run_daily_reminders(date.fromisoformat(day) if day else local_today())
    except DigestDeliveryFailed as error:
        raise click.ClickException(f"some e-mails failed and will be sent on the next run: {error}") from error
    click.echo(f"notifications created {result['created']}, e-mails sent {result['emails_sent']}")
