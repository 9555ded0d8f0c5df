"""API tokens and the check-up's reading of stored replies, on SQLite and PostgreSQL: which
tokens are in force, when a token's use is written down, and the head of a stored reply read
by the database (``substr`` of a blob or a bytea)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.config import doctor
from approvals.store.db import read_session, write_session
from approvals.store.directory import (
    import_people,
    issue_token,
    live_tokens,
    person_for_token,
    record_token_use,
    revoke_token,
    token_use_due,
)
from approvals.store.models import ApiToken, Person
from tests.integration.doctor_cases import (
    FORGED_BELOW,
    HEADER,
    STAMPED,
    clean_environment,
    stored_reply,
)


def test_only_unrevoked_unexpired_tokens_are_in_force(db: Engine, now) -> None:
    with write_session(db) as session:
        import_people(session, HEADER + "lena@corp.example,Lena,en,,HR,,\n")
        lena = session.exec(select(Person)).one()
        fresh = issue_token(session, lena, now, label="fresh")
        issue_token(session, lena, now - timedelta(days=2), days=1, label="expired")
        issue_token(session, lena, now, label="revoked")
        issue_token(session, lena, now - timedelta(days=30), label="legacy")
        issue_token(session, lena, now - timedelta(days=100), label="old legacy")
        session.flush()
        rows = {row.label: row for row in session.exec(select(ApiToken))}
        revoke_token(session, rows["revoked"].id, now)
        for label in ("legacy", "old legacy"):  # made before tokens had an expiry
            rows[label].expires_at = None
            session.add(rows[label])

    with read_session(db) as session:
        assert [row.label for row in live_tokens(session, now)] == ["fresh", "legacy"]
        check = person_for_token(session, fresh, now)
    assert check.state == "active" and check.person.email == "lena@corp.example"


def test_a_tokens_use_is_written_at_most_every_five_minutes(db: Engine, now) -> None:
    with write_session(db) as session:
        import_people(session, HEADER + "lena@corp.example,Lena,en,,HR,,\n")
        token = issue_token(session, session.exec(select(Person)).one(), now)

    def used(at) -> None:
        with read_session(db) as session:
            row = person_for_token(session, token, at).token
        if token_use_due(row, at):
            with write_session(db) as session:
                record_token_use(session, row.id, at)

    used(now)
    used(now + timedelta(minutes=4))
    first = _last_use(db)
    used(now + timedelta(minutes=6))

    assert first == now
    assert _last_use(db) == now + timedelta(minutes=6)


def _last_use(db: Engine):
    with read_session(db) as session:
        return session.exec(select(ApiToken.last_used_at)).one()


@pytest.mark.parametrize("headers, level", [(STAMPED, "warning"), (FORGED_BELOW, "ok")])
def test_the_checkup_reads_the_head_of_stored_replies(db: Engine, headers: str, level: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)
    stored_reply(headers)(db, monkeypatch)

    with read_session(db) as session:
        finding = doctor.dmarc(session)

    assert finding.level == level
    if level == "warning":
        assert finding.params == {"count": 1, "total": 1, "servers": "mx.corp.example"}
