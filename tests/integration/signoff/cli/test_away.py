"""``signoff people away EMAIL``: days away and a deputy set from the command line (the manager
by default), listed, cancelled, and the open tasks handed over; bad input refused with every
problem named and nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.store import registry
from approvals.store.db import read_session, write_session
from approvals.store.models import Deputy, Person, Task
from tests.integration.signoff.cli import Invoke

BOSS = "boss@example.com,Boss Person,en,,Management,admin,"
ANNA = "anna@example.com,Анна Петрова,ru,boss@example.com,Sales,,"
BORIS = "boris@example.com,Boris Sokolov,en,boss@example.com,Sales,,"
TODAY = utcnow().date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def people(upgraded: Invoke, people_csv) -> Invoke:
    result = upgraded("people", "import", str(people_csv(BOSS, ANNA, BORIS)))
    assert result.exit_code == 0, result.output
    return upgraded


def ids(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {email.split("@")[0]: i for email, i in session.exec(
            select(Person.email, Person.id))}


def stored(engine: Engine) -> list[Deputy]:
    with read_session(engine) as session:
        return list(session.exec(select(Deputy).order_by(Deputy.id)))


def test_days_away_default_to_the_manager_and_are_listed_and_cancelled(
        people: Invoke, engine: Engine) -> None:
    result = people("people", "away", "anna@example.com", "--from", day(0), "--to", day(3),
                    "--reason", "Conference")
    assert result.exit_code == 0, result.output
    [row] = stored(engine)
    assert (row.person_id, row.deputy_id, row.source) == (ids(engine)["anna"],
                                                          ids(engine)["boss"], "admin")
    assert result.output.strip() == (f"{row.id}: anna@example.com away {day(0)} to {day(3)}, "
                                     "deputy boss@example.com")

    listed = people("people", "away", "anna@example.com", "--list").output
    assert "Conference" in listed and "current" in listed and "boss@example.com" in listed
    assert "anna@example.com" in people("people", "away", "boss@example.com", "--list").output

    refused = people("people", "away", "boris@example.com", "--cancel", str(row.id))
    assert refused.exit_code == 1 and "are not boris@example.com's" in refused.output
    result = people("people", "away", "anna@example.com", "--cancel", str(row.id))
    assert result.exit_code == 0, result.output
    assert stored(engine)[0].cancelled_at is not None
    assert "no current or future days away" in people("people", "away", "anna@example.com",
                                                      "--list").output


@pytest.mark.parametrize(("args", "problem"), [
    (("--from", day(-5), "--to", day(-1)), "--to: These days are over"),
    (("--from", day(3), "--to", day(1)), "--to: The last day is before the first."),
    (("--from", "monday", "--to", day(1)), "--from: Enter a date"),
    (("--to", day(1)), "--from: This field is required."),
    (("--from", day(0), "--to", day(1), "--deputy", "anna@example.com"),
     "--deputy: Name someone other than the person away."),
])
def test_bad_input_is_refused_naming_the_problem_and_nothing_is_stored(
        people: Invoke, engine: Engine, args, problem) -> None:
    result = people("people", "away", "anna@example.com", *args)
    assert result.exit_code == 1
    assert "nothing was stored" in result.output and problem in result.output
    assert stored(engine) == []


def test_unknown_people_and_mixed_options_are_refused(people: Invoke, engine: Engine) -> None:
    result = people("people", "away", "zed@example.com", "--list")
    assert result.exit_code == 1 and "no person with the address zed@example.com" in result.output
    result = people("people", "away", "anna@example.com", "--from", day(0), "--to", day(1),
                    "--deputy", "zed@example.com")
    assert result.exit_code == 1 and "zed@example.com" in result.output
    result = people("people", "away", "anna@example.com", "--list", "--cancel", "1")
    assert result.exit_code == 2 and "either" in result.output
    assert stored(engine) == []


def test_handover_hands_the_open_tasks_to_the_deputy(people: Invoke, engine: Engine) -> None:
    now = utcnow()
    processes, _errors = registry.load_all()  # a broken file elsewhere is not our concern
    with write_session(engine) as session:
        registry.sync(session, processes, now)
    who = ids(engine)
    start = TODAY + timedelta(days=20)
    started = service.start(engine, "vacation", who["anna"], {
        "kind": "annual", "period": {"start": start.isoformat(),
                                     "end": (start + timedelta(days=2)).isoformat()}}, now)

    result = people("people", "away", "boss@example.com", "--from", day(0), "--to", day(2),
                    "--deputy", "boris@example.com", "--handover")

    assert result.exit_code == 0, result.output
    assert "handed over 1 open task(s) to boris@example.com" in result.output
    with read_session(engine) as session:
        [task] = session.exec(select(Task).where(Task.instance_id == started.instance_id,
                                                 Task.state == "open"))
    assert (task.assignee_id, task.on_behalf_of_id) == (who["boris"], who["boss"])
