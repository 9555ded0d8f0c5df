"""A partial index of the notifications that sent a watcher an instance's signed trail, by
instance and person: whether a reader without a task on an instance is one of its watchers
(``queries.is_participant``, on every instance page an auditor or administrator opens) probed
all of the person's notifications — thousands after a year, ~20 ms at 100,000 instances. Only
trail notices are written to it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TRAIL_SENT = "template = 'trail_issued'"


def upgrade() -> None:
    op.create_index('ix_notification_trail_sent', 'notification', ['instance_id', 'person_id'],
                    unique=False, sqlite_where=sa.text(TRAIL_SENT),
                    postgresql_where=sa.text(TRAIL_SENT))


def downgrade() -> None:
    op.drop_index('ix_notification_trail_sent', table_name='notification')
