"""drop applicant name indexes: the applicant filter goes through the cases' search indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 06:20:00

"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Measured importing 20,000 rows into 1,000,000 cases: every index on applicants costs import time, and
    # neither served a LIKE '%name%' that search_text's trigram and bigram indexes cannot serve first.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_applicants_name_trgm")
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_index('ix_applicants_name')


def downgrade():
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.create_index('ix_applicants_name', ['name'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_applicants_name_trgm ON applicants USING gin (name gin_trgm_ops)")
