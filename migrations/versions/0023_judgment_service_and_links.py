"""cases: judgment service and the appeal decision (行政诉讼法 Art. 85), and the case a litigation case follows

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    # All nullable: a case recorded before has no service date, decision or link, and nothing is guessed for it.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('judgment_served_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ruling_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('appeal_decision', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('appeal_decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('appeal_approved_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('related_case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('related_relation', sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_related_case_id'), ['related_case_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_cases_related_case_id_cases'), 'cases', ['related_case_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_related_case_id_cases'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_related_case_id'))
        batch_op.drop_column('related_relation')
        batch_op.drop_column('related_case_id')
        batch_op.drop_column('appeal_approved_by')
        batch_op.drop_column('appeal_decided_on')
        batch_op.drop_column('appeal_decision')
        batch_op.drop_column('ruling_kind')
        batch_op.drop_column('judgment_served_on')
