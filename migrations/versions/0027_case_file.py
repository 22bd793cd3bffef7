"""case file: evidence lists (证据目录), service records (送达) and administrators' standard-document templates

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 13:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evidence_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('proves', sa.Text(), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_evidence_items_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_evidence_items_document_id_documents', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_evidence_items_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_evidence_items'),
    )
    op.create_index('ix_evidence_items_case_id', 'evidence_items', ['case_id'])
    op.create_table(
        'service_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('direction', sa.String(length=16), nullable=False),
        sa.Column('what', sa.String(length=200), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('party', sa.String(length=200), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('served_on', sa.Date(), nullable=False),
        sa.Column('proof_document_id', sa.Integer(), nullable=True),
        sa.Column('starts', sa.String(length=32), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawal_reason', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_service_records_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_service_records_document_id_documents', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['proof_document_id'], ['documents.id'], name='fk_service_records_proof_document_id_documents', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_service_records_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_service_records'),
    )
    op.create_index('ix_service_records_case_id', 'service_records', ['case_id'])
    op.create_table(
        'document_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name='fk_document_templates_uploaded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_document_templates'),
    )
    op.create_index('ix_document_templates_code', 'document_templates', ['code'])


def downgrade():
    op.drop_table('document_templates')
    op.drop_table('service_records')
    op.drop_table('evidence_items')
