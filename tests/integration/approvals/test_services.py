"""The service fixtures start real servers that the application's clients can talk to."""

from __future__ import annotations

import pytest
import redis
import sqlalchemy as sa

from workers.broker import make_broker


def test_redis_fixture_answers_set_and_get(redis_url: str) -> None:
    assert redis_url.startswith("unix://")
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.set("signoff:probe", "ok")
        assert client.get("signoff:probe") == b"ok"
    finally:
        client.close()


def test_broker_reaches_the_redis_fixture(redis_url: str) -> None:
    broker = make_broker(redis_url)
    try:
        assert broker.client.ping()
    finally:
        broker.close()


@pytest.mark.postgres
def test_postgres_fixture_accepts_sqlalchemy_connections(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select 1")).scalar_one() == 1
            assert conn.execute(sa.text("select current_database()")).scalar_one() == (
                "signoff_test"
            )
    finally:
        engine.dispose()
