"""cases: 中止 intervals and 补正 requests stop and restart the statutory clock; an Art. 62 extension keeps its reason

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('extension_reason', sa.Text(), nullable=True))
    op.create_table(
        'case_suspensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('suspended_on', sa.Date(), nullable=False),
        sa.Column('resumed_on', sa.Date(), nullable=True),
        sa.Column('reason_code', sa.String(length=32), nullable=False),
        sa.Column('reason_text', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_case_suspensions_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_case_suspensions_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_case_suspensions'),
        sa.UniqueConstraint('case_id', 'suspended_on', name='uq_case_suspensions_case_id_suspended_on'),
    )
    op.create_index('ix_case_suspensions_running', 'case_suspensions', ['resumed_on', 'suspended_on'])
    op.create_table(
        'case_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('notice_on', sa.Date(), nullable=False),
        sa.Column('notice_received_on', sa.Date(), nullable=True),
        sa.Column('items', sa.Text(), nullable=False),
        sa.Column('extended_to', sa.Date(), nullable=True),
        sa.Column('extension_reason', sa.Text(), nullable=True),
        sa.Column('result', sa.String(length=16), nullable=True),
        sa.Column('result_on', sa.Date(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_case_corrections_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_case_corrections_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_case_corrections'),
        sa.UniqueConstraint('case_id', name='uq_case_corrections_case_id'),
    )


def downgrade():
    op.drop_table('case_corrections')
    op.drop_index('ix_case_suspensions_running', table_name='case_suspensions')
    op.drop_table('case_suspensions')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('extension_reason')
