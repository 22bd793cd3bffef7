"""workdays: per-year schedule state, so a year counts as known only once its whole schedule is marked complete

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # No rows are made for years that already have days entered: until now entering one day made a year "known",
    # which is the mistake this table corrects, so every such year starts incomplete and its admin completes it.
    op.create_table(
        'calendar_years',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('complete', sa.Boolean(), nullable=False),
        sa.Column('completed_by_id', sa.Integer(), nullable=True),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ['completed_by_id'], ['users.id'], name='fk_calendar_years_completed_by_id_users', ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('year', name='pk_calendar_years'),
    )


def downgrade():
    op.drop_table('calendar_years')
