"""The shipped lead-handling process end to end through the JSON API: a responsible person set
by a task form, a call-back loop, a lead that cannot be reached going back to the dispatcher for
a new responsible person, a price list chosen by the head of sales, a conversion — and a
refusal with its reason ending another lead."""

from __future__ import annotations

from tests.integration.web.api.conftest import WHO, Api


def _start(api: Api, client: str) -> int:
    response = api.post("initiator", "/api/instances", {
        "process": "lead-handling",
        "fields": {"client": client, "phone": "+7 495 000-00-00", "request": "Паллеты"}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _answer(api: Api, who: str, instance_id: int, verdict: str, comment: str = "",
            **fields: str) -> dict:
    task = api.open_task(who, instance_id)
    response = api.post(who, f"/api/tasks/{task['id']}/decision",
                        {"verdict": verdict, "comment": comment, "fields": fields})
    assert response.status_code == 200, response.get_json()
    return api.get("initiator", f"/api/instances/{instance_id}").get_json()


def test_a_lead_loops_changes_hands_gets_a_price_list_and_converts(api: Api):
    lead = _start(api, "ООО Ромашка")
    view = api.get("initiator", f"/api/instances/{lead}").get_json()
    assert (view["stage"], view["title"]) == ("assign", "Lead: ООО Ромашка")

    view = _answer(api, "clara", lead, "assigned", responsible=WHO["anna"])
    assert view["stage"] == "clarify"
    view = _answer(api, "anna", lead, "clarified", needs="200 pallets", call_on="2027-03-01")
    assert view["stage"] == "call"
    view = _answer(api, "anna", lead, "later", call_on="2027-03-05")  # the loop
    assert (view["stage"], view["fields"]["call_on"]) == ("call", "2027-03-05")
    view = _answer(api, "anna", lead, "no_contact", "Does not pick up")
    assert view["stage"] == "assign"  # back to the dispatcher
    view = _answer(api, "clara", lead, "assigned", responsible=WHO["boris"])
    assert view["fields"]["responsible"] == WHO["boris"]
    view = _answer(api, "boris", lead, "clarified", call_on="2027-03-10")
    view = _answer(api, "boris", lead, "price", "Too expensive")
    assert view["stage"] == "pricing"
    view = _answer(api, "boris", lead, "offer", price_list="d10", call_on="2027-03-12")
    assert (view["stage"], view["fields"]["price_list"]) == ("call", "d10")
    view = _answer(api, "boris", lead, "ready")
    assert (view["status"], view["outcome"], view["ending"]) == ("completed", "converted",
                                                                 False)


def test_a_refusal_ends_the_lead_with_its_reason(api: Api):
    lead = _start(api, "ИП Сидоров")
    _answer(api, "clara", lead, "assigned", responsible=WHO["anna"])
    _answer(api, "anna", lead, "clarified", call_on="2027-03-01")
    task = api.open_task("anna", lead)
    no_reason = api.post("anna", f"/api/tasks/{task['id']}/decision", {"verdict": "impossible"})
    assert no_reason.status_code == 400  # a refusal says why
    view = _answer(api, "anna", lead, "impossible", "Closed their business")
    assert (view["status"], view["outcome"], view["ending"]) == ("completed", "refused", True)
    refusal = [e for e in view["timeline"] if e["kind"] == "decided"][-1]
    assert (refusal["data"]["verdict"], refusal["data"]["comment"]) == (
        "impossible", "Closed their business")
