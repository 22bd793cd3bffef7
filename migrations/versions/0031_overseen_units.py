"""accounts: the units a district leader oversees (分管单位)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'overseen_units',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_overseen_units_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_overseen_units_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'unit_id', name=op.f('pk_overseen_units')),
    )


def downgrade():
    op.drop_table('overseen_units')
