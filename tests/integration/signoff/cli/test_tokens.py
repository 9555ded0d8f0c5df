"""``signoff people token | tokens | token-revoke``: API tokens expire, are listed without their
secret, and are revoked; the JSON API refuses an expired or a revoked one with 401."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store.db import read_session
from approvals.store.models import ApiToken
from tests.integration.signoff.cli import Invoke

BOSS = "boss@example.com,Boss Person,en,,Management,approver;admin,"
ANNA = "anna@example.com,Анна Петрова,ru,boss@example.com,Sales,,"


@pytest.fixture
def people(upgraded: Invoke, people_csv) -> Invoke:
    result = upgraded("people", "import", str(people_csv(BOSS, ANNA)))
    assert result.exit_code == 0, result.output
    return upgraded


@pytest.fixture
def api(env: Path):
    """A client of the JSON API on the CLI's database."""
    from web import create_app

    app = create_app({"TESTING": True})
    yield app.test_client()
    app.extensions["signoff.db"].dispose()


def _token(cli: Invoke, *args: str) -> str:
    result = cli("people", "token", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _ask(api, token: str):
    return api.get("/api/tasks?assignee=me", headers={"Authorization": f"Bearer {token}"})


def _rows(engine: Engine) -> list[ApiToken]:
    with read_session(engine) as session:
        return list(session.exec(select(ApiToken).order_by(ApiToken.id)))


def test_a_new_token_expires_after_90_days_by_default_or_after_days(
        people: Invoke, engine: Engine) -> None:
    before = utcnow()
    _token(people, "boss@example.com")
    _token(people, "boss@example.com", "--days", "7", "--label", "  nightly   export ")

    default, short = _rows(engine)
    assert timedelta(days=90) <= default.expires_at - before < timedelta(days=90, minutes=1)
    assert timedelta(days=7) <= short.expires_at - before < timedelta(days=7, minutes=1)
    assert (default.label, short.label) == ("", "nightly export")


@pytest.mark.parametrize("days", ["0", "367", "-1"])
def test_a_token_for_no_days_or_more_than_a_year_is_refused(people: Invoke, engine: Engine,
                                                              days: str) -> None:
    result = people("people", "token", "boss@example.com", "--days", days)

    assert result.exit_code == 2
    assert "--days" in result.stderr
    assert _rows(engine) == []


def test_a_label_longer_than_100_characters_is_refused(people: Invoke, engine: Engine) -> None:
    result = people("people", "token", "boss@example.com", "--label", "x" * 101)

    assert result.exit_code == 2
    assert "--label" in result.stderr
    assert _rows(engine) == []


def test_tokens_lists_every_token_of_a_person_and_never_the_secret(
        people: Invoke, engine: Engine, api) -> None:
    first = _token(people, "boss@example.com", "--label", "CI")
    second = _token(people, "boss@example.com", "--days", "3")
    _token(people, "anna@example.com", "--label", "anna's script")
    assert _ask(api, first).status_code == 200

    result = people("people", "tokens", "Boss@example.com")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "label", "created", "last", "used", "expires", "state"]
    assert len(lines) == 3
    newest, oldest = lines[1], lines[2]
    assert newest.split()[0] == "2" and " never " in newest and newest.endswith("active")
    assert oldest.split()[:2] == ["1", "CI"] and " never " not in oldest
    assert "anna's script" not in result.stdout
    stored = {row.token_hash for row in _rows(engine)}
    for secret in (first, second, first[3:], second[3:], *stored):
        assert secret not in result.stdout
    assert hashlib.sha256(first.encode()).hexdigest() in stored  # stored as its hash only
    assert not any(first in (row.token_hash, row.label) for row in _rows(engine))


def test_tokens_of_someone_without_any_says_so(people: Invoke) -> None:
    result = people("people", "tokens", "anna@example.com")

    assert result.exit_code == 0
    assert result.stdout == "anna@example.com has no API tokens\n"


def test_a_revoked_token_is_refused_by_the_api_and_the_others_still_work(
        people: Invoke, engine: Engine, api) -> None:
    old = _token(people, "boss@example.com")
    new = _token(people, "boss@example.com")
    assert _ask(api, old).status_code == 200
    old_id = _rows(engine)[0].id

    result = people("people", "token-revoke", str(old_id))

    assert result.exit_code == 0, result.output
    assert re.match(rf"token {old_id} of boss@example.com revoked at \d{{4}}-", result.stdout)
    refused = _ask(api, old)
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "unauthorized"
    assert "revoked" in refused.get_json()["message"]
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert _ask(api, new).status_code == 200
    listed = people("people", "tokens", "boss@example.com").stdout.splitlines()
    [revoked] = [line for line in listed if line.startswith(f"{old_id} ")]
    assert re.search(r"  revoked \d{4}-\d\d-\d\d \d\d:\d\d UTC$", revoked)


def test_revoking_an_unknown_token_exits_1(people: Invoke) -> None:
    result = people("people", "token-revoke", "999")

    assert result.exit_code == 1
    assert "no API token with the id 999" in result.stderr


def test_an_expired_token_is_refused_by_the_api(people: Invoke, api,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    token = _token(people, "boss@example.com", "--days", "1")
    assert _ask(api, token).status_code == 200

    later = utcnow() + timedelta(days=1, seconds=1)
    monkeypatch.setattr("web.api.utcnow", lambda: later)
    refused = _ask(api, token)

    assert refused.status_code == 401
    assert "expired" in refused.get_json()["message"]
    listed = people("people", "tokens", "boss@example.com").stdout
    assert listed.splitlines()[1].endswith("active")  # by the real clock, still a day to go


def test_a_token_made_before_tokens_expired_gets_the_default_expiry(
        people: Invoke, engine: Engine, api) -> None:
    from approvals.store.db import write_session

    token = _token(people, "boss@example.com")
    with write_session(engine) as session:
        row = session.exec(select(ApiToken)).one()
        row.created_at, row.expires_at = utcnow() - timedelta(days=91), None
        session.add(row)

    refused = _ask(api, token)

    assert refused.status_code == 401
    assert "expired" in refused.get_json()["message"]
    assert people("people", "tokens", "boss@example.com").stdout.splitlines()[1] \
        .endswith("expired")
