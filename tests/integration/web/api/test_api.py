"""The JSON API carries a process from start to completion, and serves what it stored."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlmodel import select

from approvals.store import audit
from approvals.store.db import read_session
from approvals.store.models import OutboxItem
from tests.integration.web.api.conftest import APPROVERS, WHO, Api, contract_fields, file_value
from workers.actors import handoff

ON_BOTH_DATABASES = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)


@ON_BOTH_DATABASES
def test_contract_process_end_to_end_through_the_api(app, api: Api) -> None:
    first, second = b"%PDF-1.4 version one", b"%PDF-1.4 version two, with the new clause"
    response = api.post("initiator", "/api/instances", {
        "process": "contract-approval",
        "fields": contract_fields(contract=file_value("contract-v1.pdf", first))})
    assert response.status_code == 201
    view = response.get_json()
    instance_id = view["id"]
    assert response.headers["Location"].endswith(f"/api/instances/{instance_id}")
    assert (view["status"], view["stage"]) == ("running", "approval")
    assert sorted(t["assignee"]["name"] for t in view["tasks"] if t["state"] == "open") == [
        "Anna Approver", "Boris Approver", "Clara Approver"]

    task = api.open_task("anna", instance_id)
    assert (task["process"], task["stage"], task["verdicts"]) == (
        "contract-approval", "approval", ["approve", "send_back"])
    assert task["deadline"]
    response = api.decide("anna", task["id"], "send_back", "Clause 7 needs a penalty cap.")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["stage"] == "revision"

    revision = api.open_task("initiator", instance_id)
    assert (revision["stage"], revision["verdicts"]) == ("revision", ["resubmit"])
    response = api.post("initiator", f"/api/instances/{instance_id}/resubmit", {
        "comment": "Capped the penalty in clause 7.",
        "fields": {"contract": file_value("contract-v2.pdf", second)}})
    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert view["stage"] == "approval"
    assert [(d["version"], d["filename"], d["sha256"]) for d in view["documents"]] == [
        (1, "contract-v1.pdf", hashlib.sha256(first).hexdigest()),
        (2, "contract-v2.pdf", hashlib.sha256(second).hexdigest())]

    for name in APPROVERS:
        task = api.open_task(name, instance_id)
        response = api.decide(name, task["id"], "approve", f"Fine by {name}.")
        assert response.status_code == 200, response.get_json()

    task = api.open_task("initiator", instance_id)
    assert (task["stage"], task["verdicts"]) == ("send_to_client", ["done"])
    response = api.decide("initiator", task["id"], "done", "Sent by courier.")
    assert response.status_code == 200, response.get_json()

    view = api.get("initiator", f"/api/instances/{instance_id}").get_json()
    assert view["status"] == "completed"
    assert view["ended_at"]
    kinds = [event["kind"] for event in view["timeline"]]
    for kind in ("started", "sent_back", "resubmitted", "stage_completed", "completed"):
        assert kind in kinds
    assert kinds.index("sent_back") < kinds.index("resubmitted") < kinds.index("completed")
    decided = [t for t in view["tasks"] if t["state"] == "decided"]
    assert {(t["assignee"]["name"], t["verdict"], t["channel"]) for t in decided} >= {
        ("Anna Approver", "send_back", "api"), ("Anna Approver", "approve", "api"),
        ("Ivan Initiator", "done", "api")}
    assert all(t["closed_at"] and t["comment"] for t in decided)
    assert api.get("initiator", "/api/tasks?assignee=me").get_json() == {
        "tasks": [], "total": 0, "next": None}
    with read_session(app.extensions["signoff.db"]) as session:
        assert audit.verify(session, instance_id).ok


def test_outbox_rows_of_a_command_are_enqueued_on_redis(app, api: Api, app_broker) -> None:
    queued = "dramatiq:outbox.msgs"
    assert handoff.flush()
    before = set(app_broker.client.hkeys(queued))
    view = api.start()
    assert handoff.flush()  # sent by the hand-off thread, right after the commit
    with read_session(app.extensions["signoff.db"]) as session:
        rows = session.exec(select(OutboxItem.id).where(
            OutboxItem.instance_id == view["id"])).all()
    assert len(rows) == 3  # one "task assigned" per approver
    new = [json.loads(app_broker.client.hget(queued, key))
           for key in set(app_broker.client.hkeys(queued)) - before]
    assert [message["args"] for message in new] == [[sorted(rows)]]  # one message, all rows


def test_a_participant_downloads_each_stored_document_version(api: Api) -> None:
    content = "%PDF-1.4 Договор поставки".encode()
    view = api.start(contract=file_value("договор.pdf", content))
    doc = view["documents"][0]
    path = f"/api/instances/{view['id']}/documents/{doc['id']}"

    response = api.get("anna", path)
    assert response.status_code == 200
    assert response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%B4%D0%BE%D0%B3" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert api.get("auditor", path).status_code == 200
    assert api.get("outsider", path).status_code == 403
    other = api.start(title="Another contract")
    assert api.get("anna", f"/api/instances/{other['id']}/documents/{doc['id']}"
                   ).status_code == 404


@ON_BOTH_DATABASES
def test_a_hostile_file_name_and_type_are_stored_so_the_download_still_works(api: Api) -> None:
    view = api.start(contract={"filename": "a\r\nX-Evil: 1" + "x" * 600 + ".pdf",
                               "content_base64": "JVBERi0=",
                               "content_type": "text/html\r\nX-Evil: 1" + "y" * 300})
    doc = view["documents"][0]
    assert doc["filename"].startswith("aX-Evil: 1xxx") and doc["filename"].endswith(".pdf")
    assert len(doc["filename"]) == 255
    response = api.get("anna", f"/api/instances/{view['id']}/documents/{doc['id']}")
    assert response.status_code == 200
    assert response.data == b"%PDF-"
    # the type stored is the extension's, never the one the sender claimed
    assert response.headers["Content-Type"] == "application/pdf"
    assert "X-Evil" not in response.headers


def test_the_initiator_withdraws_and_every_open_task_closes(api: Api) -> None:
    view = api.start()
    response = api.post("initiator", f"/api/instances/{view['id']}/withdraw",
                        {"reason": "The client walked away."})
    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert view["status"] == "cancelled"
    assert all(t["state"] != "open" for t in view["tasks"])
    assert view["timeline"][-1]["data"]["reason"] == "The client walked away."
    assert api.get("anna", "/api/tasks?assignee=me").get_json() == {
        "tasks": [], "total": 0, "next": None}


def test_an_admin_may_withdraw_and_an_approver_may_not(api: Api) -> None:
    view = api.start()
    path = f"/api/instances/{view['id']}/withdraw"
    response = api.post("anna", path, {"reason": "I do not like it."})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    response = api.post("admin", path, {})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "cancelled"
    assert api.post("admin", path, {}).status_code == 409  # already ended


def test_an_admin_reopens_a_withdrawn_process_with_a_reason(api: Api) -> None:
    view = api.start()
    api.post("initiator", f"/api/instances/{view['id']}/withdraw", {"reason": "Oops."})
    path = f"/api/instances/{view['id']}/reopen"
    refused = api.post("initiator", path, {"reason": "Again."})
    assert (refused.status_code, refused.get_json()["error"]) == (403, "forbidden")
    no_reason = api.post("admin", path, {})
    assert (no_reason.status_code, no_reason.get_json()["error"]) == (400, "comment_required")
    wrong = api.post("admin", path, {"reason": "Again.", "stage": "nowhere"})
    assert wrong.status_code == 409
    assert "choose one of: approval, send_to_client" in wrong.get_json()["message"]
    response = api.post("admin", path, {"reason": "Withdrawn by mistake.",
                                        "stage": "approval"})
    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert (view["status"], view["stage"]) == ("running", "approval")
    reopened = next(e for e in view["timeline"] if e["kind"] == "reopened")
    assert reopened["data"]["reason"] == "Withdrawn by mistake."
    assert reopened["channel"] == "api"
    assert api.open_task("anna", view["id"])["state"] == "open"
    assert api.post("admin", path, {"reason": "Again."}).status_code == 409  # running


def test_an_assignee_hands_a_task_to_a_colleague_who_then_decides_it(api: Api) -> None:
    view = api.start()
    task = api.open_task("anna", view["id"])
    response = api.post("anna", f"/api/tasks/{task['id']}/reassign", {"to": WHO["outsider"]})
    assert response.status_code == 200, response.get_json()
    tasks = {t["id"]: t for t in response.get_json()["tasks"]}
    assert (tasks[task["id"]]["state"], tasks[task["id"]]["close_reason"]) == (
        "withdrawn", "reassigned")
    assert api.get("anna", "/api/tasks?assignee=me").get_json() == {
        "tasks": [], "total": 0, "next": None}
    handed = api.open_task("outsider", view["id"])
    assert api.decide("outsider", handed["id"], "approve").status_code == 200
    assert api.decide("anna", task["id"], "approve").status_code == 409


def test_only_the_assignee_or_an_admin_may_reassign(api: Api) -> None:
    view = api.start()
    task = api.open_task("anna", view["id"])
    path = f"/api/tasks/{task['id']}/reassign"
    assert api.post("boris", path, {"to": WHO["clara"]}).status_code == 403
    assert api.post("anna", path, {"to": "nobody@example.com"}).status_code == 404
    assert api.post("anna", path, {}).status_code == 400
    assert api.post("admin", path, {"to": WHO["outsider"]}).status_code == 200


def test_processes_lists_the_shipped_processes(api: Api) -> None:
    response = api.get("outsider", "/api/processes")
    assert response.status_code == 200
    processes = {p["id"]: p for p in response.get_json()["processes"]}
    assert processes["contract-approval"]["name"] == "Contract approval"
    assert processes["contract-approval"]["version"] == 1


def test_russian_is_answered_when_asked_for(api: Api) -> None:
    view = api.start()
    response = api.client.get(f"/api/instances/{view['id']}",
                              headers={**api.headers("initiator"), "Accept-Language": "ru"})
    assert response.get_json()["stage_name"] == "Согласование"


def test_a_decision_answers_the_decision_and_the_instance_not_its_view(api: Api) -> None:
    """``POST /api/tasks/<id>/decision`` answers what the caller needs, from what the command
    wrote: the decision as recorded, the instance's status and stage (named in the caller's
    language), the caller's next task on it, and links; the whole view is the GET's."""
    view = api.start()
    instance_id = view["id"]
    boris = api.open_task("boris", instance_id)
    response = api.client.post(f"/api/tasks/{boris['id']}/decision",
                               json={"verdict": "approve", "comment": " Fine. "},
                               headers={**api.headers("boris"), "Accept-Language": "ru"})
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    decided_at = answer["decision"].pop("decided_at")
    assert decided_at.endswith("Z")
    assert answer == {
        "decision": {"task": boris["id"], "verdict": "approve", "comment": "Fine.",
                     "by": {"id": boris["assignee"]["id"], "name": "Boris Approver",
                            "email": WHO["boris"]}, "channel": "api"},
        "instance": instance_id, "status": "running", "stage": "approval",
        "stage_name": "Согласование", "outcome": None, "next_task": None,
        "links": {"instance": f"/api/instances/{instance_id}"}}

    clara = api.open_task("clara", instance_id)  # clara hands hers to anna: anna holds two
    assert api.post("clara", f"/api/tasks/{clara['id']}/reassign",
                    {"to": WHO["anna"]}).status_code == 200
    first, second = sorted((t for t in api.get("anna", "/api/tasks?assignee=me").get_json()[
        "tasks"] if t["instance_id"] == instance_id), key=lambda t: t["id"])
    answer = api.decide("anna", first["id"], "approve").get_json()
    assert (answer["status"], answer["stage"], answer["stage_name"]) == (
        "running", "approval", "Approval")
    assert answer["next_task"] == {"id": second["id"], "stage": "approval",
                                   "stage_name": "Approval"}
    answer = api.decide("anna", second["id"], "approve").get_json()
    assert (answer["stage"], answer["next_task"]) == ("send_to_client", None)

    sending = api.open_task("initiator", instance_id)
    answer = api.decide("initiator", sending["id"], "done", "Sent.").get_json()
    assert (answer["status"], answer["outcome"], answer["next_task"]) == (
        "completed", answer["stage"], None)
    assert answer["links"] == {"instance": f"/api/instances/{instance_id}",
                               "trail": f"/api/instances/{instance_id}/trail.pdf"}
    full = api.get("initiator", answer["links"]["instance"]).get_json()
    assert (full["status"], full["stage"], full["stage_name"], full["outcome"]) == (
        answer["status"], answer["stage"], answer["stage_name"], answer["outcome"])
    done = next(t for t in full["tasks"] if t["id"] == sending["id"])
    assert (done["verdict"], done["comment"], done["channel"], done["closed_at"]) == (
        "done", "Sent.", "api", answer["decision"]["decided_at"])
