"""accounting: invoices and payments (bank statements are 0009's)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'invoice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('supplier', TEXT(length=300), nullable=False),
        sa.Column('supplier_inn', TEXT(length=12), nullable=False),
        sa.Column('number', TEXT(length=100), nullable=False),
        sa.Column('number_key', TEXT(length=100), nullable=False),
        sa.Column('invoice_date', sa.Date(), nullable=False),
        sa.Column('amount', TEXT(length=40), nullable=False),
        sa.Column('currency', TEXT(length=3), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('registered_at', UTC(), nullable=False),
        sa.Column('updated_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id'))
    with op.batch_alter_table('invoice') as batch:
        batch.create_index(batch.f('ix_invoice_supplier_inn'), ['supplier_inn'], unique=False)
        batch.create_index(batch.f('ix_invoice_due'), ['due'], unique=False)
    op.create_table(
        'payment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('order_no', TEXT(length=100), nullable=False),
        sa.Column('amount', TEXT(length=40), nullable=False),
        sa.Column('currency', TEXT(length=3), nullable=False),
        sa.Column('recorded_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('payment') as batch:
        batch.create_index(batch.f('ix_payment_instance_id'), ['instance_id'], unique=False)
        batch.create_index(batch.f('ix_payment_paid_on'), ['paid_on'], unique=False)


def downgrade() -> None:
    op.drop_table('payment')
    op.drop_table('invoice')
