"""The ``department_head`` assignee names the head HR set on the Department table first, and
falls back to the department's member holding the role ``head`` only when there is none (or
the named head no longer works here); the employment status decides who takes tasks."""

from __future__ import annotations

from datetime import datetime
from textwrap import dedent

import pytest

from approvals.core import engine
from approvals.core.directory import EMPLOYMENT, active_for
from approvals.core.states import OPEN
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 12, 7, 9, 0)


@pytest.fixture
def org() -> FakeDirectory:
    """Olga holds the role head in Sales; Ivan and Vera work there; Ada administers."""
    d = FakeDirectory()
    d.add("olga@example.com", department="Sales", roles=("head",))
    d.add("ivan@example.com", manager=1, department="Sales")
    d.add("vera@example.com", manager=1, department="Sales")
    d.add("ada@example.com", roles=("admin",), department="IT")
    return d


def heads(org: FakeDirectory, assignees: str = "[department_head]") -> list[str]:
    process = load_text(dedent(f"""\
        id: who
        name: Who
        stages:
          - {{key: only, name: Only, assignees: {assignees}}}
        """), "who.yaml")
    out = engine.start(process, org, org.id("ivan@example.com"), {}, NOW)
    return [org.people[t.assignee].email for t in out.state.current_tasks()
            if t.state == OPEN]


def test_the_head_named_on_the_department_comes_before_the_role(org):
    org.heads["sales"] = org.id("vera@example.com")
    assert heads(org) == ["vera@example.com"]
    assert heads(org, "[{department_head: SALES}]") == ["vera@example.com"]


def test_without_a_named_head_the_role_head_of_the_department_is_asked(org):
    assert heads(org) == ["olga@example.com"]


def test_a_named_head_who_no_longer_works_gives_way_to_the_role(org):
    vera = org.id("vera@example.com")
    org.heads["sales"] = vera
    org.people[vera].active = False
    assert heads(org) == ["olga@example.com"]


@pytest.mark.parametrize(("employment", "active"), [
    ("starting", False), ("active", True), ("on_leave", True), ("dismissed", False)])
def test_only_people_at_work_or_on_leave_take_tasks(employment, active):
    assert employment in EMPLOYMENT
    assert active_for(employment) is active
