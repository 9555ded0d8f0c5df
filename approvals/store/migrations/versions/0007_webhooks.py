"""webhook endpoints and their deliveries

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa  # noqa: F401
import sqlmodel
from alembic import op  # noqa: F401

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
