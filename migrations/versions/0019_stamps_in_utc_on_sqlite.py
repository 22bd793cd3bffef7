"""stored reports and figure snapshots: their stamps in UTC on SQLite too

The annual report's build time and a snapshot's computation time were given as Asia/Shanghai wall-clock times.
PostgreSQL kept the offset; SQLite drops it, so those rows hold local times where every other stamp holds UTC, and
were shown eight hours late. This rewrites them as UTC; PostgreSQL has nothing to change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 14:00:00

"""
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

STAMPS = (('stored_reports', 'generated_at'), ('figure_snapshots', 'computed_at'))


def _shift(to_utc: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    local = ZoneInfo(current_app.config.get('CASETRACK_TIMEZONE') or 'Asia/Shanghai')
    for table_name, column_name in STAMPS:
        table = sa.table(table_name, sa.column('id', sa.Integer), sa.column(column_name, sa.DateTime(timezone=True)))
        stamp = table.c[column_name]
        for row_id, value in bind.execute(sa.select(table.c.id, stamp).where(stamp.is_not(None))).all():
            if to_utc:
                moved = value.replace(tzinfo=local).astimezone(UTC)
            else:
                moved = value.replace(tzinfo=UTC).astimezone(local)
            bind.execute(table.update().where(table.c.id == row_id).values({column_name: moved.replace(tzinfo=None)}))


def upgrade():
    _shift(to_utc=True)


def downgrade():
    _shift(to_utc=False)
