"""ledger: large files checked and imported by the worker, with their state and report

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ledger_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('report', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_ledger_imports_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_ledger_imports'),
    )
    op.create_index('ix_ledger_imports_user_created', 'ledger_imports', ['user_id', 'created_at'])


def downgrade():
    op.drop_index('ix_ledger_imports_user_created', table_name='ledger_imports')
    op.drop_table('ledger_imports')
