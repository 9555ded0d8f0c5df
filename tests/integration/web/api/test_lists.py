"""The four lists through the API (:mod:`approvals.store.lists`, :mod:`web.lists`): My tasks
(``GET /api/tasks``), Done by me (``GET /api/tasks/done``), Started by me and Watching
(``GET /api/instances?started_by=me|watching=me``) — search in Russian and English, each
filter, each sort, pages that keep the parameters, who sees which rows, and the 400s — on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from approvals.store import queries
from approvals.store.db import read_session, write_session
from approvals.store.models import Instance, Person, Task
from tests.integration.web.api.conftest import Api

ON_BOTH_DATABASES = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)


def titles(answer: dict) -> list[str]:
    return [row["title"] for row in answer.get("tasks", answer.get("instances", []))]


def listed(api: Api, who: str, path: str) -> dict:
    response = api.get(who, path)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def three(app, api: Api) -> dict[str, int]:
    """Ivan starts three contracts (Anna, Boris and Clara must all approve each); Anna
    approves the first; the third's tasks are past their deadline."""
    ids = {
        "supply": api.start(title="Договор поставки", counterparty="ООО «Ромашка»",
                            amount="500000")["id"],
        "english": api.start(title="Supply contract", counterparty="Acme LLC",
                             amount="150000")["id"],
        "lease": api.start(title="Аренда склада", counterparty="ИП Складов",
                           amount="90000.50")["id"],
    }
    task = api.open_task("anna", ids["supply"])
    assert api.decide("anna", task["id"], "approve", "Проверено").status_code == 200
    with write_session(app.extensions["signoff.db"]) as session:
        session.execute(update(Task).where(Task.instance_id == ids["lease"])
                        .values(deadline=datetime(2001, 1, 1, tzinfo=UTC)))
        session.execute(update(Task).where(Task.instance_id != ids["lease"], Task.state == "open")
                        .values(deadline=datetime(2999, 1, 1, tzinfo=UTC)))
    return ids


@ON_BOTH_DATABASES
def test_my_tasks_are_searched_filtered_and_sorted(api: Api, three: dict[str, int]) -> None:
    whole = listed(api, "anna", "/api/tasks")
    assert titles(whole) == ["Supply contract", "Аренда склада"]  # oldest first
    assert whole["tasks"][0]["instance_status"] == "running"
    # search: the title, letter case aside (Cyrillic too), a field's text, the process's
    # name in either language, a person's name
    assert titles(listed(api, "anna", "/api/tasks?q=аРЕНДА")) == ["Аренда склада"]
    assert titles(listed(api, "anna", "/api/tasks?q=складов")) == ["Аренда склада"]
    assert titles(listed(api, "anna", "/api/tasks?q=acme")) == ["Supply contract"]
    assert len(listed(api, "anna", "/api/tasks?q=согласование договора")["tasks"]) == 2
    assert len(listed(api, "anna", "/api/tasks?q=Contract approval")["tasks"]) == 2
    assert len(listed(api, "anna", "/api/tasks?q=ivan initiator")["tasks"]) == 2
    assert listed(api, "anna", "/api/tasks?q=nothing like it")["total"] == 0
    # filters
    assert listed(api, "anna", "/api/tasks?process=contract-approval")["total"] == 2
    assert listed(api, "anna", "/api/tasks?process=vacation-request")["total"] == 0
    assert titles(listed(api, "anna", "/api/tasks?overdue=1")) == ["Аренда склада"]
    assert listed(api, "anna", "/api/tasks?from=2999-01-01")["total"] == 0
    assert listed(api, "anna", "/api/tasks?to=2000-01-01")["total"] == 0
    assert listed(api, "anna", "/api/tasks?from=2000-01-01&to=2998-12-31")["total"] == 2
    # sorts
    assert titles(listed(api, "anna", "/api/tasks?sort=amount")) == [
        "Supply contract", "Аренда склада"]  # the largest first
    assert titles(listed(api, "anna", "/api/tasks?sort=amount&order=asc")) == [
        "Аренда склада", "Supply contract"]
    assert titles(listed(api, "anna", "/api/tasks?sort=deadline")) == [
        "Аренда склада", "Supply contract"]  # the soonest first
    assert titles(listed(api, "anna", "/api/tasks?sort=started&order=asc")) == [
        "Supply contract", "Аренда склада"]
    assert titles(listed(api, "anna", "/api/tasks?sort=started")) == [
        "Аренда склада", "Supply contract"]
    assert titles(listed(api, "anna", "/api/tasks?order=desc")) == [
        "Аренда склада", "Supply contract"]


def test_a_period_is_whole_days_where_the_reader_lives(app, api: Api,
                                                       three: dict[str, int]) -> None:
    """Anna's task on the English contract came at 22:00 UTC on 1 March: 2 March in Moscow.
    ``from``/``to`` are days as the reader's time zone counts them (here, the token holder's)."""
    db = app.extensions["signoff.db"]
    task = api.open_task("anna", three["english"])
    with write_session(db) as session:
        session.execute(update(Task).where(Task.id == task["id"])
                        .values(opened_at=datetime(2026, 3, 1, 22, 0, tzinfo=UTC)))
    day = "/api/tasks?from=2026-03-02&to=2026-03-02"

    def zone(name: str) -> None:
        with write_session(db) as session:
            session.execute(update(Person).where(Person.email == "anna@example.com")
                            .values(time_zone=name))

    assert listed(api, "anna", day)["total"] == 0  # in UTC it came on the 1st
    assert titles(listed(api, "anna", "/api/tasks?from=2026-03-01&to=2026-03-01")) == [
        "Supply contract"]
    zone("Europe/Moscow")
    assert titles(listed(api, "anna", day)) == ["Supply contract"]
    assert listed(api, "anna", "/api/tasks?from=2026-03-01&to=2026-03-01")["total"] == 0


@ON_BOTH_DATABASES
def test_a_page_keeps_the_search_and_sort_in_its_next_link(api: Api,
                                                           three: dict[str, int]) -> None:
    first = listed(api, "boris", "/api/tasks?q=contract&sort=amount&order=asc&limit=1")
    query = parse_qs(urlsplit(first["next"]).query)
    assert query == {"assignee": ["me"], "q": ["contract"], "sort": ["amount"],
                     "order": ["asc"], "limit": ["1"], "page": ["2"]}
    pages = [first]
    while pages[-1]["next"]:
        pages.append(listed(api, "boris", pages[-1]["next"]))
    assert [t for p in pages for t in titles(p)] == [
        "Аренда склада", "Supply contract", "Договор поставки"]
    assert {p["total"] for p in pages} == {3}


@ON_BOTH_DATABASES
def test_done_by_me_shows_the_answer_and_the_instance_now(api: Api,
                                                          three: dict[str, int]) -> None:
    done = listed(api, "anna", "/api/tasks/done")
    assert done["total"] == 1 and done["next"] is None
    (task,) = done["tasks"]
    assert (task["title"], task["verdict"], task["comment"]) == (
        "Договор поставки", "approve", "Проверено")
    assert task["closed_at"] and task["decided_by"]["name"] == "Anna Approver"
    assert (task["instance_status"], task["instance_id"]) == ("running", three["supply"])
    assert listed(api, "anna", "/api/tasks/done?q=ромашка")["total"] == 1  # a field, lower case
    assert listed(api, "anna", "/api/tasks/done?q=РОМАШКА")["total"] == 1
    assert listed(api, "anna", "/api/tasks/done?status=running")["total"] == 1
    assert listed(api, "anna", "/api/tasks/done?status=completed")["total"] == 0
    assert listed(api, "anna", "/api/tasks/done?overdue=1")["total"] == 0  # decided in time
    assert listed(api, "anna", "/api/tasks/done?from=2999-01-01")["total"] == 0
    assert listed(api, "boris", "/api/tasks/done")["total"] == 0


@ON_BOTH_DATABASES
def test_started_by_me_and_watching(api: Api, three: dict[str, int]) -> None:
    started = listed(api, "initiator", "/api/instances?started_by=me")
    assert titles(started) == ["Аренда склада", "Supply contract", "Договор поставки"]
    assert started["instances"][0]["stage_name"] and started["instances"][0]["ended_at"] is None
    assert listed(api, "initiator", "/api/instances?started_by=me&status=running")["total"] == 3
    assert listed(api, "initiator",
                  "/api/instances?started_by=me&status=completed")["total"] == 0
    assert titles(listed(api, "initiator", "/api/instances?started_by=me&q=СКЛАД")) == [
        "Аренда склада"]
    assert titles(listed(api, "initiator",
                         "/api/instances?started_by=me&sort=amount&order=asc")) == [
        "Аренда склада", "Supply contract", "Договор поставки"]
    assert listed(api, "initiator", "/api/instances?started_by=me&to=2000-01-01")["total"] == 0
    # Anna decided the first and holds no open task on it: she watches it; the others are
    # her tasks. Ivan started all three; Boris holds a task on each; Oscar took no part.
    assert titles(listed(api, "anna", "/api/instances?watching=me")) == ["Договор поставки"]
    assert listed(api, "initiator", "/api/instances?watching=me")["total"] == 0
    assert listed(api, "boris", "/api/instances?watching=me")["total"] == 0
    for path in ("/api/tasks", "/api/tasks/done", "/api/instances?started_by=me",
                 "/api/instances?watching=me"):
        assert listed(api, "outsider", path) == {
            "tasks" if "tasks" in path else "instances": [], "total": 0, "next": None}


@pytest.mark.parametrize("path, name", [
    ("/api/tasks?limit=0", "limit"), ("/api/tasks?limit=101", "limit"),
    ("/api/tasks?page=zero", "page"), ("/api/tasks?sort=title", "sort"),
    ("/api/tasks?order=up", "order"), ("/api/tasks?from=31.12.2026", "from"),
    ("/api/tasks?from=2026-02-01&to=2026-01-01", "to"), ("/api/tasks?status=running", "status"),
    ("/api/tasks?overdue=maybe", "overdue"), ("/api/tasks/done?status=lost", "status"),
    ("/api/instances?started_by=me&overdue=1", "overdue"),
    ("/api/instances?watching=me&sort=deadline", "sort"), ("/api/tasks?q=" + "x" * 201, "q"),
])
def test_a_parameter_that_cannot_be_read_is_refused_with_what_to_fix(
        api: Api, path: str, name: str) -> None:
    response = api.get("anna", path)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error"] == "form_invalid" and list(answer["fields"]) == [name]
    assert answer["fields"][name]["message"]


@pytest.mark.parametrize("query", ["", "?started_by=anna@example.com", "?watching=you",
                                   "?started_by=me&watching=me"])
def test_the_instance_list_needs_started_by_or_watching_me(api: Api, query: str) -> None:
    response = api.get("anna", f"/api/instances{query}")
    assert response.status_code == 400
    assert "started_by=me or watching=me" in response.get_json()["message"]


@ON_BOTH_DATABASES
def test_watching_is_taking_part_as_is_participant_says(app, api: Api, three: dict[str, int],
                                                        person_ids: dict[str, int]) -> None:
    """Oscar took no part until a deputy decided for him on one instance (a task routed from
    him): that one is in his Watching, and every instance of every Watching list is one its
    reader is a participant of (:func:`approvals.store.queries.is_participant`)."""
    engine = app.extensions["signoff.db"]
    with write_session(engine) as session:
        session.execute(update(Task).where(Task.instance_id == three["english"],
                                           Task.assignee_id == person_ids["clara"])
                        .values(on_behalf_of_id=person_ids["outsider"]))
    assert titles(listed(api, "outsider", "/api/instances?watching=me")) == ["Supply contract"]
    assert listed(api, "outsider", "/api/tasks")["total"] == 0  # the deputy holds it
    with read_session(engine) as session:
        for who in ("anna", "boris", "clara", "outsider", "initiator"):
            person = session.get(Person, person_ids[who])
            for row in listed(api, who, "/api/instances?watching=me")["instances"]:
                instance = session.get(Instance, row["id"])
                assert queries.is_participant(session, instance, person)
                assert instance.initiator_id != person.id


@ON_BOTH_DATABASES
def test_the_plain_inbox_reads_the_same_rows_through_its_prebuilt_statements(
        app, api: Api, three: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The unfiltered inbox runs two prebuilt statements (the commonest request); every page
    of it equals what the general query builds, in both languages."""
    from approvals.store import lists

    def pages(limit: int) -> list:
        with read_session(app.extensions["signoff.db"]) as session:
            anna = session.execute(select(Person.id).where(Person.email.like("anna%"))
                                   ).scalar_one()
            return [(found.total, found.items) for found in (
                lists.open_task_page(session, anna, locale, lists.Listing(page=page,
                                                                          limit=limit))
                for locale in ("en", "ru") for page in (1, 2, 3))]

    fast = pages(1)
    assert [total for total, _ in fast] == [2] * 6
    assert [len(items) for _, items in fast] == [1, 1, 0] * 2
    monkeypatch.setattr(lists, "_plain_open", lambda *args: False)
    assert pages(1) == fast
