"""Handing committed outbox ids to Redis off the caller's path, a batch at a time.

A command's caller (a page, the API, an actor, a benchmark) calls
:func:`approvals.dispatch.kick` right after its commit. Sending the message there costs a Redis
round trip and Dramatiq's message building on every command — about a third of a decision's
whole cost in-process, and the request waits for it. Here ``kick`` only appends the ids to this
process's pending list and wakes one sender thread, which sends whatever has gathered as *one*
``deliver_outbox`` message (up to :data:`BATCH` ids): under load one message carries the rows
of many commands, and the worker delivers them in one transaction (``workers.outbox``).

Nothing can be lost by it: the rows are committed before their ids get here, and a row whose
message never reaches Redis (the process dies first, Redis is down) stays pending until the
scheduler's sweep sends it again (DESIGN.md: the database is the truth, the queue only carries
work). A failed send is logged, as a failed ``kick`` always was, and the ids are dropped for
the sweep. The process's exit waits up to :data:`EXIT_WAIT_S` for what is pending
(:func:`atexit`), so a one-shot command (``signoff away``) hands its rows on before it ends.

The thread is started by the first hand-off in each process (a forked gunicorn or Dramatiq
worker process starts its own: :func:`os.register_at_fork`).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

#: Most ids in one message; more wait for the next one, sent right after.
BATCH = 200
#: The thread sends at most one message this often (s): ids that come sooner after the last
#: message wait for the next one with whatever else gathers meanwhile, so a busy process sends
#: few messages, and an idle one sends at once.
LINGER_S = 0.02
#: How long a process's exit waits for its pending ids to be sent (s).
EXIT_WAIT_S = 5.0


class Handoff:
    """Pending outbox ids and the thread that sends them with ``send(ids)``."""

    def __init__(self, send: Callable[[list[int]], None]) -> None:
        self.send = send
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.flush, EXIT_WAIT_S)

    def _reset(self) -> None:
        self._pending: list[int] = []
        self._sending = 0  # ids taken by the thread and not yet sent (or given up)
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._last_sent = 0.0  # monotonic time the last message went out

    def put(self, ids: Iterable[int]) -> None:
        """Queue ``ids`` for the next message; returns at once."""
        ids = list(ids)
        with self._changed:
            self._pending.extend(ids)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="signoff-outbox-handoff")
                self._thread.start()
            if len(self._pending) == len(ids) or len(self._pending) >= BATCH:
                self._changed.notify_all()

    def flush(self, timeout: float = EXIT_WAIT_S) -> bool:
        """Wait until every id queued so far has been sent (or given up to the sweep);
        False if ``timeout`` seconds passed first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending or self._sending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def idle(self) -> bool:
        """Nothing queued and nothing being sent right now."""
        with self._changed:
            return not self._pending and not self._sending

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending:
                    self._changed.wait()
                # Busy (a message went out just now): let more gather for one message.
                due = self._last_sent + LINGER_S
                while len(self._pending) < BATCH and time.monotonic() < due:
                    self._changed.wait(due - time.monotonic())
                batch, self._pending = self._pending[:BATCH], self._pending[BATCH:]
                self._sending = len(batch)
            try:
                self.send(batch)
            except Exception:  # noqa: BLE001 - the sweep re-sends what was not handed on
                log.warning("could not hand on outbox rows %s; the sweep will", batch,
                            exc_info=True)
            finally:
                with self._changed:
                    self._last_sent = time.monotonic()
                    self._sending = 0
                    self._changed.notify_all()
