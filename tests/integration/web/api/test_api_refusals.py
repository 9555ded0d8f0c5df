"""The JSON API refuses clearly: the right status, a JSON reason, and nothing half-written."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from approvals.store.db import make_engine, read_session
from approvals.store.models import AuditEvent, Instance, OutboxItem, Task
from tests.integration.web.api.conftest import Api, contract_fields, file_value
from tests.support import free_port
from web import create_app


def _count(app, model) -> int:
    with read_session(app.extensions["signoff.db"]) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_invalid_form_answers_400_with_a_message_per_field_and_writes_nothing(app,
                                                                            api: Api) -> None:
    fields = contract_fields(amount="a lot", approvers=["nobody@example.com"],
                             contract=file_value("empty.pdf", b""), colour="red")
    del fields["counterparty"]
    response = api.post("initiator", "/api/instances",
                        {"process": "contract-approval", "fields": fields})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "form_invalid"
    assert set(body["fields"]) == {"amount", "approvers", "contract", "counterparty", "colour"}
    assert body["fields"]["counterparty"]["code"] == "required"
    assert body["fields"]["amount"]["code"] == "not_a_number"
    assert body["fields"]["approvers"]["code"] == "unknown_person"
    assert all(isinstance(f["message"], str) and f["message"] for f in body["fields"].values())
    assert (_count(app, Instance), _count(app, AuditEvent), _count(app, OutboxItem)) == (0, 0, 0)


def test_deciding_twice_answers_409_naming_who_decided(api: Api) -> None:
    view = api.start()
    task = api.open_task("anna", view["id"])
    assert api.decide("anna", task["id"], "approve").status_code == 200
    response = api.decide("anna", task["id"], "approve")
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "already_decided"
    assert body["message"].startswith("already decided by Anna Approver at ")
    assert body["message"].endswith(" UTC")


def test_a_person_who_is_not_the_assignee_cannot_decide(app, api: Api) -> None:
    view = api.start()
    task = api.open_task("anna", view["id"])
    for who in ("boris", "outsider", "initiator"):
        response = api.decide(who, task["id"], "approve")
        assert response.status_code == 403
        assert response.get_json()["error"] == "not_an_assignee"
    assert api.open_task("anna", view["id"])["id"] == task["id"]


@pytest.mark.parametrize("database_url", [
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_stranger_learns_403_before_what_a_decision_body_lacks(app, api: Api) -> None:
    """The body is judged after the caller (in the decision's own transaction): a stranger's
    broken body is 403, the assignee's 400, a task that does not exist 404; nothing written."""
    view = api.start()
    task = api.open_task("anna", view["id"])
    path = f"/api/tasks/{task['id']}/decision"
    events = _count(app, AuditEvent)
    for body in ({}, {"verdict": " "}, {"verdict": "approve", "fields": "x"},
                 {"verdict": "approve", "comment": 3}):
        stranger = api.post("boris", path, body)
        assert (stranger.status_code, stranger.get_json()["error"]) == (403, "not_an_assignee")
        assert api.post("anna", path, body).status_code == 400, body
    for who, status in (("boris", 403), ("anna", 400)):
        broken = api.post(who, path, data=b'{"verdict": ', content_type="application/json")
        assert broken.status_code == status
    assert api.post("boris", "/api/tasks/999999/decision", data=b"{").status_code == 404
    assert _count(app, AuditEvent) == events
    assert api.open_task("anna", view["id"])["id"] == task["id"]


def test_an_outsider_cannot_read_an_instance(api: Api) -> None:
    view = api.start()
    response = api.get("outsider", f"/api/instances/{view['id']}")
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("who", ["initiator", "anna", "auditor", "admin"])
def test_participants_auditors_and_admins_can_read_an_instance(api: Api, who: str) -> None:
    view = api.start()
    response = api.get(who, f"/api/instances/{view['id']}")
    assert response.status_code == 200
    assert response.get_json()["id"] == view["id"]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "/api/instances/999", None),
    ("get", "/api/instances/99999999999999999999", None),
    ("get", "/api/instances/{id}/documents/999", None),
    ("post", "/api/tasks/999/decision", {"verdict": "approve"}),
    ("post", "/api/instances/999/resubmit", {"comment": "again"}),
    ("post", "/api/instances/999/withdraw", {}),
    ("post", "/api/instances", {"process": "no-such-process", "fields": {}}),
    ("get", "/api/no-such-endpoint", None),
])
def test_unknown_ids_answer_404(api: Api, method: str, path: str, body) -> None:
    view = api.start()
    path = path.format(id=view["id"])
    response = api.get("initiator", path) if method == "get" else api.post("initiator", path,
                                                                            body)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Basic aXZhbjpzZWNyZXQ=", "Bearer so_not-a-real-token",
    "so_a-token-without-a-scheme",
])
def test_missing_or_invalid_token_answers_401(api: Api, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for response in (api.client.get("/api/tasks?assignee=me", headers=headers),
                     api.client.post("/api/instances", headers=headers,
                                     json={"process": "contract-approval", "fields": {}})):
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_send_back_without_a_comment_answers_400_and_changes_nothing(app, api: Api) -> None:
    view = api.start()
    task = api.open_task("anna", view["id"])
    events = _count(app, AuditEvent)
    for comment in ("", "   "):
        response = api.decide("anna", task["id"], "send_back", comment)
        assert response.status_code == 400
        assert response.get_json()["error"] == "comment_required"
    response = api.post("anna", f"/api/tasks/{task['id']}/decision", {"verdict": "send_back"})
    assert response.status_code == 400
    assert _count(app, AuditEvent) == events
    assert api.open_task("anna", view["id"])["state"] == "open"


def test_a_verdict_the_task_does_not_allow_answers_400(api: Api) -> None:
    view = api.start()
    task = api.open_task("anna", view["id"])
    response = api.decide("anna", task["id"], "paid")
    assert response.status_code == 400
    assert response.get_json()["error"] == "verdict_not_allowed"


@pytest.mark.parametrize(("data", "says"), [
    (b"{not json", "not valid JSON"),
    (b"", "empty"),
    (b"[1, 2]", "must be a JSON object"),
    (b'"approve"', "must be a JSON object"),
    (b'{"verdict": NaN}', "not valid JSON"),
    (b"\xff\xfe{", "not valid JSON"),
    (b"[" * 100_000, "not valid JSON"),
    (b'{"verdict": 1}', "'verdict'"),
    (b'{"verdict": "approve", "comment": ["a"]}', "'comment'"),
    (b'{"verdict": "send_back", "comment": "a\\u0000b"}', "NUL"),
])
def test_malformed_json_answers_400_with_a_clear_message(app, api: Api, data: bytes,
                                                         says: str) -> None:
    view = api.start()
    task = api.open_task("anna", view["id"])
    response = api.post("anna", f"/api/tasks/{task['id']}/decision", data=data,
                        content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert says in body["message"]


@pytest.mark.parametrize("body", [
    {"fields": {}}, {"process": 7, "fields": {}}, {"process": "contract-approval", "fields": []},
])
def test_a_start_without_a_process_or_with_fields_not_an_object_answers_400(
        app, api: Api, body) -> None:
    response = api.post("initiator", "/api/instances", body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
    assert _count(app, Instance) == 0


def test_listing_someone_elses_tasks_answers_400(api: Api) -> None:
    response = api.get("admin", "/api/tasks?assignee=anna@example.com")
    assert response.status_code == 400
    assert "assignee=me" in response.get_json()["message"]


def test_resubmitting_a_process_not_sent_back_answers_409(api: Api) -> None:
    view = api.start()
    response = api.post("initiator", f"/api/instances/{view['id']}/resubmit", {"comment": "x"})
    assert response.status_code == 409
    assert response.get_json()["error"] == "transition_not_allowed"


def test_database_unavailable_answers_503_and_writes_nothing(app, api: Api, tmp_path,
                                                             monkeypatch) -> None:
    kicked: list[list[int]] = []
    monkeypatch.setattr("web.api.kick", kicked.append)
    engine = make_engine(f"postgresql+psycopg://signoff@127.0.0.1:{free_port()}/signoff")
    down = create_app({"TESTING": True, "DB_ENGINE": engine})
    client = down.test_client()
    headers = api.headers("initiator")
    try:
        for response in (
                client.post("/api/instances", headers=headers,
                            json={"process": "contract-approval", "fields": contract_fields()}),
                client.get("/api/tasks?assignee=me", headers=headers),
                client.post("/api/tasks/1/decision", headers=headers, json={"verdict": "done"})):
            assert response.status_code == 503
            body = response.get_json()
            assert body["error"] == "store_unavailable"
            assert "database is unavailable" in body["message"]
    finally:
        engine.dispose()
    assert kicked == []
    assert (_count(app, Instance), _count(app, Task), _count(app, OutboxItem)) == (0, 0, 0)


def test_a_stranger_resubmitting_learns_nothing_of_the_instance_state(api: Api) -> None:
    view = api.start()
    for body in ({"comment": "x"}, {"comment": "x", "fields": {"amount": "lots"}}):
        response = api.post("outsider", f"/api/instances/{view['id']}/resubmit", body)
        assert response.status_code == 403
        assert response.get_json()["error"] == "not_an_assignee"


def test_a_stranger_withdrawing_a_finished_instance_gets_403_not_its_state(api: Api) -> None:
    view = api.start()
    assert api.post("initiator", f"/api/instances/{view['id']}/withdraw",
                    {"reason": "no longer needed"}).status_code == 200
    response = api.post("outsider", f"/api/instances/{view['id']}/withdraw", {"reason": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("verdict", ["approve", "send_back"])
def test_a_comment_longer_than_the_limit_answers_400_and_changes_nothing(
        app, api: Api, verdict: str) -> None:
    from approvals.core import limits

    view = api.start()
    task = api.open_task("anna", view["id"])
    events = _count(app, AuditEvent)
    response = api.decide("anna", task["id"], verdict, "ж" * (limits.COMMENT + 1))
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "text_too_long"
    assert f"at most {limits.COMMENT}" in body["message"]
    assert _count(app, AuditEvent) == events
    assert api.open_task("anna", view["id"])["state"] == "open"
    assert api.decide("anna", task["id"], verdict, "ж" * limits.COMMENT).status_code == 200


def test_a_web_page_sent_as_a_contract_is_refused_and_nothing_is_stored(app, api: Api) -> None:
    for name, content, code in (("contract.html", b"<html><script>x()</script>", "file_type"),
                                ("contract.pdf", b"<html><script>x()</script>", "file_content")):
        response = api.post("initiator", "/api/instances", {
            "process": "contract-approval",
            "fields": contract_fields(contract=file_value(name, content))})
        assert response.status_code == 400
        assert response.get_json()["fields"]["contract"]["code"] == code
    assert (_count(app, Instance), _count(app, AuditEvent)) == (0, 0)


def test_a_command_recorded_is_never_answered_503_when_its_view_cannot_be_read(
        app, api: Api, monkeypatch) -> None:
    """Found by the chaos suite (PostgreSQL backends killed): the view read after the commit
    failed, the client got 503, retried, and was refused its own decision (409). A decision
    now answers from what it wrote and reads no view at all; the commands that answer with
    the view read it again, and failing that answer 303."""
    from approvals.core.errors import StoreUnavailable
    from approvals.store import queries

    view = api.start()
    first = api.open_task("anna", view["id"])
    real, failures = queries.instance_view, []

    def flaky(*args, **kwargs):
        if len(failures) < flaky.fail:
            failures.append(1)
            raise StoreUnavailable("the database is unavailable")
        return real(*args, **kwargs)

    monkeypatch.setattr("web.api.VIEW_RETRIES", (0, 0))
    monkeypatch.setattr(queries, "instance_view", flaky)
    flaky.fail = 99  # the view cannot be read at all: a decision does not need it
    response = api.decide("anna", first["id"], "approve")
    assert response.status_code == 200 and response.get_json()["instance"] == view["id"]
    assert failures == []

    second = api.open_task("boris", view["id"])
    flaky.fail = 2  # the store drops twice, then answers: the view after all
    response = api.post("boris", f"/api/tasks/{second['id']}/reassign",
                        {"to": "clara@example.com"})
    assert response.status_code == 200 and response.get_json()["id"] == view["id"]

    failures.clear()
    flaky.fail = 99  # it stays away: 303 to the instance, the withdrawal is recorded
    response = api.post("initiator", f"/api/instances/{view['id']}/withdraw",
                        {"reason": "Changed my mind."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/api/instances/{view['id']}")
    assert response.get_json()["error"] == "recorded"
    monkeypatch.setattr(queries, "instance_view", real)
    again = api.post("initiator", f"/api/instances/{view['id']}/withdraw",
                     {"reason": "Changed my mind."})
    assert again.status_code == 409
