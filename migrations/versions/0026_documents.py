"""documents: the file (卷宗) of a case, mediation, risk case or interview — documents and their versions by hash

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 13:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_type', sa.String(length=16), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=24), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('dated_on', sa.Date(), nullable=True),
        sa.Column('given_by', sa.String(length=100), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawal_reason', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_documents_created_by_id_users'),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name='fk_documents_withdrawn_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_documents'),
    )
    op.create_index('ix_documents_owner', 'documents', ['owner_type', 'owner_id'])
    op.create_table(
        'document_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_document_versions_document_id_documents', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name='fk_document_versions_uploaded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_document_versions'),
    )
    op.create_index('uq_document_versions_number', 'document_versions', ['document_id', 'number'], unique=True)
    op.create_index('ix_document_versions_sha256', 'document_versions', ['sha256'])


def downgrade():
    op.drop_table('document_versions')
    op.drop_table('documents')
