"""Indexes for lists that stay fast with a year of data: a person's open tasks oldest first
(the inbox's page, with no sort), the tasks a person decided newest first ("done by me"),
the instances of a process waiting at a stage with a task open there (the accountants' queue),
the instances started or ended within a period (the auditor's search of a month),
and the invoice's supplier's name letter case aside, which the queue filters on (the existing
invoices' ``supplier_key`` is filled here, as ``accounting.models.supplier_key`` makes it:
``str.casefold``)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('task') as batch:
        batch.create_index('ix_task_assignee_state_opened',
                           ['assignee_id', 'state', 'opened_at', 'id'], unique=False)
        batch.create_index('ix_task_decided_by_closed', ['decided_by_id', 'closed_at'],
                           unique=False)
        batch.create_index('ix_task_instance_stage_state', ['instance_id', 'stage', 'state'],
                           unique=False)
    with op.batch_alter_table('instance') as batch:
        batch.create_index('ix_instance_process_status_stage',
                           ['process_id', 'status', 'stage'], unique=False)
        batch.create_index('ix_instance_started_at', ['started_at'], unique=False)
        batch.create_index('ix_instance_ended_at', ['ended_at'], unique=False)
    with op.batch_alter_table('invoice') as batch:
        batch.add_column(sa.Column('supplier_key', TEXT(length=900), nullable=False,
                                   server_default=''))
    invoice = sa.table('invoice', sa.column('id', sa.Integer), sa.column('supplier', sa.String),
                       sa.column('supplier_key', sa.String))
    bind = op.get_bind()
    folded = [{"key": row.id, "folded": (row.supplier or "").casefold()}
              for row in bind.execute(sa.select(invoice.c.id, invoice.c.supplier))]
    if folded:
        bind.execute(invoice.update().where(invoice.c.id == sa.bindparam("key"))
                     .values(supplier_key=sa.bindparam("folded")), folded)


def downgrade() -> None:
    with op.batch_alter_table('invoice') as batch:
        batch.drop_column('supplier_key')
    with op.batch_alter_table('instance') as batch:
        batch.drop_index('ix_instance_ended_at')
        batch.drop_index('ix_instance_started_at')
        batch.drop_index('ix_instance_process_status_stage')
    with op.batch_alter_table('task') as batch:
        batch.drop_index('ix_task_instance_stage_state')
        batch.drop_index('ix_task_decided_by_closed')
        batch.drop_index('ix_task_assignee_state_opened')
