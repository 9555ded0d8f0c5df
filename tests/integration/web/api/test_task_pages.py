"""``GET /api/tasks`` a page at a time: ``limit`` rows oldest first, ``total`` of them all and
``next`` to follow until it is null — on SQLite and PostgreSQL; the same views as the whole
list (:func:`approvals.store.lists.open_tasks`)."""

from __future__ import annotations

import pytest

from approvals.store import lists
from approvals.store.db import read_session
from tests.integration.web.api.conftest import Api

ON_BOTH_DATABASES = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)


@ON_BOTH_DATABASES
def test_the_task_list_comes_a_page_at_a_time(app, api: Api) -> None:
    started = [api.start(title=f"Contract {n}")["id"] for n in range(5)]

    first = api.get("anna", "/api/tasks?assignee=me&limit=2").get_json()
    pages = [first]
    while pages[-1]["next"]:
        pages.append(api.get("anna", pages[-1]["next"]).get_json())
    whole = api.get("anna", "/api/tasks").get_json()

    assert [len(p["tasks"]) for p in pages] == [2, 2, 1]
    assert {p["total"] for p in pages} == {5}
    assert first["next"] == "/api/tasks?assignee=me&limit=2&page=2"
    assert [t for p in pages for t in p["tasks"]] == whole["tasks"]  # oldest first
    assert [t["instance_id"] for t in whole["tasks"]] == started
    assert (whole["total"], whole["next"]) == (5, None)
    assert whole["tasks"][0]["title"] == "Contract 0"
    assert whole["tasks"][0]["initiator"]["name"] == "Ivan Initiator"
    beyond = api.get("anna", "/api/tasks?page=9").get_json()
    assert beyond == {"tasks": [], "total": 5, "next": None}
    with read_session(app.extensions["signoff.db"]) as session:
        anna = whole["tasks"][0]["assignee"]["id"]
        assert lists.open_tasks(session, anna, "en") == whole["tasks"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=ten", "page=0", "page=-1"])
def test_a_page_or_limit_that_cannot_be_read_is_refused(api: Api, query: str) -> None:
    response = api.get("anna", f"/api/tasks?{query}")
    assert response.status_code == 400, response.get_json()
    assert "page" in response.get_json()["message"] or "limit" in response.get_json()["message"]
