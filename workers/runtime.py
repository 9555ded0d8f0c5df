"""What a worker process shares between actors: its database engine.

Built lazily from :class:`signoff.config.Settings`; tests and the benchmark install their own
with :func:`use_db`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from approvals.store.db import make_engine
from signoff.config import Settings

_db: Engine | None = None


def db() -> Engine:
    global _db
    if _db is None:
        _db = make_engine(Settings.from_env().database_url)
    return _db


def use_db(engine: Engine | None) -> None:
    global _db
    _db = engine


def secret_key() -> str:
    """The key reply tokens are derived with (``SIGNOFF_SECRET_KEY``, else the one kept under
    var/)."""
    return Settings.from_env().secret_key


def utcnow() -> datetime:
    """The clock of the adapters: an aware UTC time (the database stores and returns UTC)."""
    return datetime.now(UTC)
