"""Chaos in the worker: ``kill -9`` in the middle of a burst, and ``kill -9`` between the relay's
250 and the outbox row marked sent.

A mail row a killed worker held stays claimed until its lease lapses
(``approvals.dispatch.MAIL_LEASE``, 5 minutes, fixed in code) and the sweep hands it on a
grace period after that, so both scenarios wait up to ~7 minutes: ``make chaos`` only.
"""

from __future__ import annotations

import time

import pytest

from approvals import dispatch
from tests.chaos.harness import MANAGER
from tests.chaos.scenarios import in_background, running, settle

pytestmark = pytest.mark.chaos
AFTER_LEASE = dispatch.MAIL_LEASE.total_seconds() + 120  # the lease, the grace, the sweep
WINDOW = 2.0  # seconds before a kill in which a mail taken by the relay may not be marked yet


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres",
                                                             marks=pytest.mark.postgres)])
def test_kill_worker_mid_burst(stack_factory, verify, database):
    """40 decisions a second through the API make ~60 mails; the worker (4 threads) is killed
    when a third of them reached the relay and started again 2 s later. Every mail arrives;
    a second copy is allowed only of a mail the relay took in the second before the kill
    (the worker may have been between the 250 and marking the row)."""
    stack = stack_factory(database)
    running(stack, 30)
    before = len(stack.relay.snapshot())
    burst = in_background(stack.burst, stack.review_tasks())
    deadline = time.monotonic() + 60
    while len(stack.relay.snapshot()) < before + 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    stack.role("worker").kill9()
    killed = time.time()
    burst.join(120)
    time.sleep(2)
    stack.restart("worker")
    settle(stack, AFTER_LEASE)
    verify(stack, explained=_in_the_window(stack, killed))


def _in_the_window(stack, killed: float) -> set[str]:
    """Message-IDs the relay took (250) in the WINDOW seconds before the kill: their rows may
    not have been marked sent yet (the mark waits its turn for the database's write lock),
    so a second copy of those is what the fault explains. Notes how long before the kill
    each duplicate's first copy was taken."""
    first: dict[str, float] = {}
    for delivery in stack.relay.snapshot():
        first.setdefault(delivery.message_id, delivery.at)
    window = {m for m, at in first.items() if killed - WINDOW <= at <= killed}
    copies = stack.relay.counts()
    gaps = sorted(round(killed - first[m], 3) for m, n in copies.items() if n > 1)
    stack.notes.append(f"{len(window)} mails taken in the {WINDOW:g} s before the kill; "
                       f"duplicates' first copies {gaps} s before it")
    return window


def test_kill_worker_between_250_and_mark(stack_factory, verify):
    """The relay answers 250 to the first sign-off task mail, tells the harness, and holds the
    worker's QUIT; the harness kills the worker there. The row stays claimed until its lease
    lapses; then the sweep sends it again — the same mail, with the same Message-ID (one
    duplicate, explained); every other mail once, except those other worker threads had
    handed to the relay in the moments before the kill and not marked yet."""
    stack = stack_factory()
    running(stack, 10)
    stack.relay.trigger = lambda message: MANAGER in str(message.get("To", "")) \
        and str(message.get("Message-ID", "")).startswith("<t.")
    burst = in_background(stack.burst, stack.review_tasks())
    assert stack.relay.fired.wait(120), "no sign-off task mail reached the relay"
    stack.role("worker").kill9()
    killed = time.time()
    caught = next(d for d in stack.relay.snapshot() if MANAGER in d.to
                  and d.message_id.startswith("<t."))
    stack.relay.trigger = None
    burst.join(120)
    stack.restart("worker")
    settle(stack, AFTER_LEASE)
    copies = stack.relay.counts()[caught.message_id]
    stack.notes.append(f"the mail caught in the window arrived {copies}x, each "
                       f"{caught.message_id}")
    assert copies == 2, "the mail held between the 250 and the mark was not sent again"
    verify(stack, explained=_in_the_window(stack, killed) | {caught.message_id})
