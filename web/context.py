"""Small helpers every blueprint shares: the database engine and the clock."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.engine import Engine

from approvals.clock import utcnow

__all__ = ["db", "utcnow"]


def db() -> Engine:
    return current_app.extensions["signoff.db"]
