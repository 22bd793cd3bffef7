"""`flask --app casetrack summaries preview|send|target …` (SPEC section 4)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from casetrack.accounts.models import User
from casetrack.accounts.permissions import SYSTEM, can
from casetrack.accounts.services import find_user
from casetrack.clock import local_today
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.summaries import rules, services

summaries_cli = AppGroup("summaries", help="Preview and send the leaders' summaries; add group delivery targets.")
target_cli = AppGroup("target", help="Group robots (DingTalk, 企业微信) that receive the summaries.")
summaries_cli.add_command(target_cli)

KIND = click.Choice(rules.KINDS)


def _period(kind: str, period: str) -> str:
    problem = rules.period_problem(kind, period)
    if problem:
        raise click.BadParameter(gettext(problem), param_hint="--period")
    return period


@summaries_cli.command("preview")
@click.option("--kind", type=KIND, required=True)
@click.option("--period", required=True, help="2020-12 for monthly, 2026-W49 for the risk digest.")
@click.option("--leader", "leader_name", help="Preview the copy of this leader (their 分管 units, their language).")
@click.option("--format", "fmt", type=click.Choice(("html", "text", "markdown")), default="text", show_default=True)
def preview(kind, period, leader_name, fmt):
    """Print a summary exactly as it would be sent. Sends and records nothing."""
    _period(kind, period)
    today = local_today()
    try:
        if fmt == "markdown":
            # What a group receives: the same for every target of a platform's size; DingTalk's is the larger.
            _title, content = services.fitted_markdown(kind, "dingtalk", period, today)
        else:
            message = services.compose_preview(kind, period, _leader(leader_name), today)
            content = message.html if fmt == "html" else message.text
    finally:
        db.session.rollback()
    click.echo(content)


def _leader(name: str | None) -> User:
    if name is None:
        return services.preview_reader()
    user = find_user(name)
    if user is None:
        raise click.BadParameter(f"no user named {name!r}", param_hint="--leader")
    if not can(user, "receive_summaries"):
        raise click.BadParameter(f"{name} does not receive the leaders' summaries", param_hint="--leader")
    return user


@summaries_cli.command("send")
@click.option("--kind", type=KIND, required=True)
@click.option("--period", required=True, help="2020-12 for monthly, 2026-W49 for the risk digest.")
def send(kind, period):
    """Run the summary job now (the same code as the scheduled task): each leader and group gets one copy, once."""
    from casetrack.summaries.tasks import send_now

    _period(kind, period)
    states = send_now(kind, period)
    for audience in ("leaders", "groups"):
        counted = ", ".join(f"{count} {status}" for status, count in sorted(states[audience].items())) or "none"
        click.echo(f"{audience}: {counted}")
    if any(status in ("failed", "unknown") for audience in states.values() for status in audience):
        raise SystemExit(1)


@target_cli.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(sorted(rules.TARGET_KINDS)), required=True)
@click.option("--webhook", required=True, help="The robot's webhook, host included (a private deployment's too).")
@click.option("--secret", help="DingTalk: the 加签 secret (SEC…).")
@click.option("--summaries", "summary_kinds", default="monthly,risk_digest", show_default=True)
def add_target(name, kind, webhook, secret, summary_kinds):
    """Add a group delivery target NAME."""
    try:
        target = services.add_target(
            SYSTEM, name=name, kind=kind, webhook=webhook, secret=secret, summaries=summary_kinds
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.translated()) from error
    db.session.commit()
    # The webhook's token and the secret are not echoed: the terminal's scrollback is not a safe place for them.
    click.echo(f"added {target.name} ({target.kind}, {target.host}): {target.summaries}")


@target_cli.command("list")
def list_targets():
    """The group delivery targets, without their webhooks' tokens or secrets."""
    with force_locale("en"):
        for target in services.all_targets():
            state = "active" if target.active else "inactive"
            click.echo(f"{target.name}\t{target.kind}\t{target.host}\t{target.summaries}\t{state}")
