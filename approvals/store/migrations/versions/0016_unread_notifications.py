"""A partial index of each person's unread notifications, for the unread count every page
shows on its navigation: one COUNT reads only the unread rows of the person, however many they
have read; a notification leaves the index when it is read

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

UNREAD = "read_at IS NULL"


def upgrade() -> None:
    op.create_index('ix_notification_unread', 'notification', ['person_id'], unique=False,
                    sqlite_where=sa.text(UNREAD), postgresql_where=sa.text(UNREAD))


def downgrade() -> None:
    op.drop_index('ix_notification_unread', table_name='notification')
