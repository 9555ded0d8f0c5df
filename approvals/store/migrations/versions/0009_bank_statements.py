"""bank files: the payment orders exported for invoices, the bank statements imported by the
accountants and their lines

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'bankorder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('amount', TEXT(length=40), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('exported_at', UTC(), nullable=False),
        sa.Column('exported_by_id', sa.Integer(), nullable=False),
        sa.Column('exports', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.ForeignKeyConstraint(['exported_by_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id'),
        sa.UniqueConstraint('year', 'number'))
    op.create_table(
        'bankstatement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', TEXT(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('filename', TEXT(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('account', TEXT(length=20), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sha256'))
    op.create_table(
        'statementline',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('kind', TEXT(length=100), nullable=False),
        sa.Column('number', TEXT(length=40), nullable=False),
        sa.Column('doc_date', sa.Date(), nullable=False),
        sa.Column('debited_on', sa.Date(), nullable=True),
        sa.Column('amount', TEXT(length=40), nullable=False),
        sa.Column('payee_inn', TEXT(length=20), nullable=False),
        sa.Column('payee_name', TEXT(length=500), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('outcome', TEXT(length=20), nullable=False),
        sa.Column('reason', TEXT(length=40), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('candidates', sa.JSON(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('paid_at', UTC(), nullable=True),
        sa.Column('paid_by_id', sa.Integer(), nullable=True),
        sa.Column('error', TEXT(length=40), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.ForeignKeyConstraint(['paid_by_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['statement_id'], ['bankstatement.id'], ),
        sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('statement_id', 'line'))
    with op.batch_alter_table('statementline') as batch:
        batch.create_index(batch.f('ix_statementline_statement_id'), ['statement_id'],
                           unique=False)
        batch.create_index(batch.f('ix_statementline_instance_id'), ['instance_id'],
                           unique=False)


def downgrade() -> None:
    op.drop_table('statementline')
    op.drop_table('bankstatement')
    op.drop_table('bankorder')
