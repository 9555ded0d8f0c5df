"""The IMAP door: replies read from a mailbox instead of received by our own SMTP server.

For organisations that cannot point a domain's MX at Signoff: replies go to an ordinary mailbox
and the ``imap`` role (``signoff imap``, which calls :func:`serve`) reads it. Every unseen
message is fetched with ``BODY.PEEK[]`` (fetching never marks it read), stored raw with
:func:`mail.inbox.store`, and only after that commit marked ``\\Seen`` (and moved, when asked).
A message that could not be stored - the database is down - stays unseen and is read again.

A message is named ``imap:USER@HOST/FOLDER:UIDVALIDITY:UID`` (the row's ``source_key``), so a
message read twice is stored once, and a recreated mailbox, whose UIDs start again under a new
UIDVALIDITY, is not mistaken for the old one. The same reply arriving twice under different
UIDs is caught later by the rule chain (by Message-ID), not here.

A message larger than ``INBOUND_MAX_BYTES`` is not downloaded: its headers alone are stored,
marked ``too_large`` in the row's details, and the rule chain ends it with the outcome
``too_large`` (answering the sender, unless the mail was automatic) — the SMTP door refuses
such mail with 552; a mailbox has already accepted it, so the row is what tells the admin.

Waiting for news uses IDLE, re-issued every :data:`IDLE_RENEW` seconds (servers may drop an IDLE
older than 29 minutes, RFC 2177), or polls every :data:`POLL_SECONDS` on servers without IDLE.
Any failure - network, login, database - is logged and retried with a growing pause; the reader
never stops on its own.
"""

from __future__ import annotations

import imaplib
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from imapclient import SEEN, IMAPClient, SocketTimeout
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import utcnow
from approvals.config.mail import MailSettings
from approvals.core.errors import StoreUnavailable
from approvals.store.db import write_session
from approvals.store.models import InboundMessage
from mail.inbox import known, store

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0  # between polls when the server has no IDLE
IDLE_RENEW = 25 * 60.0  # an IDLE is ended and re-issued this often (servers allow 29 min)
STOP_CHECK_SECONDS = 1.0  # how often a waiting reader looks at its stop event
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 60.0  # the pause after a failure doubles up to this
TIMEOUT = SocketTimeout(connect=30.0, read=120.0)  # seconds; IDLE waits are not bound by it
NEWS = (b"EXISTS", b"RECENT", b"FETCH")  # IDLE responses that call for a poll

# Errors that mean the connection is no good any more: imaplib's error (imapclient's
# IMAPClientError, LoginError, AbortError derive from it) and socket/TLS errors.
CONNECTION_ERRORS = (imaplib.IMAP4.error, OSError)


class ConnectionLost(OSError):
    """The server ended the session (``* BYE``, or end of stream while idling)."""


class MailboxReader:
    """Reads one mailbox folder; see the module docstring.

    The connection is opened by the first :meth:`poll_once` (so building a reader never fails
    on the network) and again after any connection error. ``move_to`` names a folder that
    read messages are moved to (created when missing); ``idle=False`` polls every
    ``poll_seconds`` even when the server offers IDLE (for servers whose IDLE is broken).
    One thread at a time: stop :meth:`run_forever` with its event before calling
    :meth:`close` from elsewhere."""

    def __init__(self, settings: MailSettings, db: Engine, on_stored: Callable[[int], None],
                 clock: Callable[[], datetime] = utcnow, *, move_to: str | None = None,
                 idle: bool = True, poll_seconds: float = POLL_SECONDS) -> None:
        if not settings.imap_host:
            raise ValueError("IMAP_HOST is not set: there is no mailbox to read")
        self.settings = settings
        self.db = db
        self.on_stored = on_stored
        self.clock = clock
        self.move_to = move_to
        self.idle = idle
        self.poll_seconds = poll_seconds
        self.uidvalidity: int | None = None  # of the folder as last selected
        self._client: IMAPClient | None = None

    @property
    def account(self) -> str:
        s = self.settings
        return f"{s.imap_user or ''}@{s.imap_host}/{s.imap_folder}"

    def source_key(self, uidvalidity: int, uid: int) -> str:
        return f"imap:{self.account}:{uidvalidity}:{uid}"

    # --- one pass ------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Store every unseen, undeleted message of the folder; return how many were new.

        The folder is selected anew each time, so a changed UIDVALIDITY (a recreated mailbox)
        is seen before any UID is trusted. Raises what went wrong: a connection error (the
        connection is dropped, the next call opens a new one) or :class:`StoreUnavailable`
        (the message stays unseen)."""
        client = self._connection()
        try:
            selected = client.select_folder(self.settings.imap_folder)
            self.uidvalidity = int(selected[b"UIDVALIDITY"])
            _pending(client).pop("EXISTS", None)  # the SELECT's own count; see _wait_for_news
            uids = client.search(["UNSEEN", "UNDELETED"])
            if not uids:
                return 0
            sizes = client.fetch(uids, ["RFC822.SIZE"])
            stored = 0
            for uid in sorted(uids):
                if uid in sizes:  # else expunged in the meantime
                    stored += self._take(client, self.uidvalidity, uid,
                                         int(sizes[uid][b"RFC822.SIZE"]))
            return stored
        except CONNECTION_ERRORS:
            self._drop()
            raise

    def _take(self, client: IMAPClient, uidvalidity: int, uid: int, size: int) -> bool:
        """Store one message, then mark it; True when it was not stored before."""
        key = self.source_key(uidvalidity, uid)
        limit = self.settings.inbound_max_bytes
        too_large = size > limit
        new_id = None
        if not known(self.db, key):
            part = b"BODY[HEADER]" if too_large else b"BODY[]"
            fetched = client.fetch([uid], [b"BODY.PEEK[HEADER]" if too_large else b"BODY.PEEK[]"])
            raw = fetched.get(uid, {}).get(part)
            if raw is None:
                return False  # expunged in the meantime
            new_id = store(self.db, raw, channel="imap", now=self.clock(), envelope_from="",
                           envelope_to=[self.settings.imap_user or ""], source_key=key)
        if too_large:  # also when stored before: the mark may have been missed then
            mark_too_large(self.db, key, size, limit, self.clock())
        if new_id is not None:
            self._notify(new_id)
        client.add_flags([uid], [SEEN], silent=True)
        if self.move_to:
            self._move(client, uid)
        return new_id is not None

    def _notify(self, inbound_id: int) -> None:
        """``on_stored`` failing (Redis away) must not keep the message unseen: the row is
        committed, and the scheduler's sweep enqueues rows left ``received``."""
        try:
            self.on_stored(inbound_id)
        except Exception:  # noqa: BLE001 - the row is safe; the sweep catches up
            log.exception("inbound message %s stored, but on_stored failed", inbound_id)

    def _move(self, client: IMAPClient, uid: int) -> None:
        if client.has_capability("MOVE"):
            client.move([uid], self.move_to)
            return
        client.copy([uid], self.move_to)
        client.delete_messages([uid], silent=True)  # \Deleted: never searched again
        if client.has_capability("UIDPLUS"):
            client.expunge([uid])  # UID EXPUNGE touches this message only

    # --- the connection ------------------------------------------------------------------

    def _connection(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        s = self.settings
        client = IMAPClient(s.imap_host, port=s.imap_port, ssl=s.imap_ssl, timeout=TIMEOUT)
        try:
            client.login(s.imap_user or "", s.imap_password or "")
            if self.move_to and not client.folder_exists(self.move_to):
                client.create_folder(self.move_to)
        except BaseException:
            _shutdown(client)
            raise
        log.info("connected to %s", self.account)
        self._client = client
        return client

    def _drop(self) -> None:
        """Forget a connection that failed, without talking to the server again."""
        client, self._client = self._client, None
        if client is not None:
            _shutdown(client)

    def close(self) -> None:
        """Log out (politely when the connection still works); a later poll reconnects."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # noqa: BLE001 - closing a broken connection
            _shutdown(client)

    # --- waiting -------------------------------------------------------------------------

    def run_forever(self, stop: threading.Event) -> None:
        """Poll, wait for news (IDLE or a pause), poll again… until ``stop`` is set; then log
        out. Failures are logged and retried after 1, 2, 4 … 60 s."""
        delay = BACKOFF_FIRST
        try:
            while not stop.is_set():
                try:
                    self.poll_once()
                    delay = BACKOFF_FIRST
                    self._wait_for_news(stop)
                except Exception as error:  # noqa: BLE001 - the reader must outlive anything
                    self._log_failure(error, delay)
                    if not isinstance(error, StoreUnavailable):
                        self._drop()  # it may be mid-command or idling; start afresh
                    stop.wait(delay)
                    delay = min(delay * 2, BACKOFF_MAX)
        finally:
            self.close()

    def _log_failure(self, error: Exception, delay: float) -> None:
        if isinstance(error, (*CONNECTION_ERRORS, StoreUnavailable)):
            log.warning("reading %s failed (%s: %s); retrying in %g s", self.account,
                        type(error).__name__, error, delay)
        else:
            log.exception("reading %s failed; retrying in %g s", self.account, delay)

    def _wait_for_news(self, stop: threading.Event) -> None:
        """Return when the folder may hold new mail, the IDLE is due for renewal, or ``stop``
        is set. Without IDLE, that is after ``poll_seconds``."""
        client = self._connection()
        if _pending(client).pop("EXISTS", None):
            # Mail arrived while the poll ran; the server said so with the answer to another
            # command (a STORE, a SEARCH) and will not say it again when the IDLE starts.
            return
        if not (self.idle and client.has_capability("IDLE")):
            stop.wait(self.poll_seconds)
            return
        client.idle()
        renew_at, hollow = time.monotonic() + IDLE_RENEW, 0
        while not stop.is_set():
            left = renew_at - time.monotonic()
            if left <= 0:
                log.debug("renewing the IDLE on %s", self.account)
                break
            wait = min(STOP_CHECK_SECONDS, left)
            started = time.monotonic()
            responses = client.idle_check(timeout=wait)
            if any(r and r[0] == b"BYE" for r in responses):
                raise ConnectionLost(f"the server ended the session: {responses}")
            # Readable with nothing to read, again and again: idle_check swallows the end of
            # the stream (once may be a TLS record without data).
            hollow = hollow + 1 if not responses and time.monotonic() - started < wait / 2 else 0
            if hollow >= 3:
                raise ConnectionLost("the server closed the connection while idling")
            if any(len(r) > 1 and r[1] in NEWS for r in responses):
                break
        client.idle_done()


def mark_too_large(db: Engine, source_key: str, size: int, limit: int,
                   now: datetime) -> int | None:
    """Mark the row of a mailbox message of ``size`` bytes, more than ``limit`` (stored with
    its headers only), so that the rule chain ends it as ``too_large``. Returns its id, or None
    when there is nothing to mark (no such row, marked already, or processed already)."""
    with write_session(db) as session:
        row = session.exec(select(InboundMessage).where(
            InboundMessage.source_key == source_key)).first()
        if row is None or row.state != "received" or row.details.get("too_large"):
            return None
        row.reason = f"message of {size} bytes is larger than the limit of {limit} bytes"
        row.details = {**row.details, "too_large": True, "size": size, "limit": limit}
        session.add(row)
        return row.id


def serve(settings: MailSettings, db: Engine, on_stored: Callable[[int], None],
          stop: threading.Event, *, clock: Callable[[], datetime] = utcnow,
          move_to: str | None = None) -> None:
    """The ``imap`` role: read ``IMAP_USER@IMAP_HOST/IMAP_FOLDER`` until ``stop`` is set,
    calling ``on_stored(inbound_id)`` (enqueue ``handle_inbound``) for each stored message."""
    MailboxReader(settings, db, on_stored, clock, move_to=move_to).run_forever(stop)


def _pending(client: IMAPClient) -> dict:
    """The untagged responses imaplib collected with the answers to commands (``EXISTS`` →
    the counts the server announced); imapclient offers no public view of them."""
    return client._imap.untagged_responses


def _shutdown(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except Exception:  # noqa: BLE001  # nosec B110  # the socket may already be gone
        pass
