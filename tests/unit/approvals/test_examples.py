"""The reference's processes written in the language (docs/examples/): each is accepted by
the checker, and the vacation request runs its branches and its dated deadline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from approvals.core import engine
from approvals.core.calendar import Weekdays
from approvals.core.states import OPEN
from approvals.definitions import load_file
from tests.unit.fakes import FakeDirectory

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_is_a_valid_process(path: Path) -> None:
    process = load_file(path)
    assert process.id == f"example-{path.stem}"


def test_there_is_an_example_for_each_template_of_the_reference() -> None:
    assert {p.stem for p in EXAMPLES.glob("*.yaml")} == {
        "acknowledgement", "dismissal", "hiring", "invoice", "sick-leave", "time-off",
        "vacation"}


def test_the_vacation_example_runs_its_branches_and_its_dated_deadline() -> None:
    people = FakeDirectory()
    petr = people.add("petr@example.com")
    ivan = people.add("ivan@example.com", manager=petr)
    olga = people.add("olga@example.com", roles=("hr",))
    maria = people.add("maria@example.com", roles=("accounting",))
    process = load_file(EXAMPLES / "vacation.yaml")
    now = datetime(2026, 12, 7, 10, 0)
    state = engine.start(process, people, ivan, {
        "kind": "annual", "period": {"start": "2026-12-21", "end": "2026-12-25"},
        "starts": "2026-12-21"}, now, calendar=Weekdays()).state
    [task] = [t for t in state.tasks if t.state == OPEN]
    out = engine.decide(process, people, state, task.seq, petr, "approve", "", now,
                        calendar=Weekdays())
    opened = {t.assignee: t for t in out.state.current_tasks() if t.state == OPEN}
    assert set(opened) == {olga, maria}
    assert opened[maria].deadline == datetime(2026, 12, 16, 9, 0)  # 3 working days before
