"""``GET /api/processes`` and ``POST /api/instances`` apply the catalogue's rules: a notation
example is listed to administrators only and started by nobody else; a process with
``starters`` is listed to and started by them (and administrators) alone."""

from __future__ import annotations

import pytest
from flask import Flask

from approvals.store.models import Instance
from tests.integration.catalogue_cases import add_process, give_role
from tests.integration.web.api.conftest import NOW, Api
from tests.integration.web.site import count


@pytest.fixture
def restricted(app: Flask, tmp_path) -> None:
    add_process(app.extensions["signoff.db"], tmp_path, NOW)


def listed(api: Api, who: str) -> dict[str, dict]:
    response = api.get(who, "/api/processes")
    assert response.status_code == 200
    return {p["id"]: p for p in response.get_json()["processes"]}


def test_processes_carry_their_area_description_and_example_flag(api: Api) -> None:
    processes = listed(api, "initiator")
    assert processes["contract-approval"]["area"] == "documents"
    assert processes["invoice-payment"]["area"] == "finance"
    assert processes["vacation"]["area"] == "hr"
    assert processes["lead-handling"]["area"] == "sales"
    assert processes["vacation"]["description"].startswith("Ask for annual")
    assert "document-approval-statuses" not in processes
    assert not any(p["example"] for p in processes.values())
    every = listed(api, "admin")
    assert every["document-approval-statuses"]["example"] is True
    assert set(every) - set(processes) == {"document-approval-statuses"}


def test_nobody_but_an_administrator_starts_the_example(app: Flask, api: Api) -> None:
    response = api.post("initiator", "/api/instances",
                        {"process": "document-approval-statuses", "fields": {}})
    assert response.status_code == 403
    body = response.get_json()
    assert body["error"] == "example_process"
    assert "example of the process language" in body["message"]
    assert count(app, Instance) == 0
    # an administrator passes the gate (and then meets the form's own checks)
    admin = api.post("admin", "/api/instances",
                     {"process": "document-approval-statuses", "fields": {}})
    assert admin.status_code == 400 and admin.get_json()["error"] == "form_invalid"


@pytest.mark.usefixtures("restricted")
@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)
def test_starters_are_listed_and_start_it_others_are_refused(app: Flask, api: Api) -> None:
    assert "petty-cash" not in listed(api, "initiator")  # Sales, no role
    assert listed(api, "anna")["petty-cash"]["area"] == "finance"  # Legal
    assert "petty-cash" in listed(api, "admin")
    start = {"process": "petty-cash", "fields": {"title": "Taxi"}}
    refused = api.post("boris", "/api/instances", start)  # Finance, no role yet
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "not_a_starter"
    assert count(app, Instance) == 0
    give_role(app.extensions["signoff.db"], "boris@example.com", "accounting")
    assert "petty-cash" in listed(api, "boris")
    assert api.post("boris", "/api/instances", start).status_code == 201
    assert api.post("anna", "/api/instances", start).status_code == 201
    assert count(app, Instance) == 2
