"""Steps several chaos scenarios share."""

from __future__ import annotations

import threading
import time

from tests.chaos.harness import REVIEWERS, Stack


def running(stack: Stack, instances: int, *, database: str = "sqlite") -> list[int]:
    """Start every role, start ``instances`` instances through the API and wait until every
    reviewer's task mail reached the relay."""
    stack.start()
    ids = stack.start_instances(instances)
    for reviewer in REVIEWERS:
        stack.wait_task_mails(reviewer, instances)
    return ids


def in_background(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def replies(stack: Stack, reviewer: str, text: str = "Approved") -> list[tuple]:
    """(reply, sender, reply address, task id) for each task mail ``reviewer`` received."""
    found = []
    for mail in stack.task_mails(reviewer):
        found.append((stack.reply(mail, reviewer, text), reviewer, str(mail["Reply-To"]),
                      stack.task_of_mail(mail)))
    return found


def settle(stack: Stack, timeout: float) -> float:
    """Wait for the sweep to finish what is left; note how long it took."""
    waited = stack.wait_settled(timeout)
    stack.notes.append(f"settled {waited:.0f} s after the fault")
    return waited


def sleep_until(deadline: float) -> None:
    time.sleep(max(0.0, deadline - time.monotonic()))
