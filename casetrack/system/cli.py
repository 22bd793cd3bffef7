"""`flask --app casetrack keys rotate` and `backup create|restore` (SPEC section 4)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casetrack.cases import services as cases
from casetrack.extensions import db

keys_cli = AppGroup("keys", help="Re-seal personal data under the current key (CASETRACK_DATA_KEYS).")


@keys_cli.command("rotate")
@click.option("--batch", default=2_000, show_default=True, type=click.IntRange(1, 100_000))
def rotate(batch: int):
    """Seal every ID number not sealed under the first key of CASETRACK_DATA_KEYS (or with another cipher) again,
    a batch per transaction: stopped part-way, the next run goes on where this one stopped."""
    done = 0
    while True:
        count = cases.reseal_id_numbers(batch)
        db.session.commit()
        if not count:
            break
        done += count
        click.echo(f"re-sealed {done}")
    held = cases.id_numbers_by_key()
    click.echo(
        f"re-sealed {done} ID numbers; now held under " + (", ".join(f"{k} {n}" for k, n in held.items()) or "no key")
    )
