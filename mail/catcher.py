"""The built-in mail catcher: with no relay configured (no ``SMTP_HOST``), Signoff's mail goes
to an SMTP server on 127.0.0.1 that keeps every message in a Maildir (``var/mail/sent``), where
``/dev/mail`` lists it and lets a person answer it. Run by ``signoff smtp`` next to the inbound
server, so that ``make run`` goes through a whole approval by email without any mail server.
"""

from __future__ import annotations

import logging
import mailbox
from pathlib import Path

from aiosmtpd.controller import Controller

from approvals.store.maildir import ENVELOPE_HEADER

log = logging.getLogger(__name__)


class CatcherHandler:
    """Stores each delivered message, as received, in the Maildir, with the envelope
    recipients in a first header (like a local delivery agent's ``Delivered-To``)."""

    def __init__(self, maildir: Path) -> None:
        maildir.parent.mkdir(parents=True, exist_ok=True)  # Maildir makes tmp/, new/, cur/
        self.maildir = mailbox.Maildir(maildir, create=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        head = f"{ENVELOPE_HEADER}: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        content = envelope.original_content or envelope.content
        self.maildir.add(head + content)
        log.info("caught mail for %s", ", ".join(envelope.rcpt_tos))
        return "250 OK: kept in the catcher"


class ServerThread(Controller):
    """aiosmtpd's threaded server, closing its event loop when stopped (aiosmtpd leaves the
    loop it made open)."""

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert)
        if not self.loop.is_closed():
            self.loop.close()


def controller(maildir: Path, port: int, host: str = "127.0.0.1") -> ServerThread:
    """The catcher's server thread (``start()`` it; ``stop()`` when done)."""
    return ServerThread(CatcherHandler(maildir), hostname=host, port=port,
                        data_size_limit=100 * 1024 * 1024)
