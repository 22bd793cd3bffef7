"""`flask --app casetrack stats compute --year Y [--month M]`"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casetrack.locks import JobAlreadyRunning

stats_cli = AppGroup("stats", help="The figures of SPEC section 3.")


@stats_cli.command("keep")
@click.option("--rebuild", is_flag=True, help="Count every bucket again, not only the open periods' hearings.")
def keep(rebuild: bool):
    """Bring the kept figures (stats.kept) up to date now: the nightly recount of the open periods' hearings, or,
    with --rebuild or after a change of the figure definitions, every bucket from the definitions."""
    from casetrack.stats.tasks import keep_figures

    result = keep_figures(rebuild)
    if "rebuilt" in result:
        click.echo(f"figure buckets rebuilt: {result['rebuilt']} unit-months")
    else:
        click.echo(f"open months recounted: {result['months']}")


@stats_cli.command("compute")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--month", type=click.IntRange(1, 12))
def compute(year: int, month: int | None):
    """Run the monthly figures job now: snapshots of each month of YEAR (or of MONTH alone) and year-to-date,
    for the district and every unit, then re-check every earlier stored period."""
    from casetrack.clock import local_today
    from casetrack.stats.services import months_to_compute
    from casetrack.stats.tasks import compute_figures

    if not months_to_compute(year, month, local_today()):
        raise click.ClickException(f"{year}-{month:02d} has not begun" if month else f"{year} has not begun")
    try:
        result = compute_figures(year, month)
    except JobAlreadyRunning as error:
        raise click.ClickException("the figures job is already running; try again when it has finished") from error
    click.echo(
        f"periods {len(result['periods'])}, snapshot rows written {result['written']}, unchanged {result['unchanged']}"
    )
