"""cases: applicants' ID numbers sealed (AES-GCM or SM4-GCM, casetrack.ciphers) with a keyed hash for exact search;
the plain column goes

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-08 06:00:00

"""
from alembic import op
import sqlalchemy as sa

from casetrack import ciphers

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # Pages the plain values leave are overwritten, not just freed: the file keeps no readable ID number.
        op.execute('PRAGMA secure_delete = ON')
    op.add_column('applicants', sa.Column('id_number_sealed', sa.Text(), nullable=True))
    op.add_column('applicants', sa.Column('id_number_digest', sa.String(length=64), nullable=True))
    table = sa.table('applicants', sa.column('id'), sa.column('id_number'), sa.column('id_number_sealed'),
                     sa.column('id_number_digest'))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.id_number).where(table.c.id > last, table.c.id_number.is_not(None))
            .order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            table.update().where(table.c.id == sa.bindparam('row_id')).values(
                id_number_sealed=sa.bindparam('sealed'), id_number_digest=sa.bindparam('digest')
            ),
            [{'row_id': row.id, 'sealed': ciphers.seal(row.id_number), 'digest': ciphers.digest(row.id_number)}
             for row in rows],
        )
        last = rows[-1].id
    with op.batch_alter_table('applicants') as batch:
        batch.drop_column('id_number')
    op.create_index('ix_applicants_id_number_digest', 'applicants', ['id_number_digest'])


def downgrade():
    op.drop_index('ix_applicants_id_number_digest', 'applicants')
    op.add_column('applicants', sa.Column('id_number', sa.String(length=32), nullable=True))
    table = sa.table('applicants', sa.column('id'), sa.column('id_number'), sa.column('id_number_sealed'))
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.id_number_sealed).where(table.c.id_number_sealed.is_not(None)))
    updates = [{'row_id': row.id, 'plain': ciphers.unseal(row.id_number_sealed)} for row in rows]
    if updates:
        bind.execute(table.update().where(table.c.id == sa.bindparam('row_id')).values(id_number=sa.bindparam('plain')),
                     updates)
    with op.batch_alter_table('applicants') as batch:
        batch.drop_column('id_number_digest')
        batch.drop_column('id_number_sealed')
