"""``GET /api/reports``: the reports' figures as JSON, with the page's parameters and refusals
— an administrator and an auditor see every instance, a department's head their department's,
anyone else 403; a day that cannot be read, ``to`` before ``from`` or a period of more than
about three years is 400 ``form_invalid`` naming the parameter."""

from __future__ import annotations

from approvals.store.db import write_session
from approvals.store.models import Department


def test_the_api_reports_the_figures_of_the_callers_scope(api, app, person_ids) -> None:
    with write_session(app.extensions["signoff.db"]) as s:
        s.add(Department(name="Sales", head_id=person_ids["clara"]))  # Ivan's department
    first = api.start()
    api.start()
    api.start("anna", approvers=["boris@example.com"])
    for who in ("anna", "boris", "clara"):
        assert api.decide(who, api.open_task(who, first["id"])["id"], "approve"
                          ).status_code == 200

    for who in ("admin", "auditor"):
        answer = api.get(who, "/api/reports")
        assert answer.status_code == 200, answer.get_json()
        report = answer.get_json()
        assert report["scope"] == {"everyone": True, "departments": []}
        assert report["instances"]["started"] == 3
    assert report["percentile"] == "nearest-rank"
    assert [(s["process"], s["stage"], s["instances"]) for s in report["stages"]] == [
        ("contract-approval", "approval", 1)]
    assert report["stages"][0]["stage_name"] == "Approval"
    assert report["overdue"] == {"tasks_with_deadline": 7, "overdue": 0, "share": 0.0}
    assert len(report["weeks"]) == 12 and report["weeks"][-1]["started"] == 3
    assert report["slowest"] == []  # nobody decided three tasks

    head = api.get("clara", "/api/reports?process=contract-approval").get_json()
    assert head["scope"] == {"everyone": False, "departments": ["Sales"]}
    assert head["instances"]["started"] == 2 and head["process"] == "contract-approval"
    assert api.get("clara", "/api/reports?process=lead-handling").get_json()[
        "instances"]["started"] == 0

    for who in ("initiator", "outsider", "anna"):
        refused = api.get(who, "/api/reports?from=nonsense")  # refused before it is read
        assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden", who
    assert api.get(None, "/api/reports").status_code == 401


def test_parameters_that_cannot_be_read_are_refused_as_the_lists_do(api) -> None:
    for query, field, code in (("from=31.12.2026", "from", "not_a_date"),
                               ("from=2026-03-10&to=2026-03-01", "to", "range_reversed"),
                               ("from=2020-01-01&to=2026-01-01", "to", "report_period_too_long"),
                               ("to=9999-12-31", "to", "report_day_out_of_range")):
        answer = api.get("auditor", f"/api/reports?{query}")
        assert answer.status_code == 400, query
        body = answer.get_json()
        assert body["error"] == "form_invalid" and body["fields"][field]["code"] == code, body
        assert body["fields"][field]["message"], body
    shown = api.get("auditor", "/api/reports?from=2026-01-05&to=2026-01-18").get_json()
    assert (shown["from"], shown["to"]) == ("2026-01-05", "2026-01-18")
    assert [w["week"] for w in shown["weeks"]] == ["2026-W02", "2026-W03"]
