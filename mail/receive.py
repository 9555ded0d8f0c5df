"""The inbound SMTP server (Procfile role ``smtp``): the front door for replies.

It accepts mail for ``reply+TOKEN@MAIL_DOMAIN`` when Signoff issued that token (looked up at
RCPT TO: only its SHA-256 is stored) and for Signoff's own From address (a reply sent there
still finds its task through ``References``); it refuses every other recipient, a forged or
mistyped token included, with 550, so such mail is never stored nor read, and mail over
``INBOUND_MAX_BYTES`` with 552. It stores the raw bytes and answers 250 only after the commit —
451 when the database cannot take them (or cannot say at RCPT whether a token is ours), so the
sending server tries again and nothing is lost. Reading the message is the worker's job:
``on_stored(id)`` enqueues it.

With no relay configured the same role runs the mail catcher (:mod:`mail.catcher`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from approvals.config.mail import MailSettings
from mail import catcher, inbox, tokens

log = logging.getLogger(__name__)


class InboundHandler:
    def __init__(self, settings: MailSettings, db: Engine, on_stored: Callable[[int], None],
                 clock: Callable[[], datetime]) -> None:
        self.settings, self.db, self.on_stored, self.clock = settings, db, on_stored, clock

    def accepts(self, address: str) -> bool:
        """Whether ``address`` is one of ours; a reply address only when Signoff issued its
        token (a database read; ``StoreUnavailable`` when the database is away)."""
        address = address.strip().strip("<>")
        if address.lower() == self.settings.from_address.lower():
            return True
        token = tokens.from_address(address, self.settings.domain)
        return token is not None and inbox.issued(self.db, token)

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options) -> str:
        loop = asyncio.get_running_loop()
        try:
            accepted = await loop.run_in_executor(None, self.accepts, address)
        except Exception:  # noqa: BLE001 - the sender tries again later
            log.warning("cannot check recipient %s now", address, exc_info=True)
            return "451 4.3.0 cannot check the recipient now; please try again later"
        if not accepted:
            log.info("refused recipient %s from %s", address, session.peer)
            return f"550 5.1.1 <{address}>: no such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        try:
            stored = await loop.run_in_executor(None, self._store, raw, envelope)
        except Exception:  # noqa: BLE001 - the sender keeps the mail and tries again
            log.exception("cannot store a message from %s", envelope.mail_from)
            return "451 4.3.0 cannot store the message now; please try again later"
        try:
            self.on_stored(stored)
        except Exception:  # noqa: BLE001 - stored is safe: the scheduler's sweep enqueues it
            log.warning("stored message %s not enqueued; the sweep will", stored,
                        exc_info=True)
        return f"250 2.0.0 OK: stored as message {stored}"

    def _store(self, raw: bytes, envelope) -> int:
        return inbox.store(self.db, raw, channel="smtp", now=self.clock(),
                           envelope_from=envelope.mail_from or "",
                           envelope_to=envelope.rcpt_tos)


def inbound_controller(settings: MailSettings, db: Engine, on_stored: Callable[[int], None],
                       clock: Callable[[], datetime]) -> catcher.ServerThread:
    handler = InboundHandler(settings, db, on_stored, clock)
    return catcher.ServerThread(handler, hostname=settings.inbound_host, port=settings.inbound_port,
                      data_size_limit=settings.inbound_max_bytes, ident="Signoff")


def serve(settings: MailSettings, db: Engine, on_stored: Callable[[int], None],
          clock: Callable[[], datetime], stop: threading.Event) -> None:
    """Run the inbound server (and the catcher when no relay is configured) until ``stop``."""
    servers = [inbound_controller(settings, db, on_stored, clock)]
    if settings.catcher:
        servers.append(catcher.controller(settings.sent_dir, settings.catcher_port))
    for server in servers:
        server.start()
    log.info("inbound SMTP on %s:%d for reply+…@%s and %s", settings.inbound_host,
             settings.inbound_port, settings.domain, settings.from_address)
    if settings.catcher:
        log.info("mail catcher on 127.0.0.1:%d keeping mail in %s", settings.catcher_port,
                 settings.sent_dir)
    try:
        stop.wait()
    finally:
        for server in reversed(servers):
            server.stop()
