"""An export's period outside sane dates (issue 17: an end date of 9999-12-31 reached the
worker, which failed with ``OverflowError: date value out of range`` and tried four times).

The form refuses it with 400, saying the allowed range, keeping what was typed and queueing
nothing (the API's refusal: ``test_exports.py::test_an_export_request_is_checked_field_by_field``);
an export stored with such a period before requests were checked fails once, with a reason
the export page says in the reader's language, and the worker does not try it again."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from approvals import dispatch
from approvals.store.db import read_session, write_session
from approvals.store.models import Export, Person
from tests.integration.flows import rows
from tests.integration.trails import add_person, make_app, signed_in
from tests.integration.web.site import Browser


@pytest.fixture
def auditor(db):
    return add_person(db, "audrey@example.com", "Audrey Auditor", role="auditor")


@pytest.mark.parametrize(("typed", "field", "message"), [
    ({"from": "2026-01-01", "to": "9999-12-31"}, "to",
     "Give a date from 1990-01-01 to 2100-12-31."),
    ({"from": "0001-01-01", "to": "2026-01-31"}, "from",
     "Give a date from 1990-01-01 to 2100-12-31."),
    ({"from": "2026-03-31", "to": "2026-03-01"}, "to", "The last day is before the first."),
])
def test_the_export_form_refuses_a_period_outside_sane_dates_and_keeps_what_was_typed(
        db, org, now, auditor, signing_var, broker, typed, field, message):
    browser = Browser(signed_in(make_app(db), auditor))

    refused = browser.submit("/audit", "/audit/exports", typed)

    assert refused.status_code == 400
    assert "The export was not started: correct the marked fields." in refused.text
    assert f'<p class="field-error" id="e-{field}-error">{message}</p>' in refused.text
    assert re.search(rf'id="e-{field}" type="date" name="{field}" value="{typed[field]}" '
                     rf'required aria-invalid="true"', refused.text)
    for name, value in typed.items():
        assert f'name="{name}" value="{value}"' in refused.text
    assert rows(db, Export) == []
    assert broker.do_qsize("trails") == 0  # nothing handed to the workers


def test_a_stored_export_of_an_impossible_period_fails_once_with_its_reason(
        db, org, now, auditor, signing_var, worker):
    with write_session(db) as session:  # as stored before requests were checked
        export = Export(requested_by_id=auditor, state="pending", created_at=now,
                        updated_at=now, filters={"from": "2026-01-01", "to": "9999-12-31"})
        session.add(export)
        session.flush()
        export_id = export.id

    dispatch.start("export", export_id)
    worker.join(timeout=60)  # fails the test if the actor raised (and so would be retried)

    with read_session(db) as session:
        failed = session.get(Export, export_id)
        assert failed.state == "failed" and failed.finished_at is not None
        assert failed.error == ("the period 2026-01-01 – 9999-12-31 is not one an export may "
                                "name (days from 1990-01-01 to 2100-12-31, the first not "
                                "after the last); ask for a new export")
        assert "OverflowError" not in failed.error
    client = signed_in(make_app(db), auditor)
    page = client.get(f"/audit/exports/{export_id}").text
    assert ("The export failed: The period 2026-01-01 – 9999-12-31 cannot be exported: an "
            "export covers days from 1990-01-01 to 2100-12-31, the first not after the last. "
            "Ask for a new export.") in page
    with write_session(db) as session:
        person = session.exec(select(Person).where(Person.id == auditor)).one()
        person.locale = "ru"
        session.add(person)
    page = signed_in(make_app(db), auditor).get(f"/audit/exports/{export_id}").text
    assert "Период 2026-01-01 – 9999-12-31 выгрузить нельзя: выгрузка охватывает дни с " \
           "1990-01-01 по 2100-12-31" in page
