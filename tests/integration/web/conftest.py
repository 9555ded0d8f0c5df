"""Fixtures for the pages: a fresh site per test (see :mod:`tests.integration.web.site`),
browsers for the people in it, and Signoff's actors bound to the session's embedded Redis so
that ``kick`` really enqueues."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask

from tests.integration.web.site import Browser, build_app

#: Argon2 as cheap as it goes: the tests hash six passwords per site and log in often.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
#: The start page of the contract process most page tests begin with.
CONTRACT = "/processes/contract-approval/start"


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


@pytest.fixture
def contract(app: Flask, browsers) -> int:
    """A contract Ivan started on the page, waiting for Anna and Boris."""
    response = browsers("ivan").submit(CONTRACT, CONTRACT, {
        "title": "Supply contract 42", "counterparty": "Acme LLC", "amount": "150000",
        "approvers": "anna@example.com, boris@example.com",
        "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract-v1.pdf",
                     "application/pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])
