"""Storing inbound mail: the raw bytes go into the database before anything reads them.

Both doors (the SMTP server and the IMAP reader) call :func:`store`; the SMTP server answers
250 only after it returned, the IMAP reader marks the mailbox message only then. Processing is
the worker's job (``workers.actors.handle_inbound``), on the stored id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import exc, select
from sqlalchemy.engine import Engine

from approvals.store.db import read_session, write_session
from approvals.store.models import InboundMessage, ReplyToken
from mail import tokens


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID header as sent (stripped), read without parsing the body; None when
    there is none or it cannot be read."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:256 * 1024])
        value = headers.get("Message-ID")
    except Exception:  # noqa: BLE001 - broken headers are the rule chain's business
        return None
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value[:998] or None


def store(db: Engine, raw: bytes, *, channel: str, now: datetime, envelope_from: str = "",
          envelope_to: Iterable[str] = (), source_key: str | None = None) -> int | None:
    """Store one message and commit; returns its id, or None when ``source_key`` was stored
    before (the same mailbox message read twice). Raises ``StoreUnavailable`` when the
    database cannot be reached (the SMTP server then answers 451)."""
    if source_key is not None and known(db, source_key):
        return None
    row = InboundMessage(received_at=now, channel=channel, envelope_from=envelope_from[:998],
                         envelope_to=", ".join(envelope_to)[:2000], source_key=source_key,
                         message_id=header_message_id(raw), size=len(raw),
                         sha256=hashlib.sha256(raw).hexdigest(), raw=raw)
    try:
        with write_session(db) as session:
            session.add(row)
            session.flush()
            return row.id
    except exc.IntegrityError:
        if source_key is not None and known(db, source_key):
            return None  # another reader stored it first
        raise


def known(db: Engine, source_key: str) -> bool:
    with read_session(db) as session:
        return session.exec(select(InboundMessage.id).where(
            InboundMessage.source_key == source_key)).first() is not None


def issued(db: Engine, token: str) -> bool:
    """Whether Signoff issued reply token ``token`` (used or expired ones included: their
    sender is told why the reply did not count). Raises ``StoreUnavailable`` when the database
    cannot be reached."""
    with read_session(db) as session:
        return session.exec(select(ReplyToken.id).where(
            ReplyToken.token_hash == tokens.token_hash(token))).first() is not None
