"""Chaos at the front doors: the web role and the smtp role killed with work in flight, the
same reply delivered twice, and an email racing the page on the same task."""

from __future__ import annotations

import threading
import time

import pytest

from tests.chaos.harness import REVIEWERS
from tests.chaos.scenarios import in_background, replies, running, settle

pytestmark = pytest.mark.chaos


@pytest.mark.chaos_quick
def test_kill_web_with_decisions_in_flight(stack_factory, verify):
    """``kill -9`` of the web role while 8 clients post decisions: a decision answered 200 is
    recorded once; one whose answer was lost is either recorded once or not at all (the client
    tries again after the restart and gets 200 or 409); nothing half-written."""
    stack = stack_factory()
    running(stack, 30)
    decisions = stack.review_tasks()
    answers = []
    burst = in_background(lambda: answers.extend(stack.burst(decisions, retry=False)))
    deadline = time.monotonic() + 30
    while len(stack.acks) < 12 and time.monotonic() < deadline:  # mid-burst
        time.sleep(0.01)
    stack.role("web").kill9()
    burst.join(120)
    lost = [d for d, a in zip(decisions, answers, strict=True) if a.status is None]
    stack.notes.append(f"{len(answers) - len(lost)} answered before/after the kill, "
                       f"{len(lost)} without an answer")
    stack.restart("web")
    for who, task_id in lost:  # the clients try again
        stack.decide_api(who, task_id)
    settle(stack, 120)
    verify(stack)


@pytest.mark.chaos_quick
def test_kill_smtp_after_its_250(stack_factory, verify):
    """``kill -9`` of the smtp role right after it answered 250 to a reply (and while more
    replies arrive): every reply answered 250 is stored and read once; the ones that got no
    answer are sent again by the "MTA" after the restart."""
    stack = stack_factory()
    running(stack, 8)
    mails = replies(stack, REVIEWERS[0])
    first = mails[0]
    stack.send_reply(first[0], first[1], first[2], first[3], retry=False)
    stack.role("smtp").kill9()  # right after its 250
    unanswered = []
    for message, sender, to, task_id in mails[1:4]:  # the MTA finds the door shut
        code, _ = stack.send_reply(message, sender, to, task_id, retry=False)
        if code != 250:
            unanswered.append((message, sender, to, task_id))
    stack.notes.append(f"{len(unanswered)} replies refused while smtp was down")
    stack.restart("smtp")
    for message, sender, to, task_id in unanswered + mails[4:]:
        assert stack.send_reply(message, sender, to, task_id)[0] == 250
    settle(stack, 120)
    verify(stack)


@pytest.mark.chaos_quick
def test_same_reply_twice_and_email_racing_the_page(stack_factory, verify):
    """The same reply delivered twice (same Message-ID, as an MTA retrying after a lost 250
    does), and on other tasks a reply and the page's decision form at the same moment: one
    decision each, the loser told (an explanation mail, or the page's 409)."""
    stack = stack_factory()
    running(stack, 6)
    anna = replies(stack, REVIEWERS[0])
    for message, sender, to, task_id in anna[:3]:  # the same bytes, twice, at once
        both = [in_background(stack.send_reply, message, sender, to, task_id)
                for _ in range(2)]
        for thread in both:
            thread.join(60)
    page = stack.page_session(REVIEWERS[0])
    for message, sender, to, task_id in anna[3:]:
        csrf = page.form(task_id)
        go = threading.Barrier(2)
        results = {}

        def by_mail(message=message, sender=sender, to=to, task_id=task_id, go=go,
                    results=results):
            go.wait()
            results["mail"] = stack.send_reply(message, sender, to, task_id)[0]

        def by_page(task_id=task_id, csrf=csrf, go=go, results=results):
            go.wait()
            results["page"] = page.decide(task_id, csrf)

        threads = [in_background(by_mail), in_background(by_page)]
        for thread in threads:
            thread.join(60)
        stack.notes.append(f"task {task_id}: mail {results.get('mail')}, page "
                           f"{results.get('page')}")
    settle(stack, 120)
    verify(stack)
