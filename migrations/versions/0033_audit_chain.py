"""audit: a hash chain over the entries (seq, prev_hash, entry_hash), purges that keep its start, and on PostgreSQL a
trigger that refuses to change or remove an entry

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-08 04:00:00

"""
from alembic import op
import sqlalchemy as sa

from casetrack.audit.rules import CHAINED_FIELDS, GENESIS, entry_digest

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

#: Refuses UPDATE and DELETE of an entry, with two exceptions: sealing (an entry without a place gets one, nothing
#: else about it changing) and a purge (`flask audit purge` sets casetrack.audit_purge) of entries past the
#: 180 days 网络安全法 Art. 21 asks for. TRUNCATE is refused unless the purge setting is on (the test harness).
APPEND_ONLY = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF current_setting('casetrack.audit_purge', true) = 'on' THEN RETURN NULL; END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF current_setting('casetrack.audit_purge', true) = 'on' AND OLD.at < now() - interval '180 days' THEN
            RETURN OLD;
        END IF;
    ELSIF OLD.seq IS NULL AND NEW.seq IS NOT NULL
        AND (NEW.id, NEW.entity_type, NEW.entity_id, NEW.action, NEW.field, NEW.before, NEW.after, NEW.comment,
             NEW.source, NEW.actor_id, NEW.at)
        IS NOT DISTINCT FROM
            (OLD.id, OLD.entity_type, OLD.entity_id, OLD.action, OLD.field, OLD.before, OLD.after, OLD.comment,
             OLD.source, OLD.actor_id, OLD.at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
"""


def upgrade():
    with op.batch_alter_table('audit_entries') as batch:
        batch.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('prev_hash', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('entry_hash', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('batch', sa.String(length=32), nullable=True))
        batch.create_unique_constraint('uq_audit_entries_seq', ['seq'])
    op.create_index('ix_audit_entries_batch', 'audit_entries', ['batch'], postgresql_where=sa.text('seq IS NULL'),
                    sqlite_where=sa.text('seq IS NULL'))
    op.create_index('ix_audit_entries_at', 'audit_entries', ['at'])
    op.create_table(
        'audit_purges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('up_to_seq', sa.BigInteger(), nullable=False),
        sa.Column('last_hash', sa.String(length=80), nullable=False),
        sa.Column('removed', sa.BigInteger(), nullable=False),
        sa.Column('before', sa.DateTime(timezone=True), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    _seal_existing()
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY)


def _seal_existing():
    """The entries written before the chain existed take its first places, in the order they were written."""
    bind = op.get_bind()
    # 'at' typed, so SQLite hands back a datetime as the app reads it, not its stored text: the hash must be the one
    # `audit verify` computes.
    table = sa.table('audit_entries', sa.column('id'),
                     *(sa.column(name, sa.DateTime(timezone=True)) if name == 'at' else sa.column(name)
                       for name in CHAINED_FIELDS),
                     sa.column('prev_hash'), sa.column('entry_hash'))
    seq, previous, last_id = 0, GENESIS, 0
    while True:
        rows = list(bind.execute(
            sa.select(table.c.id, *(table.c[n] for n in CHAINED_FIELDS if n != 'seq'))
            .where(table.c.id > last_id).order_by(table.c.id).limit(10_000)
        ).mappings())
        if not rows:
            return
        updates = []
        for row in rows:
            seq += 1
            digest = entry_digest({**row, 'seq': seq}, previous, 'sha256')
            updates.append({'row_id': row['id'], 'new_seq': seq, 'new_prev': previous, 'new_hash': digest})
            previous, last_id = digest, row['id']
        bind.execute(
            table.update().where(table.c.id == sa.bindparam('row_id')).values(
                seq=sa.bindparam('new_seq'), prev_hash=sa.bindparam('new_prev'), entry_hash=sa.bindparam('new_hash')
            ),
            updates,
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_entries_no_truncate ON audit_entries')
        op.execute('DROP TRIGGER audit_entries_append_only ON audit_entries')
        op.execute('DROP FUNCTION audit_entries_append_only()')
    op.drop_table('audit_purges')
    op.drop_index('ix_audit_entries_at', 'audit_entries')
    op.drop_index('ix_audit_entries_batch', 'audit_entries')
    with op.batch_alter_table('audit_entries') as batch:
        batch.drop_constraint('uq_audit_entries_seq', type_='unique')
        batch.drop_column('batch')
        batch.drop_column('entry_hash')
        batch.drop_column('prev_hash')
        batch.drop_column('seq')

