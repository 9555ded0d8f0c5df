"""Processing one stored inbound message: the rule chain, then the same service call the web
page makes, then the outcome on the message's row (and a short explanatory reply when the
person can fix what went wrong).

Idempotent: a message already processed is left alone; one whose decision was recorded but
whose outcome was not (the worker stopped in between) finds its own decision in the audit
trail and is marked decided, not "already decided".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals import service
from approvals.core.errors import (
    AlreadyDecided,
    CommentRequired,
    ConcurrentUpdate,
    FormInvalid,
    InstanceClosed,
    TaskClosed,
    VerdictNotAllowed,
)
from approvals.core.forms import Upload
from approvals.store.db import read_session, write_session
from approvals.store.models import (
    AuditEvent,
    InboundMessage,
    Instance,
    MailReply,
    OutboxItem,
    Person,
    ProcessVersion,
    ReplyToken,
)
from approvals.store.registry import definition_by_digest
from mail.config import MailSettings
from mail.rules import CHAIN, Reading, Stop

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
#: One explanation per address and reason in this window: a person (or a loop) writing again
#: and again gets one answer, not one per message.
EXPLAIN_EVERY = timedelta(hours=1)
_INBOUND, _TOKENS = InboundMessage.__table__, ReplyToken.__table__
COMMENT_REQUIRED = {
    "en": "sending back needs a reason: write it after the word, on the same line or below",
    "ru": "при возврате на доработку нужна причина: напишите её после слова, в той же строке "
          "или ниже",
}


@dataclass
class Processed:
    outcome: str
    outbox_ids: list[int] = field(default_factory=list)  # what the decision caused
    mail_ids: list[int] = field(default_factory=list)  # explanation mails to send


def process(db: Engine, inbound_id: int, now: datetime, *, settings: MailSettings,
            base_url: str) -> Processed | None:
    """Run the chain on message ``inbound_id`` and act on it; None when already processed."""
    try:
        return _process(db, inbound_id, now, settings, base_url)
    except ConcurrentUpdate:
        raise  # the actor tries again
    except Exception as error:
        _failed(db, inbound_id, now, error)
        raise


def _process(db: Engine, inbound_id: int, now: datetime, settings: MailSettings,
             base_url: str) -> Processed | None:
    with read_session(db) as s:
        row = s.get(InboundMessage, inbound_id)
        if row is None or row.state == "done":
            return None
        reading = Reading(row, settings, now)
        rule_name = ""
        try:
            for rule in CHAIN:
                rule_name = rule.__name__
                rule(s, reading)
        except Stop as stop:
            return _record(db, reading, stop, rule_name, base_url)
        process_def = (_process_of(s, reading.task.instance_id)
                       if reading.task.kind == "revision" else None)
    return _apply(db, reading, process_def, base_url)


def _process_of(s: Session, instance_id: int):
    version = s.get(ProcessVersion, s.get(Instance, instance_id).process_version_id)
    return definition_by_digest(s.connection(), version.id, version.digest)


def _apply(db: Engine, r: Reading, process_def, base_url: str) -> Processed:
    task, row = r.task, r.row
    evidence = {"message_id": row.message_id, "inbound": row.id,
                "from": r.parsed.from_address, "authentication": r.auth}
    try:
        if task.kind == "revision":
            fields = _new_files(r, process_def)
            result = service.resubmit(db, task.instance_id, r.sender.id, fields, r.comment,
                                      r.now, channel="email", evidence=evidence)
        else:
            result = service.decide(db, task.id, r.sender.id, r.verdict, r.comment, r.now,
                                    channel="email", evidence=evidence)
    except (AlreadyDecided, TaskClosed, InstanceClosed) as error:
        if _decided_by(db, task.id, row.id):
            return _record(db, r, None, "apply", base_url)
        by = error.params.get("by", "") if isinstance(error, AlreadyDecided) else ""
        at = error.params.get("at") if isinstance(error, AlreadyDecided) else None
        return _record(db, r, Stop("already_decided", str(error), explain="already_decided",
                                   by=by or "", at=(at or r.now).isoformat(),
                                   verdict=error.params.get("verdict") or ""),
                       "apply", base_url)
    except CommentRequired as error:
        return _record(db, r, Stop("refused", str(error), explain="refused",
                                   message=COMMENT_REQUIRED), "apply", base_url)
    except VerdictNotAllowed as error:
        return _record(db, r, Stop("no_verdict", str(error), explain="no_verdict",
                                   verdicts=task.verdicts.split(",")), "apply", base_url)
    except FormInvalid as error:
        return _record(db, r, Stop("refused", str(error), explain="refused",
                                   message=str(error)), "apply", base_url)
    processed = _record(db, r, None, "apply", base_url)
    processed.outbox_ids = list(result.outbox_ids)
    return processed


def _new_files(r: Reading, process_def) -> dict[str, Any]:
    """A revision reply's attachments become the new version of the process's file field
    (when it has exactly one; with several, the reply cannot say which is which)."""
    attachments = [a for a in r.parsed.attachments
                   if a.data and a.filename and a.content_type != "application/ms-tnef"
                   and not re.fullmatch(r"(?i)winmail\.dat|image\d*\.(png|jpe?g|gif)",
                                        a.filename)]
    file_fields = [f.name for f in process_def.fields if f.type == "file"] if process_def else []
    if not attachments or len(file_fields) != 1:
        return {}
    first = attachments[0]
    return {file_fields[0]: Upload(first.filename, first.data, first.content_type)}


def _decided_by(db: Engine, task_id: int, inbound_id: int) -> bool:
    """Did this very message decide the task (a second run after a stop half-way)?"""
    with read_session(db) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.task_id == task_id,
                                                 AuditEvent.channel == "email")).all()
    return any((e.data.get("evidence") or {}).get("inbound") == inbound_id for e in events)


def _record(db: Engine, r: Reading, stop: Stop | None, rule: str, base_url: str) -> Processed:
    """Write the outcome on the row; queue the explanation, rate-limited."""
    outcome = stop.outcome if stop else "decided"
    mail_ids: list[int] = []
    parsed = r.parsed
    details = {**r.row.details, "rule": rule, "auth": r.auth, "verdict": r.verdict,
               "comment": r.comment, "own_text": r.own_text[:2000],
               "defects": parsed.defects[:20] if parsed else []}
    values = {"state": "done", "outcome": outcome, "processed_at": r.now,
              "attempts": _INBOUND.c.attempts + 1, "details": details,
              "reason": stop.reason if stop else (
                  f"{r.verdict} on task {r.task.id}"
                  + (f": {r.comment[:200]}" if r.comment else ""))}
    if parsed is not None:
        values.update(sender=(parsed.from_address or "")[:320] or None,
                      subject=parsed.subject[:998])
    if r.task is not None:
        values.update(task_id=r.task.id, instance_id=r.task.instance_id)
    if r.sender is not None:
        values["person_id"] = r.sender.id
    with write_session(db) as s:
        if stop is not None and stop.explain and parsed is not None and parsed.from_address:
            item = _explanation(s, r, stop, base_url)
            if item is not None:
                mail_ids.append(item.id)
                details["explained"] = stop.explain
        # one statement, and only while the row is not done: a second run of the same message
        # (two deliveries at once) changes nothing and queues nothing
        changed = s.connection().execute(update(_INBOUND).where(
            _INBOUND.c.id == r.row.id, _INBOUND.c.state != "done").values(**values))
        if changed.rowcount == 0:
            s.rollback()
            return Processed(outcome)
        if stop is None and r.token is not None:
            s.connection().execute(update(_TOKENS).where(_TOKENS.c.id == r.token.id)
                                   .values(used_at=r.now, used_by_inbound_id=r.row.id))
    log.info("inbound %s: %s (%s)", r.row.id, outcome, stop.reason if stop else r.verdict)
    return Processed(outcome, mail_ids=mail_ids)


def _explanation(s: Session, r: Reading, stop: Stop, base_url: str) -> OutboxItem | None:
    address = r.parsed.from_address
    recent = s.exec(select(MailReply.id).where(
        MailReply.address == address, MailReply.reason == stop.explain,
        MailReply.sent_at > r.now - EXPLAIN_EVERY)).first()
    if recent is not None:
        return None
    person = r.sender or s.exec(select(Person).where(Person.email == address)).first()
    locale = person.locale if person else _guess_locale(r)
    params = dict(stop.params)
    if "task" in params or stop.explain in ("expired", "already_decided"):
        if r.task is not None:
            params["task_url"] = f"{base_url}/tasks/{r.task.id}"
    refs = [*r.parsed.references, r.row.message_id] if r.row.message_id else r.parsed.references
    item = OutboxItem(kind="email", instance_id=r.task.instance_id if r.task else None,
                      created_at=r.now, payload={"explanation": {
                          "to": address, "name": person.name if person else r.parsed.from_name,
                          "locale": locale, "reason": stop.explain, "params": params,
                          "subject": r.parsed.subject, "in_reply_to": r.row.message_id,
                          "references": [x for x in refs if x][-10:], "inbound": r.row.id}})
    s.add(item)
    s.flush()
    s.add(MailReply(address=address, reason=stop.explain, inbound_id=r.row.id,
                    outbox_item_id=item.id, sent_at=r.now))
    return item


def _guess_locale(r: Reading) -> str:
    text = f"{r.parsed.subject} {r.parsed.text[:500]}"
    return "ru" if re.search("[а-яё]", text, re.IGNORECASE) else "en"


def _failed(db: Engine, inbound_id: int, now: datetime, error: Exception) -> None:
    """Keep the failure on the row for the administrator; the actor tries again until
    MAX_ATTEMPTS, then the message stays ``failed``."""
    log.exception("inbound %s: processing failed", inbound_id)
    try:
        with write_session(db) as s:
            row = s.get(InboundMessage, inbound_id, with_for_update=True)
            if row is None or row.state == "done":
                return
            row.attempts += 1
            row.reason = f"{type(error).__name__}: {error}"[:2000]
            row.processed_at = now
            if row.attempts >= MAX_ATTEMPTS:
                row.state, row.outcome = "failed", "error"
            s.add(row)
    except Exception:  # noqa: BLE001 - the database may be the problem
        log.warning("could not record the failure of inbound %s", inbound_id, exc_info=True)
