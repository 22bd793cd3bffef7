"""cases: co-defendants (共同被告, 行政诉讼法 Art 26) — further respondent units of a case with their role, and each
one's appearance record at a hearing

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    # No rows: every existing case has its one respondent, which stays on cases.respondent_unit_id.
    op.create_table(
        'case_respondents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_case_respondents_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name='fk_case_respondents_unit_id_units'),
        sa.PrimaryKeyConstraint('id', name='pk_case_respondents'),
        sa.UniqueConstraint('case_id', 'unit_id', name='uq_case_respondents_case_id_unit_id'),
    )
    op.create_index('ix_case_respondents_unit_case', 'case_respondents', ['unit_id', 'case_id'], unique=False)
    op.create_table(
        'hearing_appearances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hearing_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('principal_name', sa.String(length=50), nullable=True),
        sa.Column('principal_title', sa.String(length=16), nullable=True),
        sa.Column('principal_named_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('appeared', sa.Boolean(), nullable=True),
        sa.Column('spoke', sa.Boolean(), nullable=True),
        sa.Column('absence_reason', sa.Text(), nullable=True),
        sa.Column('absence_approved_by_id', sa.Integer(), nullable=True),
        sa.Column('absence_approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['absence_approved_by_id'], ['users.id'], name='fk_hearing_appearances_absence_approved_by_id_users'
        ),
        sa.ForeignKeyConstraint(
            ['hearing_id'], ['hearings.id'], name='fk_hearing_appearances_hearing_id_hearings', ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name='fk_hearing_appearances_unit_id_units'),
        sa.PrimaryKeyConstraint('id', name='pk_hearing_appearances'),
        sa.UniqueConstraint('hearing_id', 'unit_id', name='uq_hearing_appearances_hearing_id_unit_id'),
    )


def downgrade():
    op.drop_table('hearing_appearances')
    op.drop_index('ix_case_respondents_unit_case', table_name='case_respondents')
    op.drop_table('case_respondents')
