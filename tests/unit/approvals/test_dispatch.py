"""Handing committed outbox rows on (approvals/dispatch.py): to the carriers a process
registered, and never losing a row when there is none or it fails."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from approvals import dispatch


@pytest.fixture
def carriers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple]]:
    """No carrier registered; yields the list that registered ones append to."""
    monkeypatch.setattr(dispatch, "_delivery", None)
    monkeypatch.setattr(dispatch, "_routes", {})
    monkeypatch.setattr(dispatch, "_jobs", {})
    yield []


def test_rows_go_to_the_registered_carrier_as_one_unit(carriers: list[tuple]):
    dispatch.register_delivery(lambda ids: carriers.append(("deliver", ids)))
    dispatch.kick(iter([3, 4, 5]))
    dispatch.kick([])
    assert carriers == [("deliver", [3, 4, 5])]


def test_without_a_carrier_the_rows_wait_for_the_sweep_and_it_is_logged(
        carriers: list[tuple], caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.WARNING, logger="approvals.dispatch"):
        dispatch.kick([7])
        dispatch.route([("email", 8, 1)])
        dispatch.start("export", 9)
    assert [r.getMessage().split(";")[0] for r in caplog.records] == [
        "no carrier for outbox rows [7] in this process",
        "could not hand on email row 8",
        "could not start export 9",
    ]


def test_a_failing_carrier_does_not_fail_the_request_that_committed(
        carriers: list[tuple], caplog: pytest.LogCaptureFixture):
    def down(_ids):
        raise ConnectionError("Redis is down")

    dispatch.register_delivery(down)
    with caplog.at_level(logging.WARNING, logger="approvals.dispatch"):
        dispatch.kick([1])
    assert "the sweep will" in caplog.text and "Redis is down" in caplog.text


def test_routed_rows_go_to_their_kinds_carrier_with_one_trail_per_instance(
        carriers: list[tuple]):
    dispatch.register_route("trail", lambda item, instance: carriers.append(("trail", instance)))
    dispatch.register_route("email", lambda item, instance: carriers.append(("email", item)))
    dispatch.route([("trail", 1, 10), ("trail", 2, 10), ("email", 3, 10), ("email", 3, 10),
                    ("email", 4, 10), ("trail", 5, 11)])
    assert carriers == [("trail", 10), ("email", 3), ("email", 4), ("trail", 11)]


def test_only_known_kinds_and_jobs_can_be_registered(carriers: list[tuple]):
    with pytest.raises(ValueError, match="'notify' is not a routed outbox kind"):
        dispatch.register_route("notify", lambda item, instance: None)
    with pytest.raises(ValueError, match="'import' is not a job"):
        dispatch.register_job("import", lambda row: None)
    dispatch.register_job("export", lambda row: carriers.append(("export", row)))
    dispatch.start("export", 12)
    assert carriers == [("export", 12)]
