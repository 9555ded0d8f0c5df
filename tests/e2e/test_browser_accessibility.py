"""axe-core over every page of the site, in both languages, at 1280x800 and on a 390x844 phone.

The pages are the app's GET routes that answer with HTML, read from Flask's URL map: each is in
:data:`PAGES` (who opens it, and with which row) or in :data:`NOT_PAGES` with the reason it is
not a page (JSON, a file, a feed, a mail's own HTML); a new route in neither fails
:func:`test_every_html_route_is_checked`, and so does a listed route that is gone.

The site is the authorisation matrix's (:mod:`tests.integration.web.authz_site`: a running, a
completed, a sent-back and an emailed contract, an export, a stored inbound message, a caught
mail) plus an HR administrator, an accountant, a bank statement and a webhook endpoint, and the
test processes (``every-field`` has every kind of field). Each person logs in once per screen
size through the login form; the language is theirs (their profile's), switched in the
directory between the two passes. One Chromium, one context per person and screen.

A serious or critical violation anywhere fails the test with every one found (rule, help URL,
selectors, page), not only the first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select
from werkzeug.serving import make_server

from accounting import statements as bank_statements
from approvals.clock import utcnow
from approvals.records import webhooks
from approvals.store import registry
from approvals.store.db import write_session
from approvals.store.directory import import_people, set_password
from approvals.store.models import Person
from tests.e2e.accessibility import Violation, collect, prepare, report, start, violations
from tests.e2e.test_browser_contract import PHONE, chromium  # noqa: F401
from tests.integration.web.authz_site import (
    BORIS,
    IVAN,
    PASSWORD,
    Site,
    built_site,
)
from tests.integration.web.site import PROCESSES
from tests.support import free_port
from tests.unit.accounting.bankfiles import Line, statement

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}

#: Who opens the pages, by what they do; everyone but the anonymous visitor logs in.
PEOPLE = {
    "employee": IVAN,  # started every contract here
    "approver": BORIS,  # holds the running contract's task; the emailed one was his
    "accountant": "carl@example.com",
    "auditor": "audrey@example.com",
    "administrator": "ada@example.com",
    "hr": "hana@example.com",
}
MORE_PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
carl@example.com,Carl Accountant,en,,Accounting,accounting,
hana@example.com,Hana Kadrova,en,,HR,hr,
"""


@dataclass(frozen=True)
class Rows:
    """The rows the pages' URLs name."""

    running: int  # a contract: Anna approved, Boris's task open
    running_task: int
    running_document: int  # its contract file (a PDF's first bytes only: "no preview")
    completed: int
    revision_task: int  # Ivan's, after Boris sent it back
    emailed_task: int  # Boris's, decided by an email reply
    export: int
    inbound: int
    mail_key: str
    endpoint: int
    statement: int
    ivan: int
    clara: int


PathOf = Callable[[Rows], str]


@dataclass(frozen=True)
class Visit:
    rule: str  # the URL map's rule this checks
    who: str  # a key of PEOPLE, or "anonymous"
    path: PathOf


def at(path: str) -> PathOf:
    return lambda rows: path


#: Every HTML page, by route, and who opens it (some routes more than once: another state).
PAGES: list[Visit] = [
    Visit("/login", "anonymous", at("/login")),
    Visit("/", "employee", at("/")),
    Visit("/", "approver", at("/")),
    Visit("/done", "approver", at("/done")),
    Visit("/started", "employee", at("/started")),
    Visit("/watching", "employee", at("/watching")),
    Visit("/notifications", "employee", at("/notifications")),
    Visit("/processes", "employee", at("/processes")),
    Visit("/processes/<process_id>/start", "employee", at("/processes/contract-approval/start")),
    Visit("/processes/<process_id>/start", "employee", at("/processes/every-field/start")),
    Visit("/processes/<process_id>/start", "employee", at("/processes/vacation/start")),
    Visit("/processes/<process_id>/start", "employee", at("/processes/invoice-payment/start")),
    Visit("/instances/<row:instance_id>", "employee", lambda r: f"/instances/{r.running}"),
    Visit("/instances/<row:instance_id>", "employee", lambda r: f"/instances/{r.completed}"),
    Visit("/documents/<row:doc_id>/preview", "approver",
          lambda r: f"/documents/{r.running_document}/preview"),
    Visit("/instances/<row:instance_id>/fields/<field>/compare", "approver",
          lambda r: f"/instances/{r.running}/fields/contract/compare"),
    Visit("/instances/<row:instance_id>/acknowledgements", "employee",
          lambda r: f"/instances/{r.running}/acknowledgements"),
    Visit("/instances/<row:instance_id>/trail.pdf", "auditor",  # 202: the trail is being made
          lambda r: f"/instances/{r.running}/trail.pdf"),
    Visit("/tasks/<row:task_id>", "approver", lambda r: f"/tasks/{r.running_task}"),
    Visit("/tasks/<row:task_id>", "employee", lambda r: f"/tasks/{r.revision_task}"),
    Visit("/tasks/<row:task_id>/answer/<verdict>", "approver",
          lambda r: f"/tasks/{r.running_task}/answer/approve"),
    Visit("/tasks/<row:task_id>/not-me", "approver", lambda r: f"/tasks/{r.emailed_task}/not-me"),
    Visit("/away", "employee", at("/away")),
    Visit("/tokens", "employee", at("/tokens")),
    Visit("/settings", "employee", at("/settings")),
    Visit("/dev/mail", "approver", at("/dev/mail")),
    Visit("/dev/mail/<key>", "approver", lambda r: f"/dev/mail/{r.mail_key}"),
    Visit("/hr/calendar", "employee", at("/hr/calendar")),
    Visit("/hr/schedule", "employee", at("/hr/schedule")),
    Visit("/hr/plan", "employee", at("/hr/plan")),
    Visit("/hr/feeds", "employee", at("/hr/feeds")),
    Visit("/hr/leave", "employee", at("/hr/leave")),
    Visit("/hr/leave/<row:person_id>", "hr", lambda r: f"/hr/leave/{r.ivan}"),
    Visit("/hr/people", "hr", at("/hr/people")),
    Visit("/hr/people/new", "hr", at("/hr/people/new")),
    Visit("/hr/people/<row:person_id>/edit", "hr", lambda r: f"/hr/people/{r.clara}/edit"),
    Visit("/hr/departments", "hr", at("/hr/departments")),
    Visit("/payments", "accountant", at("/payments")),
    Visit("/payments/statements/<row:statement_id>", "accountant",
          lambda r: f"/payments/statements/{r.statement}"),
    Visit("/audit", "auditor", at("/audit")),
    Visit("/audit", "auditor", at("/audit?from=2026-01-01&to=2026-12-31")),  # with results
    Visit("/audit/exports/<row:export_id>", "auditor", lambda r: f"/audit/exports/{r.export}"),
    Visit("/reports", "auditor", at("/reports")),
    Visit("/reports", "administrator", at("/reports?process=contract-approval")),
    Visit("/admin/doctor", "administrator", at("/admin/doctor")),
    Visit("/admin/logins", "administrator", at("/admin/logins")),
    Visit("/admin/mail", "administrator", at("/admin/mail")),
    Visit("/admin/mail/<row:message_id>", "administrator", lambda r: f"/admin/mail/{r.inbound}"),
    Visit("/admin/webhooks", "administrator", at("/admin/webhooks")),
    Visit("/admin/webhooks/<row:endpoint_id>", "administrator",
          lambda r: f"/admin/webhooks/{r.endpoint}"),
    # not a route of its own: the error page, as a missing instance shows it
    Visit("", "employee", at("/instances/999999")),
]

#: GET routes that are not pages, and why axe has nothing to read there.
NOT_PAGES = {
    "/static/<path:filename>": "CSS, scripts and images",
    "/people/search": "JSON for the person pickers",
    "/feeds/<token>.ics": "an iCalendar feed",
    "/documents/<row:doc_id>": "the uploaded file itself",
    "/documents/<row:doc_id>/image": "an uploaded image itself, shown in place",
    "/documents/<row:doc_id>/pages/<int(min=1, max=100):page>": "a PDF's page as a PNG image",
    "/dev/mail/<key>/html": "a mail's own HTML as it was sent, shown in a sandboxed frame of "
                            "/dev/mail/<key> (mail, not a page of the site)",
    "/admin/mail/<row:message_id>/raw": "the stored message, as a file",
    "/audit/organisation.cert.pem": "a certificate file",
    "/reports.csv": "a CSV file (the reports page's figures)",
    "/audit/exports/<row:export_id>/progress": "JSON for the export page's progress",
    "/audit/exports/<row:export_id>/download": "a ZIP file",
    "/hr/leave/<row:person_id>.csv": "a CSV file",
    "/instances/<row:instance_id>/acknowledgements.csv": "a CSV file",
    "/instances/<row:instance_id>/acknowledgements.json": "JSON for the acknowledgements page",
    "/payments/<any(queue, paid):what>.<any(csv, xlsx):fmt>": "a spreadsheet file",
}


def html_routes(app: Flask) -> set[str]:
    """Every GET rule but the JSON API's (a page never lives under /api)."""
    return {rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.rule.startswith("/api/")}


@dataclass
class Served:
    site: Site
    base: str
    rows: Rows


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, redis_url: str, app_broker,
           org_keys) -> Iterator[Served]:
    with built_site(tmp_path_factory, "a11y", redis_url, org_keys) as site:
        rows = _rows(site)
        server = make_server("127.0.0.1", free_port(), site.app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="a11y-web", daemon=True)
        thread.start()
        try:
            yield Served(site, f"http://127.0.0.1:{server.port}", rows)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()


def _rows(site: Site) -> Rows:
    now = utcnow()
    with write_session(site.db) as session:
        import_people(session, MORE_PEOPLE)
        processes, _errors = registry.load_all([*registry.process_dirs(), PROCESSES])
        registry.sync(session, processes, now)
        for person in session.exec(select(Person).where(Person.email.in_(PEOPLE.values()))):
            set_password(person, PASSWORD)
            session.add(person)
        ids = {p.email: p.id for p in session.exec(select(Person)).all()}
    running, completed = site.target("running"), site.target("completed")
    revision = site.target("revision")
    endpoint = webhooks.register(
        site.db, url="http://127.0.0.1:9/a11y", description="Accessibility check",
        events=["payment.recorded"], allow_private=True, person_id=ids["ada@example.com"],
        now=now).endpoint_id
    bank = bank_statements.import_statement(
        site.db, "kl_to_1c.txt", statement([Line("1", "01.12.2026", "100.00", "7733012345",
                                                 "Счёт 1")]),
        ids["ada@example.com"], now).statement_id
    return Rows(running=running.instance, running_task=running.task,
                running_document=running.document,
                completed=completed.instance,
                revision_task=site._open(revision.instance, ids[IVAN]),
                emailed_task=site.target("emailed").task, export=site.export,
                inbound=site.inbound, mail_key=site.mail_key, endpoint=endpoint,
                statement=bank, ivan=ids[IVAN], clara=ids["clara@example.com"])


def set_language(site: Site, locale: str) -> None:
    with write_session(site.db) as session:
        for person in session.exec(select(Person).where(Person.email.in_(PEOPLE.values()))):
            person.locale = locale
            session.add(person)


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")


def test_every_html_route_is_checked(served: Served) -> None:
    routes = html_routes(served.site.app)
    checked = {visit.rule for visit in PAGES if visit.rule}
    assert not routes - checked - NOT_PAGES.keys(), (
        "a page nobody checks: add it to PAGES (or, if it is not HTML, to NOT_PAGES with why)")
    assert not (checked | NOT_PAGES.keys()) - routes, "a checked route is gone from the app"
    assert not checked & NOT_PAGES.keys()


@pytest.mark.browser
def test_every_page_has_no_serious_accessibility_violation(
        served: Served, chromium: Browser) -> None:  # noqa: F811
    started = time.monotonic()
    pages: dict[tuple[str, str], Page] = {}  # (who, screen): a context of its own
    for screen, options in SCREENS.items():
        for who in ("anonymous", *PEOPLE):
            context = chromium.new_context(**options)
            context.set_default_timeout(15_000)
            prepare(context)
            pages[who, screen] = page = context.new_page()
            if who != "anonymous":
                log_in(page, served.base, PEOPLE[who])
    found: list[Violation] = []
    for locale in ("en", "ru"):
        set_language(served.site, locale)
        for visit in PAGES:
            path = visit.path(served.rows)
            if visit.who == "anonymous":
                path += f"?lang={locale}"
            for screen in SCREENS:  # both screens load and are checked side by side
                page = pages[visit.who, screen]
                response = page.goto(served.base + path)
                assert response is not None and response.status < 500, path
                assert page.evaluate("document.documentElement.lang") == locale, path
                start(page)
            for screen in SCREENS:
                found += collect(pages[visit.who, screen],
                                 f"{path} as {visit.who}, {locale}, {screen}")
    for page in pages.values():
        page.context.close()
    set_language(served.site, "en")
    print(f"axe: {2 * len(SCREENS) * len(PAGES)} pages in {time.monotonic() - started:.1f} s; "
          f"the moderate and minor violations:")
    for rule, impact, where in sorted({(v.rule, v.impact, v.page.split(" as ")[0])
                                       for v in found if not v.fails}):
        print(f"    {rule} ({impact}) {where}")
    assert not any(v.fails for v in found), report(found)


@pytest.mark.browser
def test_axe_runs_under_the_sites_policy_and_finds_what_is_broken(
        served: Served, chromium: Browser) -> None:  # noqa: F811
    """The check above can fail: on the real login page (its Content-Security-Policy on), a
    field whose label is cut loose and an image without a text are found, with the rule, its
    help page and the element."""
    context = chromium.new_context(**DESKTOP)
    prepare(context)
    page = context.new_page()
    page.goto(f"{served.base}/login")
    assert not [v for v in violations(page, "login") if v.fails]
    page.evaluate("""() => {
        document.querySelector('label[for=email]').removeAttribute('for');
        document.querySelector('main').append(document.createElement('img'));
    }""")
    found = {v.rule: v for v in violations(page, "login, broken") if v.fails}
    assert found["label"].targets == ("#email",)
    assert found["image-alt"].impact == "critical"
    assert found["label"].help_url.startswith("https://dequeuniversity.com/rules/axe/")
    assert "#email" in report(list(found.values()))
    context.close()
