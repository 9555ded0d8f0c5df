"""What the workers carry out for the mail package, registered with
:mod:`approvals.dispatch` when this module is imported (``signoff worker`` names it): sending
one mail row (``email``), reading one stored reply (``inbound``), and turning a ``notify``
outbox row into the person's notification and the row that mails it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from approvals import dispatch
from approvals.config import Settings, base_url, trails_dir
from approvals.config.mail import MailSettings
from approvals.store.models import Notification, OutboxItem, ReplyToken
from mail import tokens
from mail.inbound import Processed, process
from mail.outgoing import send_item

#: Notifications about an open task whose mail carries a reply token.
TASK_MAILS = frozenset({"task_assigned", "revision_requested", "task_overdue",
                        "task_due_soon"})


def send_email(db: Engine, item_id: int, now: datetime) -> None:
    """Try once to send the mail of one ``email`` outbox row (a row already sent, held by
    another worker or not due is left alone; one the relay refuses for good is marked failed;
    a relay that is down means the row says when to try again, and the sweep hands it on)."""
    send_item(db, item_id, now, settings=MailSettings.from_env(), base_url=base_url(),
              secret_key=Settings.from_env().secret_key, trails_dir=trails_dir())


def read_reply(db: Engine, inbound_id: int, now: datetime) -> Processed | None:
    """Read one stored inbound message and act on it (None: it was processed already)."""
    return process(db, inbound_id, now, settings=MailSettings.from_env(), base_url=base_url())


def notify(session, item: OutboxItem, now: datetime) -> list[OutboxItem]:
    """The person's notification, and the ``email`` row that mails it to them (one row of
    :func:`notify_many`)."""
    return [session.get(OutboxItem, mail_id) for _kind, mail_id, _instance
            in notify_many(session, [item], now)]


_NOTES, _TOKENS, _OUTBOX = (Notification.__table__, ReplyToken.__table__,
                            OutboxItem.__table__)


def notify_many(session, items: list, now: datetime) -> list[tuple[str, int, int | None]]:
    """For each ``notify`` row, the person's notification (with the reply token of a task
    mail) and the ``email`` row that mails it: three multi-row INSERTs for the whole batch of
    the worker's delivery (:mod:`workers.outbox`) instead of an ORM flush per row, and the
    settings read once. Returns the ``email`` rows as (kind, id, instance id)."""
    if not items:
        return []
    connection = session.connection()
    notes = []
    for item in items:
        payload = item.payload
        params = payload.get("params", {})
        notes.append({"outbox_item_id": item.id, "person_id": payload["person"],
                      "instance_id": item.instance_id, "task_id": params.get("task"),
                      "template": payload["template"], "params": params, "created_at": now,
                      "read_at": None})
    note_ids = [row.id for row in connection.execute(
        insert(_NOTES).returning(_NOTES.c.id, sort_by_parameter_order=True), notes)]
    tokens_rows, mails = [], []
    days = secret = None
    for note, note_id in zip(notes, note_ids, strict=True):
        with_token = note["template"] in TASK_MAILS and note["task_id"] is not None
        if with_token:
            if secret is None:
                days = MailSettings.from_env().token_days
                secret = Settings.from_env().secret_key
            tokens_rows.append({
                "token_hash": tokens.token_hash(tokens.derive(secret, note_id)),
                "notification_id": note_id, "task_id": note["task_id"],
                "person_id": note["person_id"], "instance_id": note["instance_id"],
                "created_at": now, "expires_at": now + timedelta(days=days), "used_at": None,
                "used_by_inbound_id": None})
        mails.append({"kind": "email", "instance_id": note["instance_id"], "created_at": now,
                      "payload": {"notification": note_id, "token": with_token},
                      "state": "pending", "attempts": 0})
    if tokens_rows:
        connection.execute(insert(_TOKENS), tokens_rows)
    mail_ids = [row.id for row in connection.execute(
        insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True), mails)]
    return [("email", mail_id, mail["instance_id"])
            for mail_id, mail in zip(mail_ids, mails, strict=True)]


dispatch.register_work("email", send_email)
dispatch.register_work("inbound", read_reply)
dispatch.register_outbox_handler("notify", notify, many=notify_many)
