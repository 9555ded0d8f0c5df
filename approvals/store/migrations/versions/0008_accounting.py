"""accounting: invoices, payments and bank statements

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa  # noqa: F401
import sqlmodel
from alembic import op  # noqa: F401

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
