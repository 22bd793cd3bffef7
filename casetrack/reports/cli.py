"""`flask --app casetrack report annual --year Y --format json|md|docx [--output PATH]`"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from casetrack.reports.services import FORMATS, report_bytes

report_cli = AppGroup("report", help="Reports built from the figure definitions.")


@report_cli.command("annual")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write; default stdout.")
def annual(year: int, fmt: str, output: Path | None):
    """The annual report of YEAR: district figures with year-on-year changes, every unit, the 两高一低 watch list
    and (Markdown, Word) the monthly trends."""
    if fmt == "docx" and output is None and sys.stdout.isatty():
        raise click.UsageError("a Word document is binary: give --output PATH.docx (or redirect stdout)")
    content = report_bytes(year, fmt)
    if output:
        try:
            output.write_bytes(content)
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
        click.echo(f"written {output}", err=True)
    elif fmt == "docx":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        click.echo(content.decode("utf-8"), nl=False)


@report_cli.command("joint-meeting")
@click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .docx to write.")
def joint_meeting(start, end, output: Path):
    """The pack for the court–government joint meeting (府院联席会议) of a period: figures, suggestions, the
    class-case table, open suggestions and overdue rectification, as a Word document."""
    from casetrack.clock import local_today
    from casetrack.reports.joint_meeting import docx_bytes
    from casetrack.stats.queries import Period

    if end.date() < start.date():
        raise click.BadParameter("the period ends before it starts", param_hint="--to")
    content = docx_bytes(Period(start.date(), end.date()), local_today())
    try:
        output.write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
    click.echo(f"written {output}", err=True)
