"""The chaos suite's markers and fixtures.

Markers: every scenario is ``chaos``; the ones that fit in plain ``pytest`` (together about two
minutes) are also ``chaos_quick`` — of those, ``make test`` runs the ones ``tests/slow.py`` does
not mark ``slow``, ``make test-full`` all of them. The rest run only under
``make chaos`` (``SIGNOFF_CHAOS=full``): plain ``pytest`` deselects them. ``SIGNOFF_CHAOS=full``
also makes the outages as long as the issue asks (the relay away for 10 minutes, say); in the
quick runs they are shorter.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.chaos.checker import Verdict, check, summary

FULL = os.environ.get("SIGNOFF_CHAOS") == "full"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chaos: a fault-injection scenario against real "
                                       "processes (tests/chaos, `make chaos`)")
    config.addinivalue_line("markers", "chaos_quick: a chaos scenario short enough for plain "
                                       "pytest / `make test`")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL:
        return
    keep, drop = [], []
    for item in items:
        if item.get_closest_marker("chaos") and not item.get_closest_marker("chaos_quick"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def seconds(full: float, quick: float) -> float:
    """How long a fault lasts: ``full`` under ``make chaos``, ``quick`` otherwise."""
    return full if FULL else quick


@pytest.fixture
def stack_factory(tmp_path: Path, org_keys: Path, request: pytest.FixtureRequest
                  ) -> Iterator[Callable]:
    """``stack_factory(database="sqlite"|"postgres", redis_persistent=True)``: a set-up
    installation (not started) whose roles are stopped at the end; on a failing test, the tail
    of every role's log is printed."""
    from tests.chaos.harness import Stack

    made = []

    def make(database: str = "sqlite", redis_persistent: bool = True) -> Stack:
        var = tmp_path / f"var{len(made)}"
        if database == "sqlite":
            url = f"sqlite:///{var / 'signoff.db'}"
        else:
            url = _postgres_database(request)
        stack = Stack(var, url, redis_persistent=redis_persistent)
        made.append(stack)
        stack.setup(org_keys)
        return stack

    yield make
    kept = os.environ.get("SIGNOFF_CHAOS_RESULTS")
    for n, stack in enumerate(made):
        stack.close()
        if kept:  # `make chaos`: every role's log kept next to the table's rows
            name = "".join(c if c.isalnum() else "_" for c in request.node.name)
            target = Path(kept).with_suffix(".logs") / f"{name}{n or ''}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(stack.logs, target)
            stack.logs = target
        print(f"\n[chaos] logs in {stack.logs}")
        failed = getattr(request.node, "chaos_failed", True)
        if failed:
            print(stack.log_tails())


def _postgres_database(request: pytest.FixtureRequest) -> str:
    from sqlalchemy.engine import make_url

    admin = request.getfixturevalue("postgres_admin")
    name = f"chaos_{secrets.token_hex(5)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return make_url(request.getfixturevalue("postgres_url")).set(database=name) \
        .render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_admin(postgres_url: str):
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    engine = sa.create_engine(make_url(postgres_url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def verify(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Callable[..., Verdict]:
    """``verify(stack, expected_failure="")``: run the checker, record the table row under
    the test's name, print the summary and fail on any problem (a scenario that knows a
    defect passes ``expected_failure`` and is marked ``xfail(strict=True)``)."""

    def run(stack, *, explained: set[str] | None = None, expected_failure: str = "",
            name: str | None = None) -> Verdict:
        scenario = name or request.node.name.removeprefix("test_")
        results = Path(os.environ.get("SIGNOFF_CHAOS_RESULTS")
                       or tmp_path_factory.getbasetemp() / "chaos-results.jsonl")
        verdict = check(stack, scenario, results, explained=explained,
                        expected_failure=expected_failure)
        print("\n" + summary(verdict))
        request.node.chaos_failed = not verdict.ok
        assert verdict.ok, summary(verdict)
        return verdict

    return run
