"""What the workers carry out for the mail package, registered with
:mod:`approvals.dispatch` when this module is imported (``signoff worker`` names it): sending
one mail row (``email``), reading one stored reply (``inbound``), and turning a ``notify``
outbox row into the person's notification and the row that mails it."""

from __future__ import annotations

from datetime import datetime, timedelta

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
    """The person's notification, and the ``email`` row that mails it to them."""
    payload = item.payload
    params = payload.get("params", {})
    note = Notification(outbox_item_id=item.id, person_id=payload["person"],
                        instance_id=item.instance_id, task_id=params.get("task"),
                        template=payload["template"], params=params, created_at=now)
    session.add(note)
    session.flush()
    with_token = note.template in TASK_MAILS and note.task_id is not None
    if with_token:
        days = MailSettings.from_env().token_days
        secret = Settings.from_env().secret_key
        session.add(ReplyToken(token_hash=tokens.token_hash(tokens.derive(secret, note.id)),
                               notification_id=note.id, task_id=note.task_id,
                               person_id=note.person_id, instance_id=note.instance_id,
                               created_at=now, expires_at=now + timedelta(days=days)))
    mail = OutboxItem(kind="email", instance_id=item.instance_id, created_at=now,
                      payload={"notification": note.id, "token": with_token})
    session.add(mail)
    session.flush()
    return [mail]


dispatch.register_work("email", send_email)
dispatch.register_work("inbound", read_reply)
dispatch.register_outbox_handler("notify", notify)
