"""instance titles in each language

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 16:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('instance') as batch:
        batch.add_column(sa.Column('titles', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('instance') as batch:
        batch.drop_column('titles')
