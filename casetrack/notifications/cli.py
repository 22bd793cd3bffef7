from datetime import date

import click
from flask.cli import with_appcontext

from casetrack.clock import local_today
from casetrack.locks import JobAlreadyRunning
from casetrack.notifications.tasks import DigestDeliveryFailed, run_daily_reminders


@click.command("reminders")
@click.option("--day", help="YYYY-MM-DD; default today (Asia/Shanghai).")
@with_appcontext
def reminders_command(day):
    """Run the daily reminders now: in-app notifications and one e-mail digest per person. Safe beside the
    scheduled job: the day is planned by one run at a time and no digest is sent twice."""
    try:
        the_day = date.fromisoformat(day) if day else local_today()
    except ValueError as error:
        raise click.BadParameter("expected YYYY-MM-DD", param_hint="--day") from error
    try:
        result = run_daily_reminders(the_day)
    except JobAlreadyRunning as error:
        raise click.ClickException(
            f"the reminders of {the_day} are being run elsewhere right now; try later"
        ) from error
    except DigestDeliveryFailed as error:
        raise click.ClickException(f"some e-mails failed and will be sent on the next run: {error}") from error
    click.echo(
        f"notifications created {result['created']}, e-mails sent {result['emails_sent']}"
        + (f", interrupted (see /admin/reminders/) {result['emails_unknown']}" if result["emails_unknown"] else "")
    )
