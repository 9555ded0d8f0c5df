"""Comments through the API: POST /api/instances/<id>/comments and the view's ``comments``."""

from __future__ import annotations

import pytest

from tests.integration.web.api.conftest import Api

pytestmark = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)


def test_a_participant_comments_and_the_view_lists_it(api: Api) -> None:
    view = api.start()
    path = f"/api/instances/{view['id']}/comments"
    response = api.post("anna", path, {"text": "  Is clause 3 final?\nPenalty too high.  "})
    assert response.status_code == 201, response.get_json()
    comment = response.get_json()
    assert comment["text"] == "Is clause 3 final?\nPenalty too high."
    assert comment["author"]["email"] == "anna@example.com"
    assert comment["channel"] == "api"
    assert response.headers["Location"].endswith(f"/api/instances/{view['id']}")
    seen = api.get("initiator", f"/api/instances/{view['id']}").get_json()
    assert seen["comments"] == [comment]
    assert seen["timeline"][-1]["kind"] == "commented"
    assert seen["timeline"][-1]["data"]["comment"] == comment["text"]


def test_comments_are_refused_with_a_reason(api: Api) -> None:
    view = api.start()
    path = f"/api/instances/{view['id']}/comments"
    for who in ("outsider", "auditor"):
        refused = api.post(who, path, {"text": "Hello"})
        assert refused.status_code == 403
        assert refused.get_json()["error"] == "not_a_participant"
    empty = api.post("anna", path, {"text": "  "})
    assert empty.status_code == 400
    assert empty.get_json()["fields"]["text"]["code"] == "required"
    long = api.post("anna", path, {"text": "x" * 4001})
    assert long.get_json()["fields"]["text"]["code"] == "too_long"
    assert api.post("anna", path, {"text": 5}).status_code == 400
    assert api.post("admin", path, {"text": "From the administrator"}).status_code == 201
    assert api.post("initiator", f"/api/instances/{view['id']}/withdraw",
                    {"reason": "No"}).status_code == 200
    closed = api.post("anna", path, {"text": "Too late"})
    assert closed.status_code == 409
    assert closed.get_json()["error"] == "discussion_closed"
    texts = [c["text"] for c in api.get("anna", f"/api/instances/{view['id']}")
             .get_json()["comments"]]
    assert texts == ["From the administrator"]
