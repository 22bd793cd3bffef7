"""notifications: unique key with the day first, so the daily job's "today" lookups use it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 06:32:00

"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Measured with 60 days of history (2.5M rows): today's lookups were full scans, 355 ms each; 7-36 ms now.
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notifications_user_id_event_key_on_day', type_='unique')
        batch_op.create_unique_constraint('uq_notifications_day_user_event', ['on_day', 'user_id', 'event_key'])


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notifications_day_user_event', type_='unique')
        batch_op.create_unique_constraint('uq_notifications_user_id_event_key_on_day', ['user_id', 'event_key', 'on_day'])
