"""accounts: password age, history and first-use change; TOTP second factor and recovery codes; the security
administrator's password and session policy

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-08 05:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('totp_secret_sealed', sa.Text(), nullable=True))
        batch.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    # A password set before the policy counts from the migration: nobody is locked out on the day it ships.
    op.execute(sa.text('UPDATE users SET password_changed_at = CURRENT_TIMESTAMP'))
    # Every session and remember cookie from before ends: they were made without the second factor and the limits.
    op.execute(sa.text('UPDATE users SET session_version = session_version + 1'))
    op.create_table(
        'password_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_password_history_user_id', 'password_history', ['user_id'])
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_recovery_codes_user_id', 'recovery_codes', ['user_id'])
    op.create_table(
        'security_policy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('min_length', sa.Integer(), nullable=False),
        sa.Column('classes', sa.Integer(), nullable=False),
        sa.Column('history', sa.Integer(), nullable=False),
        sa.Column('max_age_days', sa.Integer(), nullable=False),
        sa.Column('idle_minutes', sa.Integer(), nullable=True),
        sa.Column('single_session', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('security_policy')
    op.drop_index('ix_recovery_codes_user_id', 'recovery_codes')
    op.drop_table('recovery_codes')
    op.drop_index('ix_password_history_user_id', 'password_history')
    op.drop_table('password_history')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_enabled_at')
        batch.drop_column('totp_secret_sealed')
        batch.drop_column('must_change_password')
        batch.drop_column('password_changed_at')
