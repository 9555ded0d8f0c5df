"""A partial index of the open payment tasks, for the accountants' queue: it totals every
invoice waiting for payment (thousands in a year), and found them by probing the tasks of each
waiting instance; the index holds only tasks open at the stage ``pay``, so it is read once and
written only by payment tasks

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 06:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OPEN_PAYMENT = "stage = 'pay' AND state = 'open'"


def upgrade() -> None:
    op.create_index('ix_task_open_payment', 'task', ['instance_id'], unique=False,
                    sqlite_where=sa.text(OPEN_PAYMENT), postgresql_where=sa.text(OPEN_PAYMENT))


def downgrade() -> None:
    op.drop_index('ix_task_open_payment', table_name='task')
