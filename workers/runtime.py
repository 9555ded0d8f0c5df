"""What a worker process shares between actors: its database engine.

Built lazily from :class:`approvals.config.Settings`; tests and the benchmark install their own
with :func:`use_db`.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from approvals.config import Settings
from approvals.store.db import make_engine

_db: Engine | None = None


def db() -> Engine:
    global _db
    if _db is None:
        _db = make_engine(Settings.from_env().database_url)
    return _db


def use_db(engine: Engine | None) -> None:
    global _db
    _db = engine
