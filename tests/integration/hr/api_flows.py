"""Starting, deciding and reading HR processes through the JSON API, as the HR process tests
do (each person speaks with their own token: :class:`tests.integration.web.api.conftest.Api`)."""

from __future__ import annotations

from typing import Any

from tests.integration.web.api.conftest import Api


def start(api: Api, who: str, process: str, fields: dict[str, Any]) -> dict[str, Any]:
    response = api.post(who, "/api/instances", {"process": process, "fields": fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def refused(api: Api, who: str, process: str, fields: dict[str, Any]) -> dict[str, Any]:
    response = api.post(who, "/api/instances", {"process": process, "fields": fields})
    assert response.status_code == 400, response.get_json()
    return response.get_json()["fields"]


def decide(api: Api, who: str, instance_id: int, verdict: str, comment: str = "",
           fields: dict | None = None, status: int = 200) -> dict[str, Any]:
    task = api.open_task(who, instance_id)
    body: dict[str, Any] = {"verdict": verdict, "comment": comment}
    if fields is not None:
        body["fields"] = fields
    response = api.post(who, f"/api/tasks/{task['id']}/decision", body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def view(api: Api, instance_id: int, who: str = "admin") -> dict[str, Any]:
    response = api.get(who, f"/api/instances/{instance_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()
