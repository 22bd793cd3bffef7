"""interviews: a leader's decision on an interview proposal (同意约谈 / 暂不约谈 with a reason)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'interview_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('lost_cases', sa.Integer(), nullable=False),
        sa.Column('overdue_items', sa.Integer(), nullable=False),
        sa.Column('overdue_replies', sa.Integer(), nullable=False),
        sa.Column('overdue_rectification', sa.Integer(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_interview_decisions_decided_by_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_interview_decisions_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_decisions')),
    )
    with op.batch_alter_table('interview_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_decisions_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('interview_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_decisions_unit_id'))
    op.drop_table('interview_decisions')
