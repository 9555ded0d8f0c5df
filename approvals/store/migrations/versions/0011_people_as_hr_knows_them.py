"""people as HR knows them: hire date, position, employment status, time zone; departments
with their heads

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('hire_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('position', TEXT(length=200), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('employment', TEXT(length=20), nullable=False,
                                   server_default='active'))
        batch.add_column(sa.Column('time_zone', TEXT(length=64), nullable=False,
                                   server_default=''))
    op.create_table(
        'department',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', TEXT(length=200), nullable=False),
        sa.Column('head_id', sa.Integer(), nullable=True),
        sa.Column('parent', TEXT(length=200), nullable=False),
        sa.ForeignKeyConstraint(['head_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'))


def downgrade() -> None:
    op.drop_table('department')
    with op.batch_alter_table('person') as batch:
        batch.drop_column('time_zone')
        batch.drop_column('employment')
        batch.drop_column('position')
        batch.drop_column('hire_date')
