"""Fixtures for the pages: a fresh site per test (see :mod:`tests.integration.web.site`),
browsers for the people in it, and Signoff's actors bound to the session's embedded Redis so
that ``kick`` really enqueues."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask

from tests.integration.web.site import Browser, build_app

#: Argon2 as cheap as it goes: the tests hash six passwords per site and log in often.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def app(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("approvals.store.directory._hasher", FAST_HASHER)
    app = build_app(tmp_path)
    yield app
    app.extensions["signoff.db"].dispose()


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def browsers(app: Flask):
    """``browsers("anna")``: a new client logged in as that person."""

    def make(who: str) -> Browser:
        b = Browser(app.test_client())
        response = b.login(who)
        assert response.status_code == 303, response.text
        return b

    return make
