"""The database: engines for SQLite (WAL) and PostgreSQL, sessions, and migrations.

Write sessions on SQLite start with ``BEGIN IMMEDIATE`` so that two writers queue on the lock
instead of failing half-way when a read transaction tries to become a write one; PostgreSQL
needs nothing special (the optimistic version check in the service does the rest).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from approvals.errors import StoreUnavailable

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine; for SQLite, the folder is created and WAL is switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False,
                                                             "timeout": 30})
        _sqlite_setup(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        immediate = connection.get_execution_options().get("signoff_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for one command: commits on success, rolls back on any error.

    A database that cannot be reached becomes :class:`StoreUnavailable` (HTTP 503)."""
    bind = engine.execution_options(signoff_write=True) if is_sqlite(engine) else engine
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
def read_session(engine: Engine) -> Iterator[Session]:
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
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
