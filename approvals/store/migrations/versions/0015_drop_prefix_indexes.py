"""Drop four indexes that are the first column of another index on the same table: every
command wrote them and no query needs them (``task(instance_id)`` and ``auditevent
(instance_id)`` lead their ``(instance_id, seq)`` unique constraints, ``task(assignee_id)``
leads ``ix_task_assignee_state_opened``, ``instance(process_id)`` leads
``ix_instance_process_status_stage``). A start and four decisions wrote ~109 pages of SQLite's
log; each index a row enters is a page more.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 07:40:00
"""

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

#: (index, table, column) — each covered by a longer index that starts with the column
DROPPED = (("ix_task_instance_id", "task", "instance_id"),
           ("ix_task_assignee_id", "task", "assignee_id"),
           ("ix_auditevent_instance_id", "auditevent", "instance_id"),
           ("ix_instance_process_id", "instance", "process_id"))


def upgrade() -> None:
    for index, table, _column in DROPPED:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for index, table, column in DROPPED:
        op.create_index(index, table, [column], unique=False)
