"""review_hearings: 听证 of review cases (行政复议法 Arts 50–51) and whether the respondent's head attended

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 07:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'review_hearings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('starts_at', sa.Time(), nullable=True),
        sa.Column('place', sa.String(length=100), nullable=False),
        sa.Column('matters', sa.Text(), nullable=False),
        sa.Column('notice_sent_on', sa.Date(), nullable=True),
        sa.Column('head_attended', sa.Boolean(), nullable=True),
        sa.Column('head_name', sa.String(length=50), nullable=True),
        sa.Column('head_title', sa.String(length=16), nullable=True),
        sa.Column('absence_reason', sa.Text(), nullable=True),
        sa.Column('delegate_name', sa.String(length=50), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_review_hearings_case_id_cases', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_review_hearings'),
    )
    op.create_index('ix_review_hearings_case_id', 'review_hearings', ['case_id'])
    op.create_index('ix_review_hearings_held_case', 'review_hearings', ['held_on', 'case_id'])


def downgrade():
    op.drop_index('ix_review_hearings_held_case', table_name='review_hearings')
    op.drop_index('ix_review_hearings_case_id', table_name='review_hearings')
    op.drop_table('review_hearings')
