"""Chaos in the outgoing relay: it refuses connections, answers 421, or hangs (accepts and
never speaks) — for 10 minutes under ``make chaos`` (40 s in the quick run) — while decisions
keep making mail. Nothing fails for good, nothing is lost, each mail arrives once: every
real try counts and the next waits a doubling time (10 s … 15 minutes,
``mail.outgoing.backoff``), so after a 10-minute outage the last mails may wait some minutes
more for their next try; the scenario waits it out.
"""

from __future__ import annotations

import time

import pytest

from mail.outgoing import RETRY_CAP
from tests.chaos.conftest import FULL, seconds
from tests.chaos.scenarios import in_background, running, settle

pytestmark = pytest.mark.chaos


@pytest.mark.parametrize("mode", ["421", "refuse", "hang"])
def test_relay_outage(stack_factory, verify, mode):
    stack = stack_factory()
    running(stack, 12)
    outage = seconds(600, 40)
    decisions = stack.review_tasks()
    stack.relay.set_mode(mode)
    began = time.monotonic()
    burst = in_background(stack.burst, decisions[:len(decisions) // 2])
    time.sleep(outage / 2)  # more decisions while the relay is still away
    stack.burst(decisions[len(decisions) // 2:])
    burst.join(120)
    time.sleep(max(0.0, outage - (time.monotonic() - began)))
    stack.relay.set_mode("accept")
    stack.notes.append(f"relay {mode} for {outage:.0f} s ({stack.relay.refusals} 421s)")
    # the longest a row can wait for its next try, then a sweep or two
    settle(stack, (RETRY_CAP.total_seconds() if FULL else 90) + 120)
    verify(stack)
