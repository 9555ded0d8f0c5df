"""Sending one ``email`` outbox row: compose it, hand it to the relay, close the row.

The row says what to send: ``{"notification": id, "token": bool}`` (a notification mailed to
its person; a task mail carries the reply token derived from the notification) or
``{"explanation": {...}}`` (a short reply to someone whose email was not accepted). The mail is
composed afresh on every attempt, with the same Message-ID and token, so a retried send is
recognisable as the same mail. No transaction is open while the relay is talked to.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from approvals.config.mail import MailSettings
from approvals.store.db import read_session, write_session
from approvals.store.models import Notification, OutboxItem
from mail import compose, send, tokens

log = logging.getLogger(__name__)


def send_item(db: Engine, item_id: int, now: datetime, *, settings: MailSettings,
              base_url: str, secret_key: str, trails_dir: Path | None = None,
              max_attempts: int = 10) -> str:
    """Send the mail of outbox row ``item_id``: ``"sent"``, ``"skipped"`` (done already, or
    unknown) or ``"failed"`` (refused for good: recorded on the row). A temporary failure is
    recorded and raised, so that the actor tries again."""
    with read_session(db) as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.kind != "email" or item.state != "pending":
            return "skipped"
        try:
            message = _compose(session, item, settings, base_url, secret_key, trails_dir)
        except Exception as error:  # noqa: BLE001 - a mail that cannot be made is kept, marked
            log.exception("outbox %s: cannot compose the mail", item_id)
            _close(db, item_id, now, f"cannot compose the mail: {type(error).__name__}: "
                                     f"{error}", failed=True)
            return "failed"
    try:
        send.send(settings, message)
    except send.PermanentFailure as error:
        log.error("outbox %s: %s", item_id, error)
        _close(db, item_id, now, str(error), failed=True)
        return "failed"
    except send.TemporaryFailure as error:
        attempts = _attempt(db, item_id, now, str(error), max_attempts)
        if attempts >= max_attempts:
            log.error("outbox %s: giving up after %d attempts: %s", item_id, attempts, error)
            return "failed"
        log.warning("outbox %s attempt %d: %s", item_id, attempts, error)
        raise
    _close(db, item_id, now, None, failed=False)
    return "sent"


def _compose(session, item: OutboxItem, settings: MailSettings, base_url: str,
             secret_key: str, trails_dir: Path | None):
    payload = item.payload
    if "explanation" in payload:
        e = payload["explanation"]
        return compose.explanation_mail(
            settings=settings, base_url=base_url, to=e["to"], name=e.get("name", ""),
            locale=e.get("locale", "en"), reason=e["reason"], params=e.get("params", {}),
            subject=e.get("subject", ""), in_reply_to=e.get("in_reply_to"),
            references=e.get("references", []), outbox_item_id=item.id)
    note = session.get(Notification, payload["notification"])
    token = tokens.derive(secret_key, note.id) if payload.get("token") else None
    return compose.notification_mail(session, note, settings=settings, base_url=base_url,
                                     outbox_item_id=item.id, token=token,
                                     trails_dir=trails_dir)


def _close(db: Engine, item_id: int, now: datetime, error: str | None, failed: bool) -> None:
    with write_session(db) as session:
        item = session.get(OutboxItem, item_id, with_for_update=True)
        if item is None or item.state != "pending":
            return
        item.attempts += 1
        item.last_attempt_at = now
        item.last_error = error[:2000] if error else None
        item.state = "failed" if failed else "done"
        item.done_at = None if failed else now
        session.add(item)


def _attempt(db: Engine, item_id: int, now: datetime, error: str, max_attempts: int) -> int:
    """Record a failed attempt; the row fails for good after ``max_attempts``."""
    with write_session(db) as session:
        item = session.get(OutboxItem, item_id, with_for_update=True)
        if item is None or item.state != "pending":
            return max_attempts  # closed meanwhile (another delivery): nothing to retry
        item.attempts += 1
        item.last_attempt_at = now
        item.last_error = error[:2000]
        if item.attempts >= max_attempts:
            item.state = "failed"
        session.add(item)
        return item.attempts
