"""cases: 行政赔偿 claims as a third case kind — a wider kind column and the amounts claimed and granted

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The figures read these two indexes alone (0012); the amount granted is now one of the figures' columns.
RECEIVED = ['received_on', 'id', 'kind', 'instance', 'concluded_on', 'outcome', 'respondent_unit_id']
CONCLUDED = ['concluded_on', 'kind', 'instance', 'received_on', 'outcome', 'respondent_unit_id']


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.alter_column('kind', existing_type=sa.String(length=16), type_=sa.String(length=32), existing_nullable=False)
        batch.add_column(sa.Column('amount_claimed_fen', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('amount_granted_fen', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('cases') as batch:
        batch.drop_index('ix_cases_received')
        batch.create_index('ix_cases_received', [*RECEIVED, 'amount_granted_fen'], unique=False)
        batch.drop_index('ix_cases_concluded')
        batch.create_index('ix_cases_concluded', [*CONCLUDED, 'amount_granted_fen'], unique=False)
    with op.batch_alter_table('outcome_reports') as batch:
        batch.add_column(sa.Column('amount_granted_fen', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('outcome_reports') as batch:
        batch.drop_column('amount_granted_fen')
    with op.batch_alter_table('cases') as batch:
        batch.drop_index('ix_cases_concluded')
        batch.create_index('ix_cases_concluded', CONCLUDED, unique=False)
        batch.drop_index('ix_cases_received')
        batch.create_index('ix_cases_received', RECEIVED, unique=False)
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('amount_granted_fen')
        batch.drop_column('amount_claimed_fen')
        batch.alter_column('kind', existing_type=sa.String(length=32), type_=sa.String(length=16), existing_nullable=False)
