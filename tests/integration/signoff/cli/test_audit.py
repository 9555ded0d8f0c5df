"""``signoff audit verify``."""

from __future__ import annotations

import base64
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from approvals import service
from approvals.store.db import read_session
from approvals.store.directory import find_person
from tests.integration.signoff.cli import Invoke

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _start_contract(cli: Invoke, people_csv, engine: Engine) -> int:
    path = people_csv("anna@example.com,Анна Петрова,ru,,Sales,,",
                      "lawyer@example.com,Lena Law,en,,Legal,lawyer,")
    assert cli("people", "import", str(path)).exit_code == 0
    assert cli("processes", "load").exit_code == 0
    with read_session(engine) as session:
        anna = find_person(session, "anna@example.com").id
    result = service.start(engine, "contract-approval", anna, {
        "title": "Supply agreement", "counterparty": "ООО Ромашка", "amount": "150000",
        "contract": {"filename": "c.pdf",
                     "content_base64": base64.b64encode(b"%PDF-1.4 test").decode()},
        "approvers": ["lawyer@example.com"]}, NOW)
    return result.instance_id


def test_audit_verify_passes_then_fails_after_an_event_row_is_edited(
        upgraded: Invoke, people_csv, engine: Engine, env: Path) -> None:
    instance_id = _start_contract(upgraded, people_csv, engine)

    intact = upgraded("audit", "verify", str(instance_id))

    assert intact.exit_code == 0, intact.output
    assert f"instance {instance_id}: audit chain intact" in intact.stdout
    connection = sqlite3.connect(env / "t.db")
    try:
        with connection:
            changed = connection.execute(
                "UPDATE auditevent SET data = ? WHERE instance_id = ? AND seq = 2",
                (json.dumps({"field": "contract", "filename": "forged.pdf"}), instance_id))
            assert changed.rowcount == 1
    finally:
        connection.close()

    broken = upgraded("audit", "verify", str(instance_id))

    assert broken.exit_code == 1
    assert f"instance {instance_id}: audit chain BROKEN at event 2" in broken.stdout
    assert "the row was changed" in broken.stdout


def test_audit_verify_of_an_unknown_instance_exits_1(upgraded: Invoke) -> None:
    result = upgraded("audit", "verify", "999")

    assert result.exit_code == 1
    assert "no instance 999" in result.stderr
