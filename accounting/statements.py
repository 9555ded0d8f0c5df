"""Bank statements the accountants import, and the payments they confirm from them.

Importing reads the file whole (:func:`accounting.bank1c.read`) before anything is stored: a
file in another encoding, with a section left open, a value missing or malformed, is refused
with the line that is wrong, and nothing is kept. A readable statement is stored as it came,
with every document as a :class:`~accounting.models.StatementLine` and what matching
(:mod:`accounting.matching`) made of each debit line against the invoices approved for payment
at that moment — so the confirmation page reads the same after a reload, and the same file
imported again (the same SHA-256) is the statement already there.

Confirming pays the lines the accountant ticked, each through the service — its own decision of
the accountant's payment task (``paid``, channel ``bank``), audited with the statement and the
line as evidence, the line's date debited, number and amount as the task form's ``paid_on``,
``order_no`` and ``amount_paid`` — so one refusal (paid by hand meanwhile, the task handed to
someone else) never stops the others. A line paid already is left alone: confirming twice pays
nothing twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import exc, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from accounting import bank1c, matching
from accounting.models import BankStatement, Payment, StatementLine
from accounting.queue import PAY, PROCESS, open_rows
from approvals import service
from approvals.core.errors import SignoffError
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, Instance, Task

#: The channel a payment confirmed from a bank statement is decided through.
CHANNEL = "bank"
#: What a statement file may weigh (a year of a busy account is a few megabytes).
MAX_BYTES = 20 * 1024 * 1024
PAID, INCOMING = "paid", "incoming"
_LINES = StatementLine.__table__


class StatementRefused(Exception):
    """The upload is not a statement Signoff can read (``code``: ``empty``, ``too_large``);
    format errors are :class:`accounting.bank1c.FormatError`, which name the line."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Imported:
    statement_id: int
    created: bool  # False: the same file was imported before


def import_statement(db: Engine, filename: str, data: bytes, person_id: int,
                     now: datetime) -> Imported:
    """Read ``data``, match its debit lines and store it all in one transaction; nothing is
    stored when it cannot be read."""
    if not data.strip():
        raise StatementRefused("empty")
    if len(data) > MAX_BYTES:
        raise StatementRefused("too_large", max_mb=MAX_BYTES // (1024 * 1024))
    exchange = bank1c.read(data)
    if not exchange.accounts:
        raise bank1c.FormatError(1, "not_a_statement")
    digest = hashlib.sha256(data).hexdigest()
    try:
        with write_session(db) as session:
            existing = _by_digest(session, digest)
            if existing is not None:
                return Imported(existing, False)
            statement = BankStatement(
                sha256=digest, content=data, filename=_name(filename), size=len(data),
                account=exchange.header.get("РасчСчет", "")[:20],
                period_start=bank1c.to_date(exchange.header.get("ДатаНачала", "")),
                period_end=bank1c.to_date(exchange.header.get("ДатаКонца", "")),
                uploaded_by_id=person_id, uploaded_at=now)
            session.add(statement)
            session.flush()
            session.add_all(_lines(session, statement.id, exchange, now))
            return Imported(statement.id, True)
    except exc.IntegrityError:  # the same file, imported by someone else this moment
        with read_session(db) as session:
            existing = _by_digest(session, digest)
        if existing is None:
            raise
        return Imported(existing, False)


def _by_digest(session: Session, digest: str) -> int | None:
    return session.exec(select(BankStatement.id).where(BankStatement.sha256 == digest)).first()


def _name(filename: str) -> str:
    name = "".join(ch for ch in (filename or "") if ch.isprintable()).replace("\\", "/")
    return name.rsplit("/", 1)[-1].strip()[:255] or "statement.txt"


def _lines(session: Session, statement_id: int, exchange: bank1c.Exchange,
           now: datetime) -> list[StatementLine]:
    debits = exchange.debits()
    invoices = [matching.Invoice(row.instance_id, row.supplier_inn, row.amount, row.number,
                                 row.currency) for row in open_rows(session, now.date())]
    found = {m.line: m for m in matching.match(
        [matching.Debit(d.line, d.get("ПолучательИНН"), d.amount, d.purpose) for d in debits],
        invoices)}
    paid_before = _paid_before(session, [d for d in debits
                                         if found[d.line].outcome == matching.UNMATCHED])
    result = []
    for doc in exchange.documents:
        match = found.get(doc.line)
        outcome = match.outcome if match else INCOMING
        reason, instance_id = (match.reason, match.instance_id) if match else ("", None)
        candidates = list(match.candidates) if match else []
        if doc.line in paid_before:
            reason, instance_id = "already_paid", paid_before[doc.line]
        result.append(StatementLine(
            statement_id=statement_id, line=doc.line, kind=doc.kind[:100],
            number=doc.number[:40], doc_date=doc.date, debited_on=doc.debited_on,
            amount=bank1c.amount_text(doc.amount), payee_inn=doc.get("ПолучательИНН")[:20],
            payee_name=doc.payee_name[:500], purpose=doc.purpose, values=dict(doc.values),
            outcome=outcome, reason=reason, instance_id=instance_id, candidates=candidates))
    return result


def _paid_before(session: Session, debits: list[bank1c.Document]) -> dict[int, int]:
    """The lines (of those that match no open invoice) that are a payment recorded already —
    a line of an earlier statement confirmed, or a payment entered by hand with the same
    order number and amount to the same INN: line -> the invoice's instance."""
    if not debits:
        return {}
    numbers = {d.number for d in debits}
    earlier = session.exec(select(StatementLine).where(
        StatementLine.outcome == PAID, StatementLine.number.in_(numbers))).all()
    by_hand = session.exec(select(Payment, Instance).join(
        Instance, Instance.id == Payment.instance_id).where(
        Instance.process_id == PROCESS, Payment.order_no.in_(numbers))).all()
    found = {}
    for doc in debits:
        inn, amount = doc.get("ПолучательИНН"), doc.amount
        for line in earlier:
            if (line.number, line.doc_date, Decimal(line.amount), line.payee_inn) == \
                    (doc.number, doc.date, amount, inn) and line.instance_id:
                found[doc.line] = line.instance_id
        for payment, instance in by_hand:
            if (payment.order_no, Decimal(payment.amount),
                    str(instance.fields.get("supplier_inn") or "")) == (doc.number, amount, inn):
                found.setdefault(doc.line, instance.id)
    return found


# ---------------------------------------------------------------------------- confirming


@dataclass
class Confirmed:
    """What confirming did: the lines paid now, those paid before (left alone), and those
    refused with the error's code; the outbox rows to hand on after the commits."""

    paid: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    outbox_ids: list[int] = field(default_factory=list)


def confirm(db: Engine, statement_id: int, line_ids: list[int], person_id: int,
            now: datetime) -> Confirmed:
    """Pay the matched lines ``line_ids`` of the statement, each on its own (see the module's
    docstring)."""
    with read_session(db) as session:
        statement = session.get(BankStatement, statement_id)
        lines = session.exec(select(StatementLine).where(
            StatementLine.statement_id == statement_id, StatementLine.id.in_(line_ids))
            .order_by(StatementLine.line)).all() if statement else []
    done = Confirmed()
    for line in lines:
        if line.outcome == PAID:
            done.already.append(line.line)
        elif line.outcome != matching.MATCHED or line.instance_id is None:
            done.failed[line.line] = "not_matched"
        else:
            code = _pay(db, statement, line, person_id, now, done)
            if code:
                done.failed[line.line] = code
                _mark(db, line.id, {"error": code})
    return done


def _pay(db: Engine, statement: BankStatement, line: StatementLine, person_id: int,
         now: datetime, done: Confirmed) -> str | None:
    """Decide the accountant's payment task of the line's invoice; the error's code when it
    cannot be."""
    evidence = {"statement": statement.id, "file": statement.filename,
                "sha256": statement.sha256, "line": line.line,
                "document": f"{line.kind} № {line.number} {bank1c.date_text(line.doc_date)}"}
    with read_session(db) as session:
        decided = _decided_from(session, line.instance_id, evidence)
        task_id = session.exec(select(Task.id).where(
            Task.instance_id == line.instance_id, Task.stage == PAY, Task.state == "open",
            Task.assignee_id == person_id)).first()
    if decided is not None:  # decided by an earlier confirmation that stopped before this
        _mark(db, line.id, {"outcome": PAID, "task_id": decided, "paid_at": now,
                            "paid_by_id": person_id, "error": None})
        done.paid.append(line.line)
        return None
    if task_id is None:
        return "no_task"
    values = {"paid_on": (line.debited_on or line.doc_date).isoformat(),
              "order_no": line.number}  # the amount is the invoice's: matching asked that
    try:
        result = service.decide(db, task_id, person_id, "paid", "", now, channel=CHANNEL,
                                evidence=evidence, values=values)
    except SignoffError as refusal:
        return refusal.code
    _mark(db, line.id, {"outcome": PAID, "task_id": task_id, "paid_at": now,
                        "paid_by_id": person_id, "error": None})
    done.paid.append(line.line)
    done.outbox_ids += result.outbox_ids
    return None


def _decided_from(session: Session, instance_id: int, evidence: dict) -> int | None:
    """The task of the instance decided with this statement line as its evidence, if any."""
    events = session.exec(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                   AuditEvent.kind == "decided")).all()
    for event in events:
        given = (event.data or {}).get("evidence") or {}
        if given.get("statement") == evidence["statement"] and \
                given.get("line") == evidence["line"]:
            return event.task_id
    return None


def _mark(db: Engine, line_id: int, values: dict) -> None:
    with write_session(db) as session:
        session.execute(update(_LINES).where(_LINES.c.id == line_id,
                                             _LINES.c.outcome != PAID).values(**values))


# ---------------------------------------------------------------------------- reading


def recent(session: Session, limit: int = 10) -> list[BankStatement]:
    return list(session.exec(select(BankStatement).order_by(BankStatement.id.desc())
                             .limit(limit)).all())


def lines_of(session: Session, statement_id: int) -> list[StatementLine]:
    return list(session.exec(select(StatementLine).where(
        StatementLine.statement_id == statement_id).order_by(StatementLine.line)).all())


def my_tasks(session: Session, person_id: int, instance_ids: list[int | None]
             ) -> dict[int, int]:
    """The open payment task ``person_id`` holds on each of the invoices ``instance_ids``."""
    wanted = [i for i in instance_ids if i]
    if not wanted:
        return {}
    return dict(session.exec(select(Task.instance_id, Task.id).where(
        Task.instance_id.in_(wanted), Task.stage == PAY, Task.state == "open",
        Task.assignee_id == person_id)).all())
