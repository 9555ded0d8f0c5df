"""webhook endpoints and their deliveries

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'webhookendpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', TEXT(length=2000), nullable=False),
        sa.Column('description', TEXT(length=200), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('secret', TEXT(length=100), nullable=False),
        sa.Column('previous_secret', TEXT(length=100), nullable=True),
        sa.Column('previous_secret_until', UTC(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('allow_private', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('disabled_at', UTC(), nullable=True),
        sa.Column('disabled_reason', TEXT(length=20), nullable=True),
        sa.Column('sending_since', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'webhookattempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('outbox_item_id', sa.Integer(), nullable=False),
        sa.Column('message_id', TEXT(length=40), nullable=False),
        sa.Column('event_type', TEXT(length=40), nullable=False),
        sa.Column('at', UTC(), nullable=False),
        sa.Column('address', TEXT(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('response', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhookendpoint.id'], ),
        sa.ForeignKeyConstraint(['outbox_item_id'], ['outboxitem.id'], ),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('webhookattempt') as batch:
        batch.create_index(batch.f('ix_webhookattempt_at'), ['at'], unique=False)
        batch.create_index(batch.f('ix_webhookattempt_endpoint_id'), ['endpoint_id'],
                           unique=False)
        batch.create_index(batch.f('ix_webhookattempt_message_id'), ['message_id'],
                           unique=False)
        batch.create_index(batch.f('ix_webhookattempt_outbox_item_id'), ['outbox_item_id'],
                           unique=False)


def downgrade() -> None:
    op.drop_table('webhookattempt')
    op.drop_table('webhookendpoint')
