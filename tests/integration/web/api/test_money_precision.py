"""The API refuses an amount with more decimals than kopecks (issue 17): 400 ``form_invalid``
naming the field with the code ``too_many_decimals``, nothing written; zeros past the kopecks
change nothing and are taken."""

from __future__ import annotations

from sqlmodel import func, select

from approvals.store.db import read_session
from approvals.store.models import AuditEvent, Instance
from tests.integration.web.api.conftest import Api, contract_fields


def _count(app, model) -> int:
    with read_session(app.extensions["signoff.db"]) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_an_amount_finer_than_kopecks_is_refused_not_rounded(app, api: Api) -> None:
    response = api.post("initiator", "/api/instances", {
        "process": "contract-approval", "fields": contract_fields(amount="0.005")})

    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "form_invalid"
    assert body["fields"] == {"amount": {
        "code": "too_many_decimals",
        "message": "An amount has at most 2 digits after the decimal point."}}
    assert (_count(app, Instance), _count(app, AuditEvent)) == (0, 0)


def test_zeros_past_the_kopecks_are_taken(app, api: Api) -> None:
    response = api.post("initiator", "/api/instances", {
        "process": "contract-approval", "fields": contract_fields(amount="480000.000")})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["fields"]["amount"] == "480000.00"
