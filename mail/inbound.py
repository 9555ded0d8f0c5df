"""Processing one stored inbound message: the rule chain, then the same service call the web
page makes, then the outcome on the message's row (and a short explanatory reply when the
person can fix what went wrong).

Idempotent: a message already processed is left alone, and one held by another worker too —
the worker claims the message before reading it (:func:`claim`), so two copies of the same
work in flight (the sweep's and a redelivery) never read it at once. Whatever stops a reading
— an error, or the worker's time limit, which Dramatiq raises as a ``BaseException`` — is
counted on the message and its claim let go; after :data:`MAX_ATTEMPTS` the message is marked
failed and kept for the administrator. An answer is recorded by one service
call (:func:`approvals.service.answer`) that marks the message done and its reply token used in
the transaction of the decision, so a worker stopped at any point leaves either nothing
decided (the message is read again) or everything recorded.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals import dispatch, present, service, texts
from approvals.config.mail import MailSettings
from approvals.core import limits
from approvals.core.errors import (
    AlreadyDecided,
    CommentRequired,
    ConcurrentUpdate,
    DiscussionClosed,
    FormInvalid,
    InstanceClosed,
    NotAParticipant,
    TaskClosed,
    VerdictNotAllowed,
)
from approvals.core.forms import Upload
from approvals.core.model import LOCALES
from approvals.store import queries
from approvals.store.db import read_session, write_connection, write_session
from approvals.store.models import (
    InboundMessage,
    Instance,
    MailReply,
    OutboxItem,
    Person,
    PersonAlias,
    ReplyToken,
)
from approvals.store.statements import Prepared
from mail import wording
from mail.rules import CHAIN, Reading, Stop

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
#: One explanation per address and reason in this window: a person (or a loop) writing again
#: and again gets one answer, not one per message.
EXPLAIN_EVERY = timedelta(hours=1)
_INBOUND, _TOKENS = InboundMessage.__table__, ReplyToken.__table__
#: the claim, built once and run on the driver's cursor (:mod:`approvals.store.statements`)
#: in a Core transaction of its own: no ORM session for one UPDATE, and the message it claimed
#: returned by it (no second read of the row)
_CLAIM = Prepared(update(_INBOUND).where(
    _INBOUND.c.id == bindparam("b_id"), _INBOUND.c.state == "received",
    or_(_INBOUND.c.claimed_at.is_(None), _INBOUND.c.claimed_at < bindparam("b_lapsed")))
    .values(claimed_at=bindparam("b_now")).returning(*_INBOUND.c))
_COLUMNS = tuple(column.key for column in _INBOUND.c)
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
    """Run the chain on message ``inbound_id`` and act on it; None when it was processed
    already, has failed for good, or another worker holds it."""
    row = _take(db, inbound_id, now)
    if row is None:
        return None
    try:
        return _process(db, row, now, settings, base_url)
    except ConcurrentUpdate:
        _let_go(db, inbound_id, now)
        raise  # a race with a decision on the page, not a fault: the actor tries again
    except BaseException as error:  # the worker's time limit included: the attempt counts
        _failed(db, inbound_id, now, error)
        raise


def claim(db: Engine, inbound_id: int, now: datetime) -> bool:
    """Take message ``inbound_id`` for one reading: only while it waits (``received``) and
    nobody holds it, or the worker that did let its lease lapse (it died)."""
    return _take(db, inbound_id, now) is not None


def _take(db: Engine, inbound_id: int, now: datetime) -> InboundMessage | None:
    """:func:`claim`, giving the message as claimed (None when it was not)."""
    with write_connection(db) as connection:
        taken = _CLAIM.execute(connection, {"b_id": inbound_id, "b_now": now,
                                            "b_lapsed": now - dispatch.INBOUND_LEASE}).first()
    return None if taken is None else InboundMessage(**dict(zip(_COLUMNS, taken, strict=True)))


def _let_go(db: Engine, inbound_id: int, now: datetime) -> None:
    with write_session(db) as s:
        s.connection().execute(update(_INBOUND).where(
            _INBOUND.c.id == inbound_id, _INBOUND.c.claimed_at == now).values(claimed_at=None))


def _process(db: Engine, row: InboundMessage, now: datetime, settings: MailSettings,
             base_url: str) -> Processed | None:
    with read_session(db) as s:
        reading = Reading(row, settings, now)
        rule_name = ""
        try:
            for rule in CHAIN:
                rule_name = rule.__name__
                rule(s, reading)
        except Stop as stop:
            return _record(db, reading, stop, rule_name, base_url)
    return _apply(db, reading, base_url)


def _apply(db: Engine, r: Reading, base_url: str) -> Processed | None:
    """The answer, its message marked done and its token used: one service call, one
    transaction. (A comment: its message marked done, its token left for the answer.)"""
    task, row = r.task, r.row
    evidence = {"message_id": row.message_id, "inbound": row.id,
                "from": r.parsed.from_address, "authentication": r.auth}
    message = _row_values(r, None, "apply")
    del message["attempts"]  # the receipt counts the reading itself
    if r.commenting:
        return _apply_comment(db, r, base_url, evidence, message)
    receipt = service.Receipt(row.id, r.token.id if r.token is not None else None, message)
    try:
        result = service.answer(db, task.id, r.sender.id, r.verdict, r.comment,
                                _documents(r), r.now, evidence=evidence, receipt=receipt,
                                values=r.values or None, locale=r.sender.locale)
    except service.AlreadyReceived:
        return None  # another delivery of this message decided it
    except (AlreadyDecided, TaskClosed, InstanceClosed) as error:
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
                                   message=_form_problems(db, error, task, r.verdict)),
                       "apply", base_url)
    log.info("inbound %s: decided (%s)", row.id, r.verdict)
    return Processed("decided", outbox_ids=list(result.outbox_ids))


def _apply_comment(db: Engine, r: Reading, base_url: str, evidence: dict[str, Any],
                   message: dict[str, Any]) -> Processed | None:
    """A reply that is a comment (:mod:`mail.discussion`): recorded on the instance, its
    message marked done in the same transaction; refused with a word on what to do when the
    instance has ended or the comment is empty or too long."""
    message.update(outcome="commented", reason=f"comment on instance {r.task.instance_id}: "
                                               f"{r.comment[:200]}")
    try:
        result = service.comment(db, r.task.instance_id, r.sender.id, r.comment, r.now,
                                 channel="email", evidence=evidence,
                                 receipt=service.Receipt(r.row.id, None, message))
    except service.AlreadyReceived:
        return None
    except (DiscussionClosed, NotAParticipant, FormInvalid) as error:
        problem = {locale: _comment_problem(error, locale) for locale in LOCALES}
        return _record(db, r, Stop("refused", str(error), explain="refused", message=problem),
                       "apply", base_url)
    log.info("inbound %s: commented on instance %s", r.row.id, r.task.instance_id)
    return Processed("commented", outbox_ids=list(result.outbox_ids))


def _comment_problem(error: Exception, locale: str) -> str:
    """Why a comment by email was not taken, in ``locale``."""
    if isinstance(error, FormInvalid):
        code, params = error.errors.get("text", ("required", {}))
        return wording.t("explain.comment_empty", locale) if code == "required" else \
            texts.field_error(code, params, locale)
    return texts.error_message(error.code, locale, error.params) or str(error)


def _form_problems(db: Engine, error: FormInvalid, task, verdict: str) -> dict[str, str]:
    """What was wrong with the form's answers, in each language: each field's label and what
    to write; then every field the answer needs, with an example of the whole answer."""
    with read_session(db) as s:
        process = queries.process_of(s, s.get(Instance, task.instance_id))
    asked = process.asked(task.stage, verdict)
    needed = [spec for spec in asked if spec.required] or list(asked)
    message = {}
    for locale in LOCALES:
        problems = "; ".join(
            f"{_label(process, name, locale)}: {texts.field_error(code, params, locale)}"
            for name, (code, params) in error.errors.items())
        message[locale] = wording.t("explain.form", locale, problems=problems)
        if needed:
            word = present.suggested_word(process, verdict, locale, task.stage)
            example = wording.inline_example(word, asked, locale) or " / ".join(
                [word, *(wording.form_line(spec, locale) for spec in needed)])
            message[locale] += " " + wording.t(
                "explain.form_needs", locale, example=wording.quoted(example, locale),
                fields=", ".join(spec.label.get(locale) for spec in needed))
    return message


def _label(process, name: str, locale: str) -> str:
    spec = process.field(name)
    return spec.label.get(locale) if spec else name


def _documents(r: Reading) -> list[Upload]:
    """The reply's attachments that are documents: not Outlook's winmail.dat, not the images
    of a signature. For a revision they become the new version of the process's file."""
    return [Upload(a.filename, a.data, a.content_type) for a in r.parsed.attachments
            if a.data and a.filename and a.content_type != "application/ms-tnef"
            and not re.fullmatch(r"(?i)winmail\.dat|image\d*\.(png|jpe?g|gif)", a.filename)]


def _row_values(r: Reading, stop: Stop | None, rule: str) -> dict[str, Any]:
    """The stored message's outcome columns (its ``details`` included)."""
    parsed = r.parsed
    details = {**r.row.details, "rule": rule, "auth": r.auth, "verdict": r.verdict,
               "comment": r.comment, "own_text": r.own_text[:2000],
               "defects": parsed.defects[:20] if parsed else []}
    if parsed is not None and parsed.cut:
        details["cut"] = parsed.cut  # bodies read only in part (mail.parse)
    if r.comment_cut:
        details["comment_cut"] = {"length": r.comment_cut, "limit": limits.COMMENT}
    values = {"state": "done", "outcome": stop.outcome if stop else "decided",
              "processed_at": r.now, "claimed_at": None,
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
    return values


def _record(db: Engine, r: Reading, stop: Stop, rule: str, base_url: str) -> Processed:
    """Write a refusal on the row; queue the explanation, rate-limited."""
    values = _row_values(r, stop, rule)
    details, mail_ids = values["details"], []
    parsed = r.parsed
    with write_session(db) as s:
        if stop.explain and parsed is not None and parsed.from_address:
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
            return Processed(stop.outcome)
    log.info("inbound %s: %s (%s)", r.row.id, stop.outcome, stop.reason)
    return Processed(stop.outcome, mail_ids=mail_ids)


def _explanation(s: Session, r: Reading, stop: Stop, base_url: str) -> OutboxItem | None:
    """The explanation mail, queued — only to a person of the directory (an active person's
    address or one of their aliases): anyone can write any From, and Signoff must not become
    a mailer that answers strangers (or the victims of a forged From). It quotes nothing of
    theirs either — no subject, no text, no name they wrote; ``mail.compose`` words it."""
    address = r.parsed.from_address
    person = _directory_person(s, address)
    if person is None:
        return None
    recent = s.exec(select(MailReply.id).where(
        MailReply.address == address, MailReply.reason == stop.explain,
        MailReply.sent_at > r.now - EXPLAIN_EVERY)).first()
    if recent is not None:
        return None
    params = dict(stop.params)
    if "task" in params or stop.explain in ("expired", "already_decided"):
        if r.task is not None:
            params["task_url"] = f"{base_url}/tasks/{r.task.id}"
    refs = [*r.parsed.references, r.row.message_id] if r.row.message_id else r.parsed.references
    item = OutboxItem(kind="email", instance_id=r.task.instance_id if r.task else None,
                      created_at=r.now, payload={"explanation": {
                          "to": address, "name": person.name,
                          "locale": person.locale, "reason": stop.explain, "params": params,
                          "in_reply_to": r.row.message_id,
                          "references": [x for x in refs if x][-10:], "inbound": r.row.id}})
    s.add(item)
    s.flush()
    s.add(MailReply(address=address, reason=stop.explain, inbound_id=r.row.id,
                    outbox_item_id=item.id, sent_at=r.now))
    return item


def _directory_person(s: Session, address: str) -> Person | None:
    """The active person whose address or alias ``address`` is, or None."""
    person = s.exec(select(Person).where(Person.email == address)).first()
    if person is None:
        alias = s.get(PersonAlias, address)
        person = s.get(Person, alias.person_id) if alias is not None else None
    return person if person is not None and person.active else None


def _failed(db: Engine, inbound_id: int, now: datetime, error: BaseException) -> None:
    """Keep the failure on the row for the administrator, in a transaction of its own, and let
    go of the message; the sweep hands it on again after its grace period, until
    MAX_ATTEMPTS, then the message stays ``failed``. A claim taken over meanwhile (our lease
    lapsed) is not ours to record on."""
    log.error("inbound %s: processing failed", inbound_id, exc_info=error)
    try:
        with write_session(db) as s:
            row = s.get(InboundMessage, inbound_id, with_for_update=True)
            if row is None or row.state != "received" or row.claimed_at != now:
                return
            row.attempts += 1
            row.reason = f"{type(error).__name__}: {error}"[:2000]
            row.processed_at = now
            row.claimed_at = None
            if row.attempts >= MAX_ATTEMPTS:
                row.state, row.outcome = "failed", "error"
            s.add(row)
    except Exception:  # noqa: BLE001 - the database may be the problem
        log.warning("could not record the failure of inbound %s", inbound_id, exc_info=True)
