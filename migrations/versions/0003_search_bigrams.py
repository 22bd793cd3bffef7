"""search bigrams and deadline order: list indexes measured at a million cases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 05:08:28.486982

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _bigrams(text):
    # The same rule as casetrack.cases.rules.search_bigrams, frozen here as migrations must not import app code.
    grams = set()
    for token in (text or "").lower().split():
        for start in range(len(token) - 1):
            gram = token[start:start + 2]
            if not gram.isascii():
                grams.add(gram)
    return sorted(grams)


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_grams', postgresql.ARRAY(sa.Text()).with_variant(sa.JSON(), 'sqlite'),
                                      nullable=True))
    bind = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('search_text', sa.Text),
                     sa.column('search_grams', postgresql.ARRAY(sa.Text()).with_variant(sa.JSON(), 'sqlite')))
    last_id = 0
    while True:
        rows = bind.execute(sa.select(cases.c.id, cases.c.search_text).where(cases.c.id > last_id)
                            .order_by(cases.c.id).limit(5000)).all()
        if not rows:
            break
        bind.execute(cases.update().where(cases.c.id == sa.bindparam('case_id'))
                     .values(search_grams=sa.bindparam('grams')),
                     [{'case_id': row.id, 'grams': _bigrams(row.search_text)} for row in rows])
        last_id = rows[-1].id
    if bind.dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_cases_search_grams ON cases USING gin (search_grams)")
    # The "overdue / due soon" list is sorted by deadline: an index in that exact order serves it directly.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_next_deadline')
        batch_op.create_index('ix_cases_next_deadline', ['next_deadline_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_next_deadline')
        batch_op.create_index('ix_cases_next_deadline', ['next_deadline_on'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_cases_search_grams")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('search_grams')
