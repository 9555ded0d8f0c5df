"""Small helpers the integration tests share: form values, and reading rows back."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from approvals import service
from approvals.definitions import load_file, load_text
from approvals.store import registry
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, OutboxItem, Task

CONTRACT = "contract-approval"
PDF_V1 = b"%PDF-1.4\n% the contract, first draft\n"
PDF_V2 = b"%PDF-1.4\n% the contract, with the penalty clause rewritten\n"


def upload(filename: str, content: bytes) -> dict[str, str]:
    return {"filename": filename, "content_base64": base64.b64encode(content).decode("ascii"),
            "content_type": "application/pdf"}


def contract_fields(approver_emails: list[str], content: bytes = PDF_V1) -> dict[str, Any]:
    return {"title": "Supply contract", "counterparty": "ООО «Ромашка»", "amount": "150000,50",
            "contract": upload("c.pdf", content), "approvers": approver_emails}


def start_contract(db: Engine, org, now: datetime, approvers: list[int] | None = None
                   ) -> service.Result:
    approvers = org.approvers if approvers is None else approvers
    return service.start(db, CONTRACT, org.initiator,
                         contract_fields([org.email(p) for p in approvers]), now)


def rows(db: Engine, model: type[SQLModel], *where) -> list[Any]:
    with read_session(db) as session:
        query = select(model)
        for condition in where:
            query = query.where(condition)
        return list(session.exec(query.order_by(*model.__table__.primary_key.columns)).all())


def sent_notices(db: Engine, instance_id: int) -> list[dict[str, Any]]:
    """What the instance's outbox tells people, in order, as ``{person, template, params}``:
    each ``notify`` row, and the completion notice a ``trail`` row holds to send with the
    signed trail (one per person, the process's messages folded in:
    approvals/store/notices.py)."""
    found = []
    for row in rows(db, OutboxItem, OutboxItem.instance_id == instance_id,
                    OutboxItem.kind.in_(("notify", "trail"))):
        found.extend([row.payload] if row.kind == "notify" else row.payload.get("held") or [])
    return found


def open_tasks(db: Engine, instance_id: int) -> dict[int, Task]:
    """The open tasks of an instance, by assignee."""
    tasks = rows(db, Task, Task.instance_id == instance_id, Task.state == "open")
    by_assignee = {t.assignee_id: t for t in tasks}
    assert len(by_assignee) == len(tasks), "one person holds two open tasks"
    return by_assignee


def audit_kinds(db: Engine, instance_id: int) -> list[str]:
    return [e.kind for e in audit_events(db, instance_id)]


def audit_events(db: Engine, instance_id: int) -> list[AuditEvent]:
    with read_session(db) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                 .order_by(AuditEvent.seq)).all())


def load_process(db: Engine, tmp_path: Path, text: str, now: datetime) -> str:
    """Store the process file ``text`` as a version, as ``signoff processes load`` does from
    a file (the registry reads the file it was loaded from); its id."""
    process = load_text(text, "<test>")
    path = tmp_path / f"{process.id}.yaml"
    path.write_text(text, encoding="utf-8")
    with write_session(db) as session:
        registry.sync(session, [load_file(path)], now)
    return process.id


def team_people(manager_email: str, size: int) -> str:
    """People CSV: ``size`` employees (``employee01@example.com``…) reporting to
    ``manager_email`` (already in the directory), and an HR officer (role ``hr``), who takes a
    vacation request after the manager approved it."""
    lines = ["email,name,locale,manager_email,department,roles,aliases",
             "helen.hr@example.com,Helen HR,en,,HR,hr,"]
    lines += [f"employee{n:02}@example.com,Employee {n:02},en,{manager_email},Sales,,"
              for n in range(1, size + 1)]
    return "\n".join(lines) + "\n"


def request_leave(db: Engine, initiator: int, now: datetime) -> service.Result:
    """A vacation request (the shipped ``vacation`` process): its first task is the
    initiator's manager's."""
    return service.start(db, "vacation", initiator, {
        "kind": "annual", "period": {"start": "2027-02-01", "end": "2027-02-05"}}, now)
