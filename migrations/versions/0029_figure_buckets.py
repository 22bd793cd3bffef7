"""figure buckets: the figure definitions' counts kept per unit and month (and per year for hearings)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

COUNTS = (
    "review_new", "litigation_new", "compensation_new", "review_concluded", "review_corrected",
    "litigation_concluded", "litigation_lost", "linked_cases_reviews_concluded", "linked_cases_sued_after",
    "linked_cases_appeals_concluded", "linked_cases_reversed_on_appeal", "compensation_concluded",
    "compensation_granted", "compensation_amount_granted", "adverse_reasons_adverse", "adverse_reasons_coded",
    "adverse_reasons_facts_unclear", "adverse_reasons_procedure", "adverse_reasons_wrong_law",
    "adverse_reasons_beyond_authority", "adverse_reasons_clearly_improper", "adverse_reasons_inaction",
    "adverse_reasons_other", "appearance_required", "appearance_appeared", "review_hearing_required",
    "review_hearing_attended", "mediation_concluded", "mediation_succeeded",
)


def upgrade():
    op.create_table(
        'figure_buckets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=8), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=4), nullable=False),
        sa.Column('hearings_as_of', sa.Date(), nullable=True),
        *(sa.Column(name, sa.BigInteger(), server_default='0', nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_figure_buckets_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_buckets')),
        sa.UniqueConstraint('scope', 'starts_on', 'unit_id', 'role', name='uq_figure_buckets_key'),
    )
    op.create_table(
        'figure_bucket_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('hearings_as_of', sa.Date(), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_bucket_state')),
    )
    # A kept count is recounted for a unit and a month; a case's concluded month is found through this index.
    op.create_index('ix_cases_unit_concluded', 'cases', ['respondent_unit_id', 'concluded_on'])
    # A deadline filter with a status (benchmarks/run_filters.py: "concluded + overdue" read 900,000 cases).
    op.create_index('ix_cases_status_deadline', 'cases', ['status', 'next_deadline_on'])
    if op.get_bind().dialect.name == "postgresql":
        # The number filter is LIKE '%…%' on number_key, as search is on search_text.
        op.execute("CREATE INDEX ix_cases_number_trgm ON cases USING gin (number_key gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_number_trgm")
    op.drop_index('ix_cases_status_deadline', table_name='cases')
    op.drop_index('ix_cases_unit_concluded', table_name='cases')
    op.drop_table('figure_bucket_state')
    op.drop_table('figure_buckets')
