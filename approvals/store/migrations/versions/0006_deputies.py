"""deputies (a person away names who decides for them) and the task's on-behalf-of

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


FK_ON_BEHALF_OF = 'fk_task_on_behalf_of_id_person'


def upgrade() -> None:
    with op.batch_alter_table('task') as batch:
        batch.add_column(sa.Column('on_behalf_of_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(FK_ON_BEHALF_OF, 'person', ['on_behalf_of_id'], ['id'])
    op.create_table(
        'deputy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('deputy_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('source', TEXT(length=10), nullable=False),
        sa.Column('reason', TEXT(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('cancelled_at', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['deputy_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('deputy') as batch:
        batch.create_index(batch.f('ix_deputy_person_id'), ['person_id'], unique=False)
        batch.create_index(batch.f('ix_deputy_deputy_id'), ['deputy_id'], unique=False)


def downgrade() -> None:
    op.drop_table('deputy')
    with op.batch_alter_table('task') as batch:
        batch.drop_constraint(FK_ON_BEHALF_OF, type_='foreignkey')
        batch.drop_column('on_behalf_of_id')
