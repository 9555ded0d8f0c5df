"""Poison replies — a 9 MB HTML reply, a reply of 50,000 quoted lines, broken MIME — sent
with valid tokens ahead of ordinary replies: each is read (bounded) and ends in a recorded
outcome, and the ordinary replies behind them are decided promptly."""

from __future__ import annotations

import time
from email.message import EmailMessage

import pytest

from tests.chaos.harness import REVIEWERS
from tests.chaos.scenarios import replies, running, settle

pytestmark = pytest.mark.chaos
BEHIND = 60  # seconds within which the ordinary replies must be decided


def _html(original: EmailMessage) -> EmailMessage:
    chunk = "<p><b>Approved</b> <i>see</i> <span style='x'>the notes</span> below</p>\n"
    message = original
    message.clear_content()
    message.set_content("<html><body>" + chunk * (9 * 1024 * 1024 // len(chunk))
                        + "</body></html>", subtype="html", cte="7bit")
    return message


def _quoted(original: EmailMessage) -> EmailMessage:
    message = original
    message.clear_content()
    lines = "\n".join(f"> line {n} of what Signoff wrote, approved or not" for n in
                      range(50_000))
    message.set_content(f"Approved\n\nOn Monday, Signoff wrote:\n{lines}\n", cte="7bit")
    return message


def _broken(original: EmailMessage) -> bytes:
    head = b"".join(f"{k}: {v}\r\n".encode() for k, v in original.items()
                    if k.lower() not in ("content-type", "content-transfer-encoding",
                                         "mime-version"))
    return head + (b"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
                   b"boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=x-nope"
                   b"\r\nContent-Transfer-Encoding: base64\r\n\r\nQXBwcm92ZWQ=!!!***\r\n--zz"
                   b"\r\nContent-Type: text/html\r\n\r\n<p>Appro")  # no closing boundary


def test_poison_replies_do_not_block(stack_factory, verify):
    stack = stack_factory()
    running(stack, 8)
    mails = replies(stack, REVIEWERS[0])
    poison = [(_html(mails[0][0]), *mails[0][1:]), (_quoted(mails[1][0]), *mails[1][1:]),
              (_broken(mails[2][0]), *mails[2][1:])]
    for message, sender, to, task_id in poison:
        code, text = stack.send_reply(message, sender, to, task_id)
        assert code == 250, text
    sent = time.monotonic()
    ordinary = mails[3:]
    for message, sender, to, task_id in ordinary:
        assert stack.send_reply(message, sender, to, task_id)[0] == 250
    waiting = {task_id for *_, task_id in ordinary}
    from sqlmodel import select

    from approvals.store.db import read_session
    from approvals.store.models import Task

    while time.monotonic() - sent < BEHIND * 3:
        with read_session(stack.engine) as s:
            open_ = set(s.exec(select(Task.id).where(Task.id.in_(waiting),
                                                     Task.state == "open")))
        if not open_:
            break
        time.sleep(0.5)
    behind = time.monotonic() - sent
    stack.notes.append(f"ordinary replies behind the poison decided after {behind:.1f} s")
    settle(stack, 300)
    verify(stack)
    assert behind < BEHIND, f"the replies behind the poison waited {behind:.0f} s"
