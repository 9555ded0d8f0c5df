"""Sending one ``email`` outbox row: claim it, compose it, hand it to the relay, close the row.

The row says what to send: ``{"notification": id, "token": bool}`` (a notification mailed to
its person; a task mail carries the reply token derived from the notification) or
``{"explanation": {...}}`` (a short reply to someone whose email was not accepted).

The database schedules the tries, not the queue. A try first claims the row (:func:`claim`:
one UPDATE that takes it only while it is pending, held by nobody and due), so two copies of
the same work in flight — a message delivered twice, the sweep and a kick racing — send it
once: the second finds the row held and skips. A temporary failure (the relay down, a 4xx, a
timeout, the worker's time limit) counts one attempt, says when the next try is due
(:func:`backoff`) and lets go of the row; the scheduler's sweep hands it on then. A relay away
for hours only delays the mail: a row fails for good only when the relay refuses it (5xx) or
the mail cannot be composed, and an administrator can send a failed row again
(:func:`approvals.service.resend_mail`).

A relay that takes only so many mails a minute (Exchange Online: 30) is not flooded when a
campaign mails 500 people at once: with ``SMTP_MAX_PER_MINUTE`` each worker process spaces its
mails evenly (:class:`Pace`); the rows wait in the outbox meanwhile, unclaimed.

The mail is composed afresh on every try with the same Message-ID and token (both derive from
the row), so a second copy is recognisable as the same mail. The one window in which a mail
can go out twice — a worker killed between the relay's 250 and the row marked done — holds
nothing but that mark, in its own short transaction. No transaction is open while the relay
is talked to.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import exc, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import dispatch
from approvals.config import zones
from approvals.config.mail import MailSettings
from approvals.core.errors import StoreUnavailable
from approvals.store.db import read_session, write_session
from approvals.store.models import Notification, OutboxItem, Person
from mail import compose, send, tokens

log = logging.getLogger(__name__)
_OUTBOX = OutboxItem.__table__

#: The wait after the first failed try, doubled after each further one up to the cap: a
#: short relay hiccup costs seconds, a long outage one try every quarter of an hour.
RETRY_FIRST = timedelta(seconds=10)
RETRY_CAP = timedelta(minutes=15)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    doublings = min(max(attempts, 1) - 1, 20)  # 2**20 × 10 s is far past the cap
    return min(RETRY_FIRST * 2 ** doublings, RETRY_CAP)


class Pace:
    """At most ``per_minute`` mails a minute from this process, evenly spaced: each try takes
    the next free moment (one every ``60 / per_minute`` seconds) and waits for it, before it
    claims its row. 0 is no limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self, per_minute: int) -> float:
        """Wait for this mail's moment; returns how long it waited (seconds)."""
        if per_minute <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            moment = max(now, self._next)
            self._next = moment + 60.0 / per_minute
        if moment > now:
            time.sleep(moment - now)
        return moment - now


PACE = Pace()


def send_item(db: Engine, item_id: int, now: datetime, *, settings: MailSettings,
              base_url: str, secret_key: str, trails_dir: Path | None = None) -> str:
    """Try to send the mail of outbox row ``item_id`` once: ``"sent"``; ``"skipped"`` (done
    already, unknown, held by another worker, or not due yet: nothing was tried);
    ``"deferred"`` (a temporary failure, counted: the sweep hands it on when it is due) or
    ``"failed"`` (refused for good, recorded on the row).

    Anything else that stops the try — an error, the worker's time limit (Dramatiq's
    ``TimeLimitExceeded`` is a ``BaseException``) — is counted like a temporary failure and
    the row let go before it is raised, so the row is neither stuck nor tried for ever."""
    PACE.wait(settings.max_per_minute)
    if not claim(db, item_id, now):
        return "skipped"
    try:
        return _send_claimed(db, item_id, now, settings, base_url, secret_key, trails_dir)
    except SentButUnmarked:
        raise  # held, not let go: sent again only when the lease lapses (same Message-ID)
    except BaseException as error:
        try:
            _defer(db, item_id, now, f"{type(error).__name__}: {error}")
        except Exception:  # noqa: BLE001 - the original matters more; the claim lapses
            log.exception("outbox %s: could not record the interrupted try", item_id)
        raise


def claim(db: Engine, item_id: int, now: datetime) -> bool:
    """Take row ``item_id`` for one try: only while it is pending, held by nobody (or by a
    worker whose lease lapsed: it died) and due. False: done, unknown, held or not due."""
    with write_session(db) as session:
        taken = session.connection().execute(update(_OUTBOX).where(
            _OUTBOX.c.id == item_id, _OUTBOX.c.kind == "email", _OUTBOX.c.state == "pending",
            or_(_OUTBOX.c.claimed_at.is_(None),
                _OUTBOX.c.claimed_at < now - dispatch.MAIL_LEASE),
            or_(_OUTBOX.c.next_attempt_at.is_(None), _OUTBOX.c.next_attempt_at <= now))
            .values(claimed_at=now))
        return taken.rowcount == 1


def _send_claimed(db: Engine, item_id: int, now: datetime, settings: MailSettings,
                  base_url: str, secret_key: str, trails_dir: Path | None) -> str:
    with read_session(db) as session:
        item = session.get(OutboxItem, item_id)
        try:
            message, problem = _compose(session, item, settings, base_url, secret_key,
                                        trails_dir), None
        except _STORE_AWAY:
            raise  # the database failed, not the mail: a temporary failure (send_item)
        except Exception as error:  # noqa: BLE001 - a mail that cannot be made is kept, marked
            log.exception("outbox %s: cannot compose the mail", item_id)
            message, problem = None, f"cannot compose the mail: {type(error).__name__}: {error}"
    if message is None:
        _close(db, item_id, now, problem, failed=True)
        return "failed"
    try:
        send.send(settings, message)
    except send.PermanentFailure as error:
        log.error("outbox %s: %s", item_id, error)
        _close(db, item_id, now, str(error), failed=True)
        return "failed"
    except send.TemporaryFailure as error:
        attempts, due = _defer(db, item_id, now, str(error))
        log.warning("outbox %s attempt %d: %s; next try at %s", item_id, attempts, error, due)
        return "deferred"
    _mark_sent(db, item_id, now)  # nothing else between the 250 and this
    return "sent"


#: What says the database failed, rather than the mail: a try interrupted by it is counted as
#: a temporary failure and made again, never a reason to fail the mail for good.
_STORE_AWAY = (StoreUnavailable, exc.OperationalError, exc.InterfaceError,
               exc.DisconnectionError)
#: After the relay's 250, marking the row sent is tried again after these waits (seconds).
MARK_RETRIES = (0.2, 0.5, 1.0, 2.0, 4.0)


class SentButUnmarked(Exception):
    """The relay took the mail, but the database would not record it. The row stays held by
    this try, so the mail goes again only when the lease lapses — the one duplicate the design
    allows, with the same Message-ID — and not a few seconds later as a failed try would."""


def _mark_sent(db: Engine, item_id: int, now: datetime) -> None:
    for wait in (*MARK_RETRIES, None):
        try:
            _close(db, item_id, now, None, failed=False)
            return
        except _STORE_AWAY as error:
            if wait is None:
                log.error("outbox %s: sent, but the database would not record it (%s); held "
                          "until its lease lapses", item_id, error)
                raise SentButUnmarked(item_id) from error
            time.sleep(wait)


def _compose(session, item: OutboxItem, settings: MailSettings, base_url: str,
             secret_key: str, trails_dir: Path | None):
    payload = item.payload
    if "explanation" in payload:
        e = payload["explanation"]
        return compose.explanation_mail(
            settings=settings, base_url=base_url, to=e["to"], name=e.get("name", ""),
            locale=e.get("locale", "en"), reason=e["reason"], params=e.get("params", {}),
            in_reply_to=e.get("in_reply_to"),
            references=e.get("references", []), outbox_item_id=item.id,
            zone=zones.reader_zone(session.exec(select(Person).where(
                Person.email == e["to"])).first()))
    note = session.get(Notification, payload["notification"])
    token = tokens.derive(secret_key, note.id) if payload.get("token") else None
    return compose.notification_mail(session, note, settings=settings, base_url=base_url,
                                     outbox_item_id=item.id, token=token,
                                     trails_dir=trails_dir)


def _close(db: Engine, item_id: int, now: datetime, error: str | None, failed: bool) -> None:
    """Done (sent) or failed for good: one statement, the claim let go with it."""
    with write_session(db) as session:
        session.connection().execute(update(_OUTBOX).where(
            _OUTBOX.c.id == item_id, _OUTBOX.c.state == "pending").values(
            attempts=_OUTBOX.c.attempts + 1, last_attempt_at=now,
            last_error=error[:2000] if error else None, state="failed" if failed else "done",
            done_at=None if failed else now, claimed_at=None, next_attempt_at=None))


def _defer(db: Engine, item_id: int, now: datetime, error: str) -> tuple[int, datetime | None]:
    """Count a try that did not get through, say when the next is due, and let go of the row
    (it is in no queue any more: the sweep hands it on when it is due). A row closed
    meanwhile, or claimed by someone else after our lease lapsed, is left alone."""
    with write_session(db) as session:
        item = session.get(OutboxItem, item_id, with_for_update=True)
        if item is None or item.state != "pending" or item.claimed_at != now:
            return (item.attempts if item else 0), None
        item.attempts += 1
        item.last_attempt_at = now
        item.last_error = error[:2000]
        item.next_attempt_at = now + backoff(item.attempts)
        item.claimed_at = item.queued_at = None
        session.add(item)
        return item.attempts, item.next_attempt_at
