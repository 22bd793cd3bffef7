"""`flask --app casetrack report annual --year Y --format json [--output PATH]`"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from casetrack.reports.services import annual_report

report_cli = AppGroup("report", help="Reports built from the figure definitions.")


@report_cli.command("annual")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["json"]), default="json", help="json (Markdown and Word are not built yet)"
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
def annual(year: int, fmt: str, output: Path | None):
    """The annual report of YEAR: district figures, year-on-year, and every unit."""
    text = json.dumps(annual_report(year), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"written {output}")
    else:
        click.echo(text)
