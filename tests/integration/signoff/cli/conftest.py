"""Fixtures for the command line: a fresh SQLite database and var folder per test, and ``cli``,
which runs ``signoff ARGS…`` in-process with click's ``CliRunner``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from approvals.store.db import make_engine
from signoff.cli import main
from tests.integration.signoff.cli import Invoke


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Signoff at ``tmp_path``: ``t.db`` and ``var/``; no outside configuration leaks in."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/t.db")
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    for name in ("REDIS_URL", "SIGNOFF_PROCESS_DIRS", "SIGNOFF_BASE_URL", "PORT",
                 "SIGNOFF_WEB_PORT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def cli(env: Path) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def upgraded(cli: Invoke) -> Invoke:
    """``cli`` on a database that ``signoff db upgrade`` has created."""
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    return cli


@pytest.fixture
def engine(env: Path) -> Iterator[Engine]:
    """An engine on the test database, for looking at what a command wrote."""
    engine = make_engine(f"sqlite:///{env}/t.db")
    yield engine
    engine.dispose()


@pytest.fixture
def people_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a people CSV (the header, then ``lines``) and return its path."""

    def write(*lines: str, name: str = "people.csv") -> Path:
        path = tmp_path / name
        path.write_text("\n".join(["email,name,locale,manager_email,department,roles,aliases",
                                   *lines]) + "\n", encoding="utf-8")
        return path

    return write
