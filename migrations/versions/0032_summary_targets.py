"""summaries: group delivery targets (DingTalk custom robot with 加签, 企业微信 group robot) and their copies

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'summary_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('webhook_sealed', sa.Text(), nullable=False),
        sa.Column('secret_sealed', sa.Text(), nullable=True),
        sa.Column('summaries', sa.String(length=64), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_summary_targets_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_targets')),
        sa.UniqueConstraint('name', name=op.f('uq_summary_targets_name')),
    )
    op.create_table(
        'target_sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['target_id'], ['summary_targets.id'], name=op.f('fk_target_sends_target_id_summary_targets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_target_sends')),
        sa.UniqueConstraint('kind', 'period', 'target_id', name='uq_target_sends_kind_period_target'),
    )
    with op.batch_alter_table('target_sends', schema=None) as batch_op:
        batch_op.create_index('ix_target_sends_created', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('target_sends', schema=None) as batch_op:
        batch_op.drop_index('ix_target_sends_created')
    op.drop_table('target_sends')
    op.drop_table('summary_targets')
