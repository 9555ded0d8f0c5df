"""Who may download a trail, what they get, and how a refusal is recorded; the auditor's
search. Pages and API on the test database (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
import re
import subprocess
from datetime import timedelta

import pytest
from sqlmodel import select

from approvals import service
from approvals.core.errors import KeyProblem
from approvals.keys import certificate_of, load_certificates
from approvals.store.db import write_session
from approvals.store.models import AccessDenial, AuditEvent, Blob, Task, Trail, TrailDraft
from approvals.trail import issue, read_facts, verify_trail
from tests.integration.flows import audit_kinds, contract_fields, rows
from tests.integration.trails import (
    add_person,
    bearer,
    complete_contract,
    complete_one_step,
    load_one_step,
    make_app,
    signed_in,
)


@pytest.fixture
def app(db, signing_var, app_broker):
    return make_app(db)


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def test_a_participant_downloads_a_provisional_trail_of_a_running_instance(db, org, now, app,
                                                                           worker, signing_var):
    started = service.start(db, "contract-approval", org.initiator,
                            contract_fields([org.email(p) for p in org.approvers]), now)
    instance_id = started.instance_id
    anna = org.approvers[0]
    browser, headers = signed_in(app, anna), bearer(db, anna, now)

    def download():
        return (browser.get(f"/instances/{instance_id}/trail.pdf"),
                app.test_client().get(f"/api/instances/{instance_id}/trail.pdf",
                                      headers=headers))

    # the request only asks: the worker renders, and the reader looks again
    page, api = download()
    assert (page.status_code, api.status_code) == (202, 202)
    assert page.headers["Retry-After"] == api.headers["Retry-After"] == "3"
    assert "The provisional trail is being made" in page.text
    # it looks again by itself: a script, or without scripts a refresh (never a bare refresh,
    # which axe-core counts as a timing failure)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text
    assert "trail_pending.js" in page.text
    assert api.get_json()["state"] == "pending"
    [draft] = rows(db, TrailDraft)  # both readers asked for the same chain: one draft
    assert draft.state == "pending"
    worker.join()

    page, api = download()
    for response in (page, api):
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Signoff-Trail"] == "provisional"
        assert "attachment" in response.headers["Content-Disposition"]
        assert "provisional" in response.headers["Content-Disposition"]
        facts = read_facts(response.data)
        assert (facts.instance_id, facts.provisional) == (instance_id, True)
        assert "PROVISIONAL" in _text(response.data)
    assert rows(db, Trail) == []  # nothing signed is stored for a running instance
    assert 'trail.pdf' in signed_in(app, anna).get(f"/instances/{instance_id}").text
    [draft] = rows(db, TrailDraft)
    assert (draft.state, draft.attempts) == ("done", 1)

    # a decision moves the chain on: the next reader waits for a new draft, the old one goes
    task = rows(db, Task, Task.instance_id == instance_id, Task.assignee_id == anna)[0]
    service.decide(db, task.id, anna, "approve", "", now)
    assert download()[0].status_code == 202
    worker.join()
    page, _api = download()
    assert page.status_code == 200 and "Anna Approver" in _text(page.data)
    [newer] = rows(db, TrailDraft)
    assert newer.id != draft.id and newer.state == "done"
    assert not (signing_var / "trails" / "drafts" / draft.path).exists() or \
        newer.path == draft.path


def test_an_outsider_is_refused_a_trail_and_the_attempt_is_logged(db, org, now, app, caplog):
    instance_id = service.start(db, "contract-approval", org.initiator,
                                contract_fields([org.email(org.approvers[0])]),
                                now).instance_id
    outsider = add_person(db, "oscar@example.com", "Oscar Outsider")
    chain = audit_kinds(db, instance_id)

    with caplog.at_level(logging.WARNING, logger="signoff.access"):
        page = signed_in(app, outsider).get(f"/instances/{instance_id}/trail.pdf")
        api = app.test_client().get(f"/api/instances/{instance_id}/trail.pdf",
                                    headers=bearer(db, outsider, now))

    assert (page.status_code, api.status_code) == (403, 403)
    assert api.get_json()["error"] == "forbidden"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all("oscar@example.com" in w and f"instance {instance_id}" in w for w in warnings)
    denials = rows(db, AccessDenial)
    assert [(d.person_id, d.instance_id, d.what, d.channel) for d in denials] == [
        (outsider, instance_id, "trail", "web"), (outsider, instance_id, "trail", "api")]
    assert audit_kinds(db, instance_id) == chain  # the chain is the process's, not a log
    shown = signed_in(app, org.admin).get("/audit").text  # an administrator sees them
    assert shown.count('class="denial"') == 2 and "oscar@example.com" in shown


def test_a_completed_instance_serves_its_stored_signed_trail(db, org, now, app, signing_var):
    instance_id = complete_contract(db, org, now).instance_id
    auditor = add_person(db, "audrey@example.com", "Audrey Auditor", role="auditor")
    initiator = signed_in(app, org.initiator)

    pending = initiator.get(f"/instances/{instance_id}/trail.pdf")
    assert pending.status_code == 409  # the worker has not made it yet
    assert "формируется" in initiator.get(f"/instances/{instance_id}").text  # Ivan reads ru

    made = issue.issue(db, instance_id, keys_dir=signing_var / "keys",
                       trails_dir=signing_var / "trails", now=now, location="test")
    [trail] = rows(db, Trail)
    stored = (signing_var / "trails" / trail.path).read_bytes()
    for response in (initiator.get(f"/instances/{instance_id}/trail.pdf"),
                     signed_in(app, auditor).get(f"/instances/{instance_id}/trail.pdf"),
                     app.test_client().get(f"/api/instances/{instance_id}/trail.pdf",
                                           headers=bearer(db, auditor, now))):
        assert response.status_code == 200
        assert response.data == stored
        assert response.headers["X-Signoff-Trail"] == "signed"
        assert response.headers["X-Signoff-Trail-SHA256"] == trail.sha256
        assert f"trail-{made.trail_id:06d}-instance-{instance_id}.pdf" in \
            response.headers["Content-Disposition"]
    page = initiator.get(f"/instances/{instance_id}").text
    assert trail.sha256 in page and "Скачать подписанный лист согласования" in page


def test_a_damaged_stored_trail_is_never_served(db, org, now, app, signing_var):
    instance_id = complete_contract(db, org, now).instance_id
    issue.issue(db, instance_id, keys_dir=signing_var / "keys",
                trails_dir=signing_var / "trails", now=now, location="test")
    [trail] = rows(db, Trail)
    path = signing_var / "trails" / trail.path
    data = bytearray(path.read_bytes())
    data[500] ^= 0xFF
    path.write_bytes(bytes(data))

    response = app.test_client().get(f"/api/instances/{instance_id}/trail.pdf",
                                     headers=bearer(db, org.initiator, now))

    assert response.status_code == 500
    assert response.get_json()["error"] == "stored_file_problem"


# ---------------------------------------------------------------------------- the search


def _found(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-instance="(\d+)"', html)]


@pytest.fixture
def instances(db, org, now):
    """Five instances: three of one-step (two by Ivan, one by Maria), a running contract and
    a withdrawn one, started on different days."""
    load_one_step(db, now)
    ivan, maria = org.initiator, org.manager
    old = complete_one_step(db, ivan, "Alpha supply", now - timedelta(days=40))
    mine = complete_one_step(db, maria, "Договор с ООО «Ромашка»", now - timedelta(days=3))
    note = complete_one_step(db, ivan, "Beta", now - timedelta(days=2), note="срочно, Омега")
    running = service.start(db, "contract-approval", ivan,
                            contract_fields([org.email(org.approvers[0])]),
                            now - timedelta(days=1)).instance_id
    withdrawn = service.start(db, "contract-approval", ivan,
                              contract_fields([org.email(org.approvers[1])]), now).instance_id
    service.withdraw(db, withdrawn, ivan, "wrong amount", now)
    return {"old": old, "maria": mine, "note": note, "running": running,
            "withdrawn": withdrawn}


def test_an_auditor_searches_by_process_period_person_outcome_and_text(db, org, now, app,
                                                                      instances):
    auditor = signed_in(app, add_person(db, "audrey@example.com", "Audrey", role="auditor"))
    i = instances
    day = lambda delta: (now + timedelta(days=delta)).date().isoformat()  # noqa: E731

    def search(query: str = "") -> list[int]:
        response = auditor.get("/audit" + query)
        assert response.status_code == 200, response.text
        return _found(response.text)

    assert search() == sorted(i.values(), reverse=True)  # newest first
    assert search("?process=one-step") == [i["note"], i["maria"], i["old"]]
    assert search("?outcome=running") == [i["running"]]
    assert search("?outcome=cancelled") == [i["withdrawn"]]
    assert search(f"?from={day(-5)}&to={day(-1)}") == [i["running"], i["note"], i["maria"]]
    assert search(f"?period=ended&from={day(-5)}") == [i["withdrawn"], i["note"], i["maria"]]
    assert search(f"?period=ended&to={day(-30)}") == [i["old"]]
    assert search("?person=maria@example.com") == [i["maria"]]
    assert search("?person=anna") == [i["running"]]  # a participant, not the initiator
    assert search("?person=Boris+Approver") == [i["withdrawn"]]
    assert search("?q=ромашка") == [i["withdrawn"], i["running"], i["maria"]]  # title, fields
    assert search("?q=омега") == [i["note"]]
    assert search("?q=ALPHA") == [i["old"]]
    assert search("?q=100%25") == []
    assert search("?process=one-step&person=ivan&outcome=completed") == [i["note"], i["old"]]
    page = auditor.get("/audit?from=yesterday").text
    assert "Enter a date, such as 2026-12-31." in page
    assert len(_found(page)) == 5  # a bad date filters nothing
    far = auditor.get("/audit?to=9999-12-31")  # the day after it would overflow
    assert far.status_code == 200
    assert "Give a date from 1990-01-01 to 2100-12-31." in far.text


def test_the_search_is_paginated(db, org, now, app, instances, monkeypatch):
    monkeypatch.setattr("web.audit.PER_PAGE", 2)
    auditor = signed_in(app, org.admin)
    newest_first = sorted(instances.values(), reverse=True)
    pages = [auditor.get(f"/audit?page={n}&process=").text for n in (1, 2, 3)]
    assert [_found(p) for p in pages] == [newest_first[0:2], newest_first[2:4],
                                          newest_first[4:]]
    assert "Page 2 of 3" in pages[1] and 'rel="next" href="/audit?page=3' in pages[1]
    assert "Found: 5" in pages[0]


def test_the_audit_pages_refuse_everyone_but_auditors_and_administrators(db, org, now, app):
    anna = org.approvers[0]
    response = signed_in(app, anna).get("/audit")
    assert response.status_code == 403
    api = app.test_client().post("/api/exports", json={"from": "2026-01-01", "to": "2026-01-31"},
                                 headers=bearer(db, anna, now))
    assert api.status_code == 403
    assert [(d.person_id, d.what, d.instance_id) for d in rows(db, AccessDenial)] == [
        (anna, "audit", None), (anna, "export", None)]
    assert "/audit" not in signed_in(app, anna).get("/").text  # no menu entry either
    assert 'href="/audit"' in signed_in(app, org.admin).get("/").text
    assert rows(db, AuditEvent, AuditEvent.kind == "trail_access_denied") == []



def test_the_audit_page_publishes_the_signing_certificate_that_verify_accepts(
        db, org, now, app, signing_var):
    keys = load_certificates(signing_var / "keys")
    auditor = signed_in(app, add_person(db, "ines@example.com", "Ines Auditor", "auditor"))
    page = auditor.get("/audit").text
    assert keys.fingerprint in page and keys.subject in page
    assert "signoff verify trail.pdf --cert organisation.cert.pem" in page
    download = auditor.get("/audit/organisation.cert.pem")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == \
        "attachment; filename=organisation.cert.pem"
    assert certificate_of(download.data).sha256.hex() == keys.fingerprint
    # the downloaded certificate is what an auditor checks a trail with, away from Signoff
    instance_id = complete_contract(db, org, now).instance_id
    issue.issue(db, instance_id, keys_dir=signing_var / "keys",
                trails_dir=signing_var / "trails", now=now)
    pdf = auditor.get(f"/instances/{instance_id}/trail.pdf").data
    report = verify_trail(pdf, cert=certificate_of(download.data))
    assert report.ok, str(report)
    assert f"signed by the organisation's certificate: {keys.subject}" in str(report)
    anna = org.approvers[0]
    assert signed_in(app, anna).get("/audit/organisation.cert.pem").status_code == 403
    assert ("certificate", anna) in {(d.what, d.person_id) for d in rows(db, AccessDenial)}


def test_administrators_see_the_trails_that_need_attention(db, org, now, app, broker,
                                                           signing_var):
    from approvals.keys import KEY_FILE
    from workers.actors import render_trail

    admin = signed_in(app, org.admin)
    assert "Every trail owed has been made." in admin.get("/audit").text
    marked = complete_contract(db, org, now).instance_id
    with write_session(db) as session:  # the stored contract no longer matches its SHA-256
        for blob in session.exec(select(Blob)).all():
            blob.data = b"damaged"
            session.add(blob)
    render_trail.fn(marked)
    (signing_var / "keys" / KEY_FILE).unlink()
    owed = complete_contract(db, org, now).instance_id
    with pytest.raises(KeyProblem):
        render_trail.fn(owed)

    [trail] = rows(db, Trail)
    assert trail.instance_id == marked and "SHA-256" in (trail.problems or "")
    issued = [e for e in rows(db, AuditEvent, AuditEvent.instance_id == marked)
              if e.kind == "trail_issued"]
    assert issued[0].data["problems"] == trail.problems
    page = admin.get("/audit").text
    assert 'class="attention-item state-pending"' in page and KEY_FILE in page
    assert 'class="attention-item state-marked"' in page
