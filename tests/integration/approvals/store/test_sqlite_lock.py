"""Writers waiting for SQLite's write lock: they take it as soon as it is free, and a lock that
never frees is reported as the store being unavailable, with nothing changed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from approvals.core.errors import StoreUnavailable
from approvals.store import db as store


@pytest.fixture
def sqlite(tmp_path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    store.upgrade(url)
    engine = store.make_engine(url)
    yield engine
    engine.dispose()


def _hold_write_lock(engine: Engine, seconds: float) -> threading.Thread:
    """A thread that holds the write lock for ``seconds``; returns once it has it."""
    taken = threading.Event()

    def hold() -> None:
        with store.write_connection(engine) as conn:
            conn.execute(sa.text("UPDATE person SET name = name"))
            taken.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    return thread


def test_a_writer_takes_the_lock_soon_after_it_is_released(sqlite: Engine) -> None:
    holder = _hold_write_lock(sqlite, 0.03)
    began = time.monotonic()
    with store.write_session(sqlite) as session:
        session.execute(sa.text("UPDATE person SET name = name"))
        waited = time.monotonic() - began
    holder.join()
    assert 0.02 <= waited < 0.5, waited  # it waited, and not for a busy handler's long nap
    with sqlite.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store.BUSY_TIMEOUT_MS


def test_a_lock_that_is_never_released_makes_the_store_unavailable(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(store, "LOCK_POLL_SECONDS", 0.05)
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    store.upgrade(url)
    engine = store.make_engine(url)
    try:
        holder = _hold_write_lock(engine, 1.0)
        with pytest.raises(StoreUnavailable, match="nothing was changed"):
            with store.write_connection(engine) as conn:
                conn.execute(sa.text("UPDATE person SET name = name"))
        holder.join()
    finally:
        engine.dispose()


def test_every_connection_has_the_durability_and_checkpoint_settings(sqlite: Engine) -> None:
    """WAL with synchronous NORMAL (a commit survives a crash of the program, the last ones
    may be lost with the machine's power, never the file), and checkpoints every
    WAL_AUTOCHECKPOINT_PAGES pages; a read connection and a write one alike."""
    def settings(conn) -> tuple:
        return tuple(conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in (
            "journal_mode", "synchronous", "wal_autocheckpoint", "foreign_keys"))

    with store.read_connection(sqlite) as conn:
        read = settings(conn)
    with store.write_connection(sqlite) as conn:
        written = settings(conn)
    assert read == written == ("wal", 1, store.WAL_AUTOCHECKPOINT_PAGES, 1)
