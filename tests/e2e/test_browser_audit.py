"""The issue's "Done means" for auditors, clicked through in a real Chromium with every part real.

Contract approvals are completed through the service (two in October, one in November); a real
Dramatiq worker renders and signs their trails. An auditor (who reads Russian) searches October
on ``/audit``, finds the two with their signed trails, asks for an export of the month, and
watches the progress bar: the worker is held while the page shows the export waiting and its
script polls the progress, then let go; the page alone reaches "ready", and the ZIP it offers
holds both trails and the CSV index. The initiator downloads one trail from the instance page:
a signed PDF that the library behind ``signoff verify`` accepts against the stored chain.

The site, Chromium and the log-in come from :mod:`tests.e2e.test_browser_contract`; the
worker, broker and mail catcher are the integration tests' fixtures, on the site's own database
(the ``db`` of :mod:`tests.e2e.test_browser_email_loop`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import dispatch, service
from approvals.keys import load_keys
from approvals.store.db import read_session, write_session
from approvals.store.directory import set_password
from approvals.store.models import Person, PersonRole, Trail
from approvals.trail import VerifyReport, verify_trail
from tests.e2e.test_browser_contract import chromium, log_in, site  # noqa: F401 - fixtures
from tests.e2e.test_browser_email_loop import db  # noqa: F401 - the site's database
from tests.integration.conftest import (  # noqa: F401 - fixtures, reused
    RunningWorker,
    broker,
    mail_catcher,
    worker,
)
from tests.integration.flows import contract_fields, open_tasks
from tests.integration.web.site import PASSWORD, WHO

AUDITOR = "dmitry@example.com"
OCTOBER = [("Supply contract 101", datetime(2026, 10, 5, 9, 30, tzinfo=UTC)),
           ("Lease of the warehouse", datetime(2026, 10, 30, 17, 45, tzinfo=UTC))]
NOVEMBER = ("Cleaning services", datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
PATIENCE_MS = 60_000  # what the page may take to show the worker's result; not a measure


def add_auditor(db: Engine) -> None:  # noqa: F811 - db is a fixture
    with write_session(db) as session:
        person = Person(email=AUDITOR, name="Дмитрий Орлов", locale="ru",
                        department="Internal audit")
        set_password(person, PASSWORD)
        session.add(person)
        session.flush()
        session.add(PersonRole(person_id=person.id, role="auditor"))


def person_id(db: Engine, who: str) -> int:  # noqa: F811
    with read_session(db) as session:
        return session.exec(select(Person.id).where(Person.email == WHO[who])).one()


def complete_contract(db: Engine, title: str, at: datetime) -> int:  # noqa: F811
    """A contract approval Ivan starts and completes at ``at`` (Anna and Boris approve), its
    outbox rows handed to the worker; returns the instance's number."""
    ivan, approvers = person_id(db, "ivan"), [person_id(db, "anna"), person_id(db, "boris")]
    fields = {**contract_fields([WHO["anna"], WHO["boris"]]), "title": title}
    instance_id = service.start(db, "contract-approval", ivan, fields, at).instance_id
    for approver in approvers:
        service.decide(db, open_tasks(db, instance_id)[approver].id, approver, "approve", "",
                       at)
    done = service.decide(db, open_tasks(db, instance_id)[ivan].id, ivan, "done", "Sent.", at)
    assert done.status == "completed"
    with read_session(db) as session:
        dispatch.kick(service.outbox_ids(session, instance_id))
    return instance_id


def trails_of(db: Engine, instance_ids: list[int]) -> dict[int, Trail]:  # noqa: F811
    with read_session(db) as session:
        found = session.exec(select(Trail).where(Trail.instance_id.in_(instance_ids))).all()
    assert len(found) == len(instance_ids), "one signed trail per completed instance"
    return {trail.instance_id: trail for trail in found}


def assert_valid(pdf: bytes, instance_id: int, db: Engine, var: Path) -> None:  # noqa: F811
    """What ``signoff verify`` checks: signed by the organisation, the chain as stored.

    Checked in a thread of its own, as the command runs in a process of its own: pyHanko's
    validation runs its own event loop, which cannot start inside Playwright's."""
    assert pdf.startswith(b"%PDF-")

    def verify() -> VerifyReport:
        with read_session(db) as session:
            return verify_trail(pdf, cert=load_keys(var / "keys"), session=session)

    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(verify).result()
    assert report.ok, str(report)
    assert report.lines[-1] == "VERDICT: VALID"
    assert (report.facts.instance_id, report.facts.provisional) == (instance_id, False)


def watch_progress(page: Page) -> list[dict[str, Any]]:
    """Every answer the export page's script gets from the progress endpoint, in order.

    Read on its way to the page (the script reloads the page as soon as it reads "done",
    after which the browser no longer has the body to give)."""
    answers: list[dict[str, Any]] = []

    def answered(route: Route) -> None:
        response = route.fetch()
        if response.ok:
            answers.append(response.json())
        route.fulfill(response=response)

    page.route(re.compile(r"/audit/exports/\d+/progress$"), answered)
    return answers


@pytest.mark.browser
def test_an_auditor_exports_a_month_of_trails_watching_the_progress_bar(
        site: str, chromium: Browser, db: Engine, worker: RunningWorker,  # noqa: F811
        signing_var: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_auditor(db)
    monkeypatch.setitem(WHO, "dmitry", AUDITOR)
    october = [complete_contract(db, title, at) for title, at in OCTOBER]
    november = complete_contract(db, *NOVEMBER)
    worker.join(timeout=120)  # the worker renders and signs the three trails
    trails = trails_of(db, [*october, november])
    stored = {i: (signing_var / "trails" / t.path).read_bytes() for i, t in trails.items()}

    # The auditor searches the processes completed in October.
    _context, auditor = log_in(chromium, site, "dmitry", locale="ru-RU", accept_downloads=True)
    auditor.get_by_role("link", name="Аудит", exact=True).click()
    expect(auditor).to_have_url(f"{site}/audit")
    expect(auditor.get_by_role("heading", level=1)).to_have_text("Аудит")
    auditor.locator("#s-process").select_option("contract-approval")
    auditor.locator("input[name=period][value=ended]").check()
    auditor.locator("#s-from").fill("2026-10-01")
    auditor.locator("#s-to").fill("2026-10-31")
    auditor.locator("form.audit-search button[type=submit]").click()
    expect(auditor).to_have_url(re.compile(r"/audit\?.*from=2026-10-01"))
    results = auditor.locator("tr.result")
    expect(results).to_have_count(2)
    assert sorted(int(row.get_attribute("data-instance")) for row in results.all()) == october
    for instance_id in october:
        row = auditor.locator(f"tr.result[data-instance='{instance_id}']")
        expect(row.locator("a.trail-link.signed")).to_have_text(
            f"№ {trails[instance_id].id} (подписан)")

    # She exports the month; the worker is held, so the page shows the export waiting.
    auditor.locator("#e-from").fill("2026-10-01")
    auditor.locator("#e-to").fill("2026-10-31")
    polls = watch_progress(auditor)
    worker.worker.pause()
    try:
        auditor.locator("form.export-form button[type=submit]").click()
        expect(auditor).to_have_url(re.compile(r"/audit/exports/\d+$"))
        bar, state = auditor.locator("#export-progress"), auditor.locator("#export-state")
        expect(bar).to_be_visible()
        expect(bar).to_have_attribute("value", "0")
        expect(state).to_have_text("Ожидает обработчика")
        with auditor.expect_response(lambda r: r.url.endswith("/progress")):
            pass  # the page's script asks for the progress while the export waits
        assert polls and polls[-1]["state"] == "pending"
    finally:
        worker.worker.resume()

    # Let go, the worker builds the ZIP; the page, never reloaded by the test, gets there.
    download = auditor.get_by_role("link", name=re.compile(r"^Скачать ZIP"))
    expect(download).to_be_visible(timeout=PATIENCE_MS)
    expect(state).to_have_text("Готово")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "100")
    expect(auditor.locator("#export-count")).to_have_text("2 из 2 листов")
    assert polls[0]["state"] == "pending" and polls[-1]["state"] == "done"
    percents = [poll["progress"]["percent"] for poll in polls]
    assert percents == sorted(percents) and percents[-1] == 100
    assert polls[-1]["progress"] == {"done": 2, "total": 2, "percent": 100}

    with auditor.expect_download() as downloading:
        download.click()
    archive_bytes = Path(downloading.value.path()).read_bytes()
    assert downloading.value.suggested_filename.startswith(
        "signoff-trails-2026-10-01-2026-10-31-")
    assert hashlib.sha256(archive_bytes).hexdigest() == polls[-1]["sha256"]
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        assert archive.testzip() is None
        names = {f"trail-{trails[i].id:06d}-instance-{i}.pdf": i for i in october}
        assert sorted(archive.namelist()) == sorted([*names, "index.csv"])
        for name, instance_id in names.items():
            pdf = archive.read(name)
            assert pdf == stored[instance_id]
            assert hashlib.sha256(pdf).hexdigest() == trails[instance_id].sha256
        assert_valid(archive.read(next(iter(names))), october[0], db, signing_var)
        index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [(int(r["instance"]), int(r["trail_number"]), r["sha256"], r["file_name"])
            for r in index] == [(i, trails[i].id, trails[i].sha256,
                                 f"trail-{trails[i].id:06d}-instance-{i}.pdf") for i in october]
    assert {r["title"] for r in index} == {title for title, _at in OCTOBER}
    assert {r["outcome"] for r in index} == {"completed"}

    # The initiator downloads a trail from the instance page: signed, and it verifies.
    _ivan_context, ivan = log_in(chromium, site, "ivan", accept_downloads=True)
    first = october[0]
    ivan.goto(f"{site}/instances/{first}")
    expect(ivan.locator(".subtitle .badge")).to_have_text("Completed")
    with ivan.expect_download() as downloading:
        ivan.get_by_role("link", name="Download the signed trail (PDF)").click()
    assert downloading.value.suggested_filename == f"trail-{trails[first].id:06d}-instance-" \
                                                   f"{first}.pdf"
    pdf = Path(downloading.value.path()).read_bytes()
    assert pdf == stored[first]
    assert_valid(pdf, first, db, signing_var)
    worker.join()  # nothing left half done: every queue drains without an actor failing
