"""The chaos suite's SMTP relay: an aiosmtpd server in the test process that the workers send
every mail to (``SMTP_HOST``/``SMTP_PORT``), recording each accepted message's Message-ID.

Modes, switched at any time with :meth:`Relay.set_mode`:

- ``accept``: answers 250 and records the message;
- ``refuse``: nobody listens on the port any more (connection refused);
- ``421``: greets, then answers ``MAIL FROM`` with ``421 4.3.2`` (a relay shedding load);
- ``hang``: accepts the connection and never says a word (a tarpit; the sender's timeout ends
  the try).

A *trigger* (a predicate on the parsed message) makes the relay tell the harness right after it
answered 250 for a matching message, and hold that session's ``QUIT`` unanswered, so the sender
sits between the relay's 250 and whatever it does next while the harness kills it.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default

from aiosmtpd.controller import Controller

MODES = ("accept", "refuse", "421", "hang")


@dataclass
class Delivery:
    message_id: str
    to: str
    at: float  # time.time() of the 250
    raw: bytes
    message: Message = field(repr=False, default=None)


class _Handler:
    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.relay.mode == "421":
            self.relay.refusals += 1
            return "421 4.3.2 chaos relay: service not available, try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=default)
        delivery = Delivery(str(message.get("Message-ID", "")).strip(),
                            str(message.get("To", "")), time.time(), raw, message)
        trigger = self.relay.trigger
        fired = False
        with self.relay.lock:
            self.relay.deliveries.append(delivery)
            if trigger is not None and not self.relay.fired.is_set() and trigger(message):
                fired = True
                session.chaos_hold_quit = True
        if fired:  # told after the 250 is on the wire: the harness kills the sender then
            asyncio.get_running_loop().call_later(0.05, self.relay.fired.set)
        return "250 2.0.0 OK: queued"

    async def handle_QUIT(self, server, session, envelope):
        if getattr(session, "chaos_hold_quit", False):
            await asyncio.sleep(120)  # the sender is killed meanwhile
        return "221 Bye"


class Relay:
    """See the module docstring. ``port`` stays the same across modes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mode = "accept"
        self.lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        self.refusals = 0
        self.trigger: Callable[[Message], bool] | None = None
        self.fired = threading.Event()
        self._controller: Controller | None = None
        self._tarpit: _Tarpit | None = None

    # ------------------------------------------------------------------ modes

    def start(self) -> None:
        self.set_mode("accept")

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        listening = mode in ("accept", "421")
        if not listening and self._controller is not None:
            self._controller.stop()
            self._controller = None
        if mode != "hang" and self._tarpit is not None:
            self._tarpit.stop()
            self._tarpit = None
        if listening and self._controller is None:
            self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                          ready_timeout=10)
            for attempt in range(50):  # the port may linger a moment after the tarpit
                try:
                    self._controller.start()
                    break
                except Exception:  # noqa: BLE001 - retried, then raised
                    if attempt == 49:
                        raise
                    time.sleep(0.1)
        if mode == "hang" and self._tarpit is None:
            self._tarpit = _Tarpit(self.port)
        self.mode = mode

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._tarpit is not None:
            self._tarpit.stop()
            self._tarpit = None

    # ------------------------------------------------------------------ what arrived

    def snapshot(self) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries)

    def counts(self) -> Counter:
        return Counter(d.message_id for d in self.snapshot())

    def to(self, address: str) -> list[Delivery]:
        """Mails addressed to ``address``, first copy of each Message-ID, oldest first."""
        seen, found = set(), []
        for delivery in self.snapshot():
            if address.lower() in delivery.to.lower() and delivery.message_id not in seen:
                seen.add(delivery.message_id)
                found.append(delivery)
        return found

    def wait_for(self, predicate: Callable[[list[Delivery]], bool], timeout: float,
                 what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.snapshot()):
            if time.monotonic() > deadline:
                raise AssertionError(f"the relay did not see {what} within {timeout:g} s")
            time.sleep(0.2)


class _Tarpit:
    """Accepts connections on ``port`` and never answers."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for attempt in range(50):
            try:
                self.sock.bind(("127.0.0.1", port))
                break
            except OSError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        self.sock.listen(100)
        self.sock.settimeout(0.2)
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.held.append(conn)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        for conn in self.held:
            conn.close()
        self.sock.close()
