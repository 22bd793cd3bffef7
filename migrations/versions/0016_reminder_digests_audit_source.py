"""notifications: reminder digests as claimed copies (sent once, or left "unknown" for an administrator);
audit: where each entry came from (a web address, the command line, a scheduled job)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder_digests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name='fk_reminder_digests_recipient_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_reminder_digests'),
    )
    op.create_index('ix_reminder_digests_day_status', 'reminder_digests', ['day', 'status'])
    op.create_index('ix_reminder_digests_recipient_id', 'reminder_digests', ['recipient_id'])
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch.create_index('ix_notifications_digest_id', ['digest_id'])
        batch.create_foreign_key(
            'fk_notifications_digest_id_reminder_digests', 'reminder_digests', ['digest_id'], ['id'], ondelete='SET NULL'
        )
    with op.batch_alter_table('audit_entries') as batch:
        batch.add_column(sa.Column('source', sa.String(length=160), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_entries') as batch:
        batch.drop_column('source')
    with op.batch_alter_table('notifications') as batch:
        batch.drop_constraint('fk_notifications_digest_id_reminder_digests', type_='foreignkey')
        batch.drop_index('ix_notifications_digest_id')
        batch.drop_column('digest_id')
    op.drop_index('ix_reminder_digests_recipient_id', table_name='reminder_digests')
    op.drop_index('ix_reminder_digests_day_status', table_name='reminder_digests')
    op.drop_table('reminder_digests')
