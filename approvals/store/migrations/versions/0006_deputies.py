"""deputies (a person away names who decides for them) and the task's on-behalf-of

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa  # noqa: F401
import sqlmodel
from alembic import op  # noqa: F401

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
