"""cases: the dates a court sets in a lawsuit (举证期限, 证据交换, 庭前会议, 宣判), each with its owner

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'court_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('withdrawn', sa.Boolean(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_court_dates_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name='fk_court_dates_owner_id_users'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_court_dates_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_court_dates'),
    )
    op.create_index('ix_court_dates_case_id', 'court_dates', ['case_id'])
    op.create_index('ix_court_dates_due', 'court_dates', ['done_on', 'due_on'])


def downgrade():
    op.drop_index('ix_court_dates_due', table_name='court_dates')
    op.drop_index('ix_court_dates_case_id', table_name='court_dates')
    op.drop_table('court_dates')
