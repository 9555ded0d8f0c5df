"""Exports: the signed trails of a period in one ZIP with a CSV index, built by a real worker
and followed through the API and the page."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import timedelta

import pytest

from approvals.records import exports as asked
from approvals.store.models import Export, Trail
from approvals.trail import export as exports
from approvals.trail import issue
from tests.integration.flows import rows
from tests.integration.trails import (
    add_person,
    bearer,
    complete_one_step,
    load_one_step,
    make_app,
    quick_trail,
    signed_in,
)
from tests.integration.web.site import Browser

INSTANCES = 200


@pytest.fixture
def app(db, worker):
    return make_app(db)


@pytest.fixture
def auditor(db):
    return add_person(db, "audrey@example.com", "Audrey Auditor", role="auditor")


def _trails(db, org, now, var, count: int, monkeypatch, **shift) -> list[int]:
    """``count`` completed one-step instances with their signed trails (the quick renderer
    stands in for the real one: this is about the export, not about rendering)."""
    monkeypatch.setattr(issue, "render_trail", quick_trail)
    when = now - timedelta(**shift) if shift else now
    ids = []
    for n in range(count):
        instance_id = complete_one_step(db, org.initiator, f"Request {n}", when)
        made = issue.issue(db, instance_id, keys_dir=var / "keys", trails_dir=var / "trails",
                           now=when, location="test")
        assert made.created
        ids.append(instance_id)
    return ids


def test_an_export_of_200_instances_holds_every_trail_and_an_index(
        db, org, now, app, auditor, signing_var, worker, monkeypatch):
    load_one_step(db, now)
    outside = _trails(db, org, now, signing_var, 1, monkeypatch, days=40)
    inside = _trails(db, org, now, signing_var, INSTANCES, monkeypatch)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 0)
    progress: list[int] = []
    recorded = exports._set

    def spy(db_, export_id, moment, **values):
        if "done" in values:
            progress.append(values["done"])
        recorded(db_, export_id, moment, **values)

    monkeypatch.setattr(exports, "_set", spy)
    api, headers = app.test_client(), bearer(db, auditor, now)
    today = now.date()

    asked = api.post("/api/exports", headers=headers,
                     json={"from": (today - timedelta(days=1)).isoformat(),
                           "to": today.isoformat(), "process": "one-step"})
    assert asked.status_code == 202, asked.get_json()
    body = asked.get_json()
    assert asked.headers["Location"] == f"/api/exports/{body['id']}" == body["url"]
    assert body["state"] in ("pending", "running", "done")
    worker.join(timeout=120)

    resource = api.get(f"/api/exports/{body['id']}", headers=headers).get_json()
    assert resource["state"] == "done", resource
    assert resource["progress"] == {"done": INSTANCES, "total": INSTANCES, "percent": 100}
    assert resource["filters"] == {"from": (today - timedelta(days=1)).isoformat(),
                                   "to": today.isoformat(), "process": "one-step"}
    assert progress == sorted(progress) and progress[-1] == INSTANCES and len(progress) > 10
    download = api.get(resource["download_url"], headers=headers)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert hashlib.sha256(download.data).hexdigest() == resource["sha256"]
    assert len(download.data) == resource["size"]

    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == INSTANCES and names[-1] == "index.csv"
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert list(index[0]) == list(exports.COLUMNS)
    assert len(index) == INSTANCES
    stored = {t.id: t for t in rows(db, Trail)}
    for line in index:
        data = archive.read(line["file_name"])
        assert hashlib.sha256(data).hexdigest() == line["sha256"]
        assert stored[int(line["trail_number"])].sha256 == line["sha256"]
        assert data[:5] == b"%PDF-"
        assert (line["process"], line["outcome"]) == ("One step", "completed")
        assert line["initiator"] == "Ivan Initiator <ivan@example.com>"
    assert sorted(int(line["instance"]) for line in index) == inside
    assert outside[0] not in {int(line["instance"]) for line in index}


def test_the_export_page_shows_progress_and_the_download(db, org, now, app, auditor,
                                                         signing_var, worker, monkeypatch):
    load_one_step(db, now)
    made = _trails(db, org, now, signing_var, 3, monkeypatch)
    waiting = complete_one_step(db, org.initiator, "Not sealed yet", now)  # no trail yet
    browser = Browser(signed_in(app, auditor))
    today = now.date().isoformat()

    refused = browser.submit("/audit", "/audit/exports", {"from": today, "to": "soon"})
    assert refused.status_code == 400
    assert "Enter a date, such as 2026-12-31." in refused.text
    assert rows(db, Export) == []

    started = browser.submit("/audit", "/audit/exports", {"from": today, "to": today})
    assert started.status_code == 303
    page_url = started.headers["Location"]
    worker.join(timeout=60)

    page = browser.get(page_url).text
    assert '<progress id="export-progress" max="100" value="100">' in page
    assert "3 of 3 trails" in page and "/download" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading
    progress = browser.get(page_url + "/progress").get_json()
    assert (progress["state"], progress["finished"]) == ("done", True)
    zipped = zipfile.ZipFile(io.BytesIO(browser.get(progress["download_url"]).data))
    index = list(csv.DictReader(io.StringIO(zipped.read("index.csv").decode("utf-8-sig"))))
    assert [int(line["instance"]) for line in index] == [*made, waiting]
    assert index[-1]["file_name"] == "" and index[-1]["sha256"] == ""  # listed, not lost
    assert "export-item" in browser.get("/audit").text


def test_a_pending_export_page_refreshes_itself_without_script(db, org, now, auditor,
                                                               signing_var, broker):
    app = make_app(db)  # no worker: the export stays pending
    client = signed_in(app, auditor)
    made = asked.create(db, auditor, {"from": "2026-01-01", "to": "2026-01-31"}, now)

    page = client.get(f"/audit/exports/{made.id}").text

    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert "Waiting for a worker" in page and '<script src="/static/export.js">' in page
    assert client.get(f"/audit/exports/{made.id}/download").status_code == 409
    api = app.test_client().get(f"/api/exports/{made.id}/download",
                                headers=bearer(db, auditor, now))
    assert (api.status_code, api.get_json()["error"]) == (409, "export_not_ready")


def test_an_export_request_is_checked_field_by_field(db, org, now, auditor, signing_var,
                                                     broker):
    api, headers = make_app(db).test_client(), bearer(db, auditor, now)

    refused = api.post("/api/exports", headers=headers,
                       json={"from": "2026-03-31", "to": "2026-03-01", "process": "nope"})

    assert refused.status_code == 400
    body = refused.get_json()
    assert body["error"] == "form_invalid"
    assert {name: f["code"] for name, f in body["fields"].items()} == {
        "to": "range_reversed", "process": "unknown_process"}
    assert api.post("/api/exports", headers=headers, json={}).get_json()["fields"] == {
        "from": {"code": "required", "message": "This field is required."},
        "to": {"code": "required", "message": "This field is required."}}
    far = api.post("/api/exports", headers=headers, json={"from": "0001-01-01",
                                                          "to": "9999-12-31"})
    assert far.status_code == 400
    assert {name: f["code"] for name, f in far.get_json()["fields"].items()} == {
        "from": "date_out_of_range", "to": "date_out_of_range"}
    assert far.get_json()["fields"]["to"]["message"] == "Give a date from 1990-01-01 to 2100-12-31."
    assert rows(db, Export) == []
    assert api.get("/api/exports/99", headers=headers).status_code == 404
