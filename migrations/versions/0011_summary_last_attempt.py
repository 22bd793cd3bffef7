"""summary sends: when the last attempt began, so a copy stuck in "sending" is recognised as interrupted

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 07:41:24

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('summary_sends', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('summary_sends', schema=None) as batch_op:
        batch_op.drop_column('last_attempt_at')
