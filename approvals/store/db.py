"""The database: engines for SQLite (WAL) and PostgreSQL, sessions, and migrations.

Write sessions on SQLite start with ``BEGIN IMMEDIATE`` so that two writers queue on the lock
instead of failing half-way when a read transaction tries to become a write one; PostgreSQL
needs nothing special (the optimistic version check in the service does the rest).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from approvals.core.errors import StoreUnavailable

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30000  # how long a statement waits for SQLite's lock before it fails
LOCK_POLL_SECONDS = 1.0  # how long BEGIN IMMEDIATE polls for the lock before that


def make_engine(url: str, echo: bool = False) -> Engine:
    """A database handle (SQLAlchemy's Engine, called ``db`` everywhere: ``engine`` is the
    process engine); for SQLite, the folder is created and WAL is switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        db = create_engine(url, echo=echo, connect_args={"check_same_thread": False,
                                                         "timeout": 30})
        _sqlite_setup(db)
        return db
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


# SQLite's durability on every connection (the peer benchmark uses the same: benchmarks/peer.py).
SQLITE_PRAGMAS = {"journal_mode": "WAL", "synchronous": "NORMAL"}
#: The commit that finds this many pages in the write-ahead log copies them into the database
#: file (SQLite's default: 1,000 pages, 4 MB). A decision rewrites the same few hot pages (the
#: tables' and indexes' newest leaves) again and again, and a checkpoint writes each page once
#: however often it changed: checkpointing a tenth as often costs writers ~15 % less time
#: (`make bench`, 2026-12-07), for a log of up to 40 MB between checkpoints.
WAL_AUTOCHECKPOINT_PAGES = 10_000


def _sqlite_setup(db: Engine) -> None:
    @event.listens_for(db, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for name, value in SQLITE_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}={value}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(db, "begin")
    def _begin(connection) -> None:
        if connection.get_execution_options().get("signoff_write", False):
            _begin_immediate(connection)
        else:  # a deferred BEGIN takes no lock and cannot be busy: the driver's cursor is
            # enough (through SQLAlchemy's execution it cost ~0.15 ms, every read, every page)
            connection.connection.driver_connection.execute("BEGIN")


def _begin_immediate(connection: Connection) -> None:
    """``BEGIN IMMEDIATE``, polling for the write lock in sub-millisecond steps at first.

    SQLite's own busy handler sleeps 1, 2, 5, 10, … 100 ms between tries: a writer that finds
    the lock taken waits far longer than the holder needs it, and writers that follow each
    other closely (a worker delivering outbox rows) can starve it for tens of milliseconds.
    Polling finely catches the gaps between their transactions. A lock still taken after
    ``LOCK_POLL_SECONDS`` is waited for as before (the busy timeout), and any other error is
    reported by that same statement, as SQLAlchemy reports errors."""
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA busy_timeout=0")
    try:
        deadline, delay = time.monotonic() + LOCK_POLL_SECONDS, 0.00005
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() > deadline:
                    break
            time.sleep(delay)
            delay = min(delay * 2, 0.001)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_sqlite(db: Engine) -> bool:
    return db.dialect.name == "sqlite"


@contextmanager
def write_session(db: Engine) -> Iterator[Session]:
    """A session for one command: commits on success, rolls back on any error.

    A database that cannot be reached becomes :class:`StoreUnavailable` (HTTP 503)."""
    bind = db.execution_options(signoff_write=True) if is_sqlite(db) else db
    try:
        with Session(bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    except exc.OperationalError as error:
        if _is_unavailable(error):
            raise StoreUnavailable("the database is unavailable; nothing was changed") from error
        raise


@contextmanager
def write_connection(db: Engine) -> Iterator[Connection]:
    """What :func:`write_session` is, for Core statements: one transaction on one connection,
    committed on success and rolled back on any error; ``BEGIN IMMEDIATE`` on SQLite.

    The service's commands use it: they run a handful of prebuilt statements, and an ORM
    session would cost more than the statements themselves."""
    try:
        with db.connect() as connection:
            if is_sqlite(db):
                connection.execution_options(signoff_write=True)
            with connection.begin():
                yield connection
    except exc.OperationalError as error:
        if _is_unavailable(error):
            raise StoreUnavailable("the database is unavailable; nothing was changed") from error
        raise


@contextmanager
def read_session(db: Engine) -> Iterator[Session]:
    try:
        with Session(db, expire_on_commit=False) as session:
            yield session
    except exc.OperationalError as error:
        if _is_unavailable(error):
            raise StoreUnavailable("the database is unavailable") from error
        raise


@contextmanager
def read_connection(db: Engine) -> Iterator[Connection]:
    """What :func:`read_session` is, for a few prebuilt Core statements (the API's check of a
    token on every request): no ORM session to set up and tear down."""
    try:
        with db.connect() as connection:
            yield connection
    except exc.OperationalError as error:
        if _is_unavailable(error):
            raise StoreUnavailable("the database is unavailable") from error
        raise


def _is_unavailable(error: exc.OperationalError) -> bool:
    text = str(error.orig).lower()
    return any(s in text for s in ("connection", "could not connect", "unable to open",
                                   "server closed", "terminating", "no such table",
                                   "database is locked"))


def alembic_config(url: str):
    from alembic.config import Config  # imported here: workers never migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the schema to the newest migration (``signoff db upgrade``)."""
    from alembic import command

    make_engine(url).dispose()  # creates the SQLite folder
    try:
        command.upgrade(alembic_config(url), "head")
    except exc.OperationalError as error:
        if _is_unavailable(error):
            raise StoreUnavailable(f"the database is unavailable: {error.orig}") from error
        raise
