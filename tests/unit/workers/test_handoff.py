"""The hand-off of committed outbox ids: off the caller's path, in batches, nothing twice."""

from __future__ import annotations

import logging
import threading

from workers import handoff
from workers.handoff import Handoff


def test_ids_that_gather_while_one_message_goes_out_travel_together():
    sent: list[list[int]] = []
    first_out = threading.Event()
    let_go = threading.Event()

    def send(ids: list[int]) -> None:
        sent.append(ids)
        first_out.set()
        let_go.wait(5)  # a slow Redis: the next commands' ids gather meanwhile

    carrier = Handoff(send)
    carrier.put([1, 2, 3])
    assert first_out.wait(5)
    for item in range(4, 40):
        carrier.put([item])
    let_go.set()
    assert carrier.flush(5)

    assert sent[0] == [1, 2, 3]
    assert [i for ids in sent for i in ids] == list(range(1, 40))  # all, once, in order
    assert len(sent) == 2  # 36 commands' ids in one message
    assert carrier.idle()


def test_a_message_holds_at_most_a_batch(monkeypatch):
    monkeypatch.setattr(handoff, "BATCH", 10)
    sent: list[list[int]] = []
    first_out, gate = threading.Event(), threading.Event()

    def send(ids: list[int]) -> None:
        sent.append(ids)
        first_out.set()
        gate.wait(5)

    carrier = Handoff(send)
    carrier.put([0])
    assert first_out.wait(5)
    carrier.put(i for i in range(1, 26))  # any iterable
    gate.set()
    assert carrier.flush(5)
    assert [len(ids) for ids in sent] == [1, 10, 10, 5]
    assert [i for ids in sent for i in ids] == list(range(26))


def test_a_failed_send_is_logged_and_left_to_the_sweep(caplog):
    calls: list[list[int]] = []

    def down(ids: list[int]) -> None:
        calls.append(ids)
        raise ConnectionError("redis is down")

    carrier = Handoff(down)
    with caplog.at_level(logging.WARNING, logger="workers.handoff"):
        carrier.put([7, 8])
        assert carrier.flush(5)
    assert calls == [[7, 8]]  # tried once: the rows stay pending for the sweep
    assert "could not hand on outbox rows [7, 8]; the sweep will" in caplog.text
    carrier.put([9])  # the thread lives on
    assert carrier.flush(5) and calls == [[7, 8], [9]]


def test_flush_says_when_it_gave_up_waiting():
    gate = threading.Event()
    carrier = Handoff(lambda ids: gate.wait(5))
    carrier.put([1])
    assert carrier.flush(0.05) is False
    assert not carrier.idle()
    gate.set()
    assert carrier.flush(5) is True
