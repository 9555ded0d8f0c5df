"""security and leases: session versions, token expiry, login lockouts, outbox and inbound
leases, provisional trail drafts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 18:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                   server_default='0'))
    with op.batch_alter_table('apitoken') as batch:
        batch.add_column(sa.Column('label', TEXT(length=100), nullable=False, server_default=''))
        batch.add_column(sa.Column('expires_at', UTC(), nullable=True))
        batch.add_column(sa.Column('revoked_at', UTC(), nullable=True))
    with op.batch_alter_table('outboxitem') as batch:
        batch.add_column(sa.Column('queued_at', UTC(), nullable=True))
        batch.add_column(sa.Column('claimed_at', UTC(), nullable=True))
        batch.add_column(sa.Column('next_attempt_at', UTC(), nullable=True))
    with op.batch_alter_table('inboundmessage') as batch:
        batch.add_column(sa.Column('queued_at', UTC(), nullable=True))
        batch.add_column(sa.Column('claimed_at', UTC(), nullable=True))
    op.create_table(
        'loginlockout',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UTC(), nullable=False),
        sa.Column('scope', TEXT(length=20), nullable=False),
        sa.Column('email', TEXT(length=320), nullable=False),
        sa.Column('address', TEXT(length=64), nullable=False),
        sa.Column('until', UTC(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('loginlockout') as batch:
        batch.create_index(batch.f('ix_loginlockout_at'), ['at'], unique=False)
    op.create_table(
        'traildraft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('chain_head', TEXT(length=64), nullable=False),
        sa.Column('locale', TEXT(length=5), nullable=False),
        sa.Column('state', TEXT(length=20), nullable=False),
        sa.Column('requested_at', UTC(), nullable=False),
        sa.Column('queued_at', UTC(), nullable=True),
        sa.Column('claimed_at', UTC(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('rendered_at', UTC(), nullable=True),
        sa.Column('path', TEXT(length=200), nullable=True),
        sa.Column('sha256', TEXT(length=64), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id', 'chain_head', 'locale'))
    with op.batch_alter_table('traildraft') as batch:
        batch.create_index(batch.f('ix_traildraft_instance_id'), ['instance_id'], unique=False)


def downgrade() -> None:
    op.drop_table('traildraft')
    op.drop_table('loginlockout')
    with op.batch_alter_table('inboundmessage') as batch:
        batch.drop_column('claimed_at')
        batch.drop_column('queued_at')
    with op.batch_alter_table('outboxitem') as batch:
        batch.drop_column('next_attempt_at')
        batch.drop_column('claimed_at')
        batch.drop_column('queued_at')
    with op.batch_alter_table('apitoken') as batch:
        batch.drop_column('revoked_at')
        batch.drop_column('expires_at')
        batch.drop_column('label')
    with op.batch_alter_table('person') as batch:
        batch.drop_column('session_version')
