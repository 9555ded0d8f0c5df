"""Small helpers every blueprint shares: the database engine, the clock, and row ids in
URLs."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from approvals.clock import utcnow

__all__ = ["ROW_ID_MAX", "RowId", "db", "utcnow"]

#: The largest id every database's integer column holds.
ROW_ID_MAX = 2**31 - 1


class RowId(IntegerConverter):
    """A positive row id that fits every database's integer column (larger ids are 404s)."""

    def __init__(self, url_map, *_args, **_kwargs) -> None:
        super().__init__(url_map, min=1, max=ROW_ID_MAX)


def db() -> Engine:
    return current_app.extensions["signoff.db"]
