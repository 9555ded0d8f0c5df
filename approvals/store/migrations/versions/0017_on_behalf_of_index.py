"""A partial index of the tasks a deputy held for someone away, by the person away: the
"Watching" list finds the instances a person took part in through their tasks — held (by
``ix_task_assignee_state_opened``), decided (``ix_task_decided_by_closed``) and held for them
by a deputy (this one); without it that last part read every task of the year. Only tasks
routed to a deputy are written to it (``on_behalf_of_id`` is set), so the other commands do not
pay for it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 07:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

ROUTED = "on_behalf_of_id IS NOT NULL"


def upgrade() -> None:
    op.create_index('ix_task_on_behalf_of', 'task', ['on_behalf_of_id'], unique=False,
                    sqlite_where=sa.text(ROUTED), postgresql_where=sa.text(ROUTED))


def downgrade() -> None:
    op.drop_index('ix_task_on_behalf_of', table_name='task')
