"""The authorisation matrix: every route of the pages and the JSON API × every kind of caller.

The routes come from the app's URL map (``static`` aside), read when the module is collected:
each rule and method (HEAD and OPTIONS aside) must have an entry in :data:`TABLE`, or its case
fails with "new route … has no entry in the authorisation matrix"; an entry whose route is gone
fails too. An entry is one or more *scenarios*: which target fills the URL's arguments
(:class:`tests.integration.web.authz_site.Target`), the body of a POST, and what each caller
gets:

- ``ok``: 2xx or 3xx, other than a redirect to the login page;
- ``login``: pages redirect to ``/login``; the API answers 401;
- ``forbidden``: 403;
- ``hidden``: 404 where the app hides on purpose that the thing exists (someone else's caught
  mail);
- a number: that status — a state only someone allowed may learn (409 while a trail is being
  made, an export not ready, a decision that was not taken by email; 400 for an empty reply).

No caller ever gets a 500 (a raised exception fails the case too).

The callers (who they are: :mod:`tests.integration.web.authz_site`): anonymous (no session, no
token), stranger, participant (approved an earlier task), assignee (holds the URL's task),
deputy, initiator, auditor (role ``auditor``), administrator (role ``admin``). Pages are
opened with a session, the API with a Bearer token. CSRF is off here (its own tests cover it).

Shared state and order. The app is built once per module. Routes that only read, and every
refusal, use shared instances made once (``running``: Boris's task open; ``completed``;
``emailed``: Boris's task decided by an email; ``oscars``: the stranger's own); a refused POST,
or one answered with a state (409), must leave the shared instance's audit chain head where it
was, which the test checks.
A POST that an allowed caller makes succeed (decide, withdraw, reopen, resubmit, reassign,
report a decision, revoke a token) runs on a ``fresh …`` target made for that one case, for
every caller, so no case depends on another's order. The rest add rows nobody else reads (a new
instance, token, export, a login, a logout — the session of a later case is made under the
caller's new session version).

Refusal comes first. Each refused POST is also sent with an empty body (no form fields; the
JSON ``{}``): a caller who may not act must get the same refusal, never a 400 or 409 that
speaks of the body or of the instance (:func:`test_a_refusal_comes_before_the_body_is_read`).

Known holes are marked on their entry (``bugs`` / ``empty_bugs``) and run as
``xfail(strict=True)``: the suite stays green, and the day one is fixed its case says so.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.test import TestResponse

from accounting import statements as bank_statements
from approvals.clock import utcnow
from approvals.core.policy import Actor
from approvals.records import webhooks
from approvals.store.db import write_session
from approvals.store.models import Notification, OutboxItem, Person
from hr import company_days, feeds
from hr.models import VacationPlanEntry
from tests.integration.flows import contract_fields
from tests.integration.web.authz_site import (
    CLARA,
    CONTRACT,
    IVAN,
    OSCAR,
    PASSWORD,
    Site,
    Target,
    built_site,
    contract_form,
)
from tests.unit.accounting.bankfiles import Line, statement
from web import create_app

CALLERS = ("anonymous", "stranger", "participant", "assignee", "deputy", "initiator",
           "auditor", "administrator")
OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", "forbidden", "hidden"
REFUSALS = (LOGIN, FORBIDDEN, HIDDEN)
Outcome = str | int

#: Dora deputises as issue 13 has it: a task meant for someone away goes to their deputy, and is
#: then the deputy's own (its assignee is the deputy; it records whom it was meant for), so she
#: decides, answers and reads it as its assignee. A task opened for Boris before he went away
#: stays Boris's until it is handed over (which makes her its assignee): being named someone's
#: deputy opens none of their tasks to her. Boris is not away here, so on his task the deputy
#: gets what a stranger gets.
DEPUTY_AS = "stranger"

READERS = ("participant", "assignee", "initiator", "auditor", "administrator")
AUDITORS = ("auditor", "administrator")
EVERYONE = CALLERS[1:]


def allow(*who: str, ok: Outcome = OK, others: Outcome = FORBIDDEN,
          anonymous: Outcome = LOGIN) -> dict[str, Outcome]:
    """``who`` get ``ok``, the other logged-in callers ``others``, nobody ``anonymous``; the
    deputy as :data:`DEPUTY_AS` unless named."""
    expect = {caller: (ok if caller in who else others) for caller in EVERYONE}
    if "deputy" not in who:
        expect["deputy"] = expect[DEPUTY_AS]
    return {"anonymous": anonymous, **expect}


Args = Callable[[Site, Target], dict[str, Any]]


@dataclass(frozen=True)
class Scenario:
    target: str  # "site", "running", "completed", "emailed", "fresh <kind>" (authz_site)
    expect: dict[str, Outcome]
    args: Args = lambda site, t: {}  # noqa: E731
    body: Callable[[Site, Target], dict[str, Any]] | None = None
    bugs: dict[str, str] = field(default_factory=dict)  # caller -> why it is an xfail
    empty_bugs: dict[str, str] = field(default_factory=dict)  # the same, with an empty body


def instance(site: Site, t: Target) -> dict[str, Any]:
    return {"instance_id": t.instance}


def task(site: Site, t: Target) -> dict[str, Any]:
    return {"task_id": t.task}


def reason(text: str) -> Callable[[Site, Target], dict[str, Any]]:
    return lambda site, t: {"confirm": "1", "reason": text}


def api_reason(text: str) -> Callable[[Site, Target], dict[str, Any]]:
    return lambda site, t: {"reason": text}


EXPORT_DATES = {"from": "2026-01-01", "to": "2026-12-31"}

# The holes the matrix found (see the module's docstring): each refused caller they hit.
# None is open now: pages withdraw and reopen, and the API's decision and reassign, ask who the
# caller is before they read the body. A new one goes on its scenario's ``bugs`` (or
# ``empty_bugs``) as caller -> why, and runs as xfail(strict=True).


def task_answer(verdict: str) -> Args:
    return lambda site, t: {"task_id": t.task, "verdict": verdict}


def document_of(site: Site, t: Target) -> dict[str, Any]:
    return {"instance_id": t.instance, "document_id": t.document}


def export(site: Site, t: Target) -> dict[str, Any]:
    return {"export_id": site.export}


def inbound(site: Site, t: Target) -> dict[str, Any]:
    return {"message_id": site.inbound}


def caught(site: Site, t: Target) -> dict[str, Any]:
    return {"key": site.mail_key}


def token(site: Site, t: Target) -> dict[str, Any]:
    return {"token_id": t.token}


def absence(site: Site, t: Target) -> dict[str, Any]:
    return {"absence_id": t.absence}


def days_away(offset: int) -> Callable[[Site, Target], dict[str, Any]]:
    """Days away far ahead (nobody's task is routed by them), naming Clara as the deputy;
    ``offset`` keeps the page's and the API's ranges of one caller apart."""
    first = utcnow().date() + timedelta(days=offset)
    return lambda site, t: {"from": first.isoformat(), "deputy": CLARA,
                            "to": (first + timedelta(days=2)).isoformat()}


def start(site: Site, t: Target) -> dict[str, Any]:
    return {"process_id": CONTRACT}


def verdict(name: str, comment: str = "") -> Callable[[Site, Target], dict[str, Any]]:
    return lambda site, t: {"verdict": name, "comment": comment}


def bulk_form(site: Site, t: Target) -> dict[str, Any]:
    return {"task": str(t.task), "verdict": "approve"}


def bulk_body(site: Site, t: Target) -> dict[str, Any]:
    return {"decisions": [{"task": t.task, "verdict": "approve"}]}


def webhook_endpoint(site: Site, t: Target) -> dict[str, Any]:
    """A webhook endpoint of its own for each case (subscribed to an event nothing here
    records; nothing is ever delivered to it)."""
    return {"endpoint_id": webhooks.register(
        site.db, url="http://127.0.0.1:9/matrix", description="matrix",
        events=["payment.recorded"], allow_private=True,
        person_id=site.ids["ada@example.com"], now=utcnow()).endpoint_id}


def webhook_message(site: Site, t: Target) -> dict[str, Any]:
    """A test event (ping) written for an endpoint of its own."""
    endpoint = webhook_endpoint(site, t)["endpoint_id"]
    return {"item_id": webhooks.ping(site.db, endpoint, {}, utcnow())}


def ivans_notice(site: Site, t: Target) -> dict[str, Any]:
    """A notification of Ivan's of its own for each case (only he may see or mark it)."""
    with write_session(site.db) as s:
        item = OutboxItem(kind="notify", payload={}, state="done", created_at=utcnow())
        s.add(item)
        s.flush()
        note = Notification(outbox_item_id=item.id, person_id=site.ids[IVAN],
                            template="instance_completed", params={"title": "matrix"},
                            created_at=utcnow())
        s.add(note)
        s.flush()
        return {"note_id": note.id}


def bank_statement(site: Site, t: Target) -> dict[str, Any]:
    """A bank statement imported by Ada (once per site): one debit line that matches nothing."""
    if not hasattr(site, "bank_statement"):
        site.bank_statement = bank_statements.import_statement(
            site.db, "kl_to_1c.txt", _statement_file(), site.ids["ada@example.com"],
            utcnow()).statement_id
    return {"statement_id": site.bank_statement}


def _statement_file() -> bytes:
    return statement([Line("1", "01.12.2026", "100.00", "7733012345", "Счёт 1")])


def statement_upload(site: Site, t: Target) -> dict[str, Any]:
    return {"statement": (io.BytesIO(_statement_file()), "kl_to_1c.txt")}


#: the company's days the HR calendar cases set: far ahead, so no deadline here counts with them
_CALENDAR_DAYS = iter(range(1000))


def company_day(site: Site, t: Target) -> dict[str, Any]:
    """A company day of its own for each case (set here, removed by the case if allowed)."""
    day = date(2099, 1, 1) + timedelta(days=next(_CALENDAR_DAYS))
    company_days.add(site.db, [company_days.Entry(day, "day_off", "matrix", 1)], None, utcnow())
    return {"day": day.isoformat()}


def calendar_upload(site: Site, t: Target) -> dict[str, Any]:
    return {"file": (io.BytesIO(b"date,kind,reason\n2098-12-01,day_off,matrix\n"), "days.csv")}


_HR_PEOPLE = itertools.count(1)


def hr_person_form(email: str) -> dict[str, Any]:
    return {"name": "Matrix Person", "email": email, "locale": "en", "position": "",
            "department": "", "department_new": "Matrix", "manager": "", "hire_date": "",
            "employment": "active", "time_zone": "Europe/Moscow", "roles": ""}


def hr_person(site: Site, t: Target) -> dict[str, Any]:
    """A person of their own for each case, for HR's form to edit."""
    site.hr_person_email = f"matrix-{next(_HR_PEOPLE)}@example.com"
    with write_session(site.db) as session:
        person = Person(email=site.hr_person_email, name="Matrix Person")
        session.add(person)
        session.flush()
        return {"person_id": person.id}


def ivan_person(site: Site, t: Target) -> dict[str, Any]:
    """Ivan (the initiator): his leave statement."""
    return {"person_id": site.ids[IVAN]}


_PLAN_DAYS = itertools.count(0)


def plan_entry(site: Site, t: Target) -> dict[str, Any]:
    """A vacation plan part of Ivan's of its own for each case (a day of 2040, never twice)."""
    day = date(2040, 1, 1) + timedelta(days=next(_PLAN_DAYS))
    with write_session(site.db) as session:
        entry = VacationPlanEntry(person_id=site.ids[IVAN], year=2040, starts_on=day,
                                  ends_on=day, created_at=utcnow())
        session.add(entry)
        session.flush()
        return {"entry_id": entry.id}


_PLAN_YEARS = itertools.count(2041)


def plan_proposal(site: Site, t: Target) -> dict[str, Any]:
    """A part of the caller's plan, in a year of its own for each case (nothing overlaps)."""
    return {"year": str(year := next(_PLAN_YEARS)), "part1_from": f"{year}-03-01",
            "part1_to": f"{year}-03-14"}


def calendar_feed(site: Site, t: Target) -> dict[str, Any]:
    """A feed of Ivan's own absences, made for each case: its id (to revoke) and token."""
    made, token = feeds.create(site.db, Actor.of(site.ids[IVAN]), scope="person",
                               now=utcnow())
    return {"feed_id": made.id, "token": token}


REOPEN = {"reason": "Signed after all", "stage": "approval"}
REVISED = {"counterparty": "Acme LLC"}  # what the initiator changes when resubmitting

#: Everyone logged in, and the anonymous caller too.
ANYONE = {caller: OK for caller in CALLERS}
#: Oscar's own contract with the running one's document: Oscar reads his instance but the
#: document is not in it (404), so do auditors and administrators; the others read neither
#: (403) — the deputy too, standing in for Boris, who has no part in Oscar's contract.
WRONG_INSTANCE = {**allow("stranger", *AUDITORS, ok=HIDDEN), "deputy": FORBIDDEN}

TABLE: dict[tuple[str, str], list[Scenario]] = {
    # ------------------------------------------------------------------------ pages
    ("GET", "/"): [Scenario("site", allow(*EVERYONE))],
    ("GET", "/done"): [Scenario("site", allow(*EVERYONE))],  # each their own list
    ("GET", "/started"): [Scenario("site", allow(*EVERYONE))],
    ("GET", "/watching"): [Scenario("site", allow(*EVERYONE))],
    ("GET", "/login"): [Scenario("site", ANYONE)],  # a logged-in caller is sent on to "/"
    ("POST", "/login"): [  # anyone may log in (as Oscar here; each case has its own browser)
        Scenario("site", ANYONE, body=lambda s, t: {"email": OSCAR, "password": PASSWORD})],
    # everyone, logged in or not, is sent to the login page (303): nothing to refuse
    ("POST", "/logout"): [Scenario("site", dict.fromkeys(CALLERS, 303))],
    # one's own language and time zone (everyone here is English, without a zone: kept so);
    # the header's language switch works logged in or not (a visitor's goes in the session)
    ("GET", "/settings"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/settings"): [
        Scenario("site", allow(*EVERYONE), body=lambda s, t: {"locale": "en", "time_zone": ""})],
    ("POST", "/language"): [
        Scenario("site", dict.fromkeys(CALLERS, 303), body=lambda s, t: {"locale": "en",
                                                                            "next": "/"})],
    ("GET", "/processes"): [Scenario("site", allow(*EVERYONE))],
    ("GET", "/processes/<process_id>/start"): [Scenario("site", allow(*EVERYONE), args=start)],
    ("POST", "/processes/<process_id>/start"): [
        Scenario("site", allow(*EVERYONE), args=start, body=lambda s, t: contract_form())],
    ("GET", "/tasks/<row:task_id>"): [Scenario("running", allow(*READERS), args=task)],
    ("POST", "/tasks/<row:task_id>/decide"): [
        Scenario("fresh running", allow("assignee"), args=task, body=verdict("approve")),
        # decided already: only the assignee learns it (409)
        Scenario("completed", allow("assignee", ok=409), args=task, body=verdict("approve"))],
    # a bulk decision: anyone logged in may send one; each task in it is checked as the
    # single decision checks it (someone else's fails in its item, the answer is still 200)
    ("POST", "/tasks/bulk"): [
        Scenario("fresh running", allow(*EVERYONE), body=bulk_form),
        # decided already: every item fails, for each its own reason, and nothing changes
        Scenario("completed", allow(*EVERYONE, ok=200), body=bulk_form)],
    ("GET", "/tasks/<row:task_id>/answer/<verdict>"): [
        Scenario("running", allow("assignee"), args=task_answer("approve")),
        Scenario("completed", allow("assignee", ok=409), args=task_answer("approve"))],
    ("GET", "/tasks/<row:task_id>/not-me"): [Scenario("emailed", allow("assignee"), args=task)],
    ("POST", "/tasks/<row:task_id>/not-me"): [
        Scenario("fresh emailed", allow("assignee"), args=task),
        # a decision not taken by email: only the assignee learns it (409)
        Scenario("running", allow("assignee", ok=409), args=task)],
    ("GET", "/instances/<row:instance_id>"): [
        Scenario("running", allow(*READERS), args=instance)],
    # who answered a stage of many people: its initiator, auditors and administrators only
    ("GET", "/instances/<row:instance_id>/acknowledgements"): [
        Scenario("running", allow("initiator", *AUDITORS), args=instance)],
    ("GET", "/instances/<row:instance_id>/acknowledgements.json"): [
        Scenario("running", allow("initiator", *AUDITORS), args=instance)],
    ("GET", "/instances/<row:instance_id>/acknowledgements.csv"): [
        Scenario("running", allow("initiator", *AUDITORS), args=instance)],
    ("POST", "/instances/<row:instance_id>/withdraw"): [
        Scenario("fresh running", allow("initiator", "administrator"), args=instance,
                 body=reason("No longer needed")),
        # over already: only those who may withdraw learn it (409)
        Scenario("completed", allow("initiator", "administrator", ok=409), args=instance,
                 body=reason("No longer needed"))],
    # the discussion: its participants and administrators comment while it runs; on an ended
    # one only they learn that its record is closed (409)
    ("POST", "/instances/<row:instance_id>/comments"): [
        Scenario("fresh running", allow("participant", "assignee", "initiator", "administrator"),
                 args=instance, body=lambda s, t: {"text": "Is clause 3 final?"}),
        Scenario("completed", allow("participant", "assignee", "initiator", "administrator",
                                    ok=409), args=instance,
                 body=lambda s, t: {"text": "Is clause 3 final?"})],
    ("POST", "/instances/<row:instance_id>/reopen"): [
        Scenario("fresh withdrawn", allow("administrator"), args=instance,
                 body=lambda s, t: {**reason("Signed after all")(s, t), **REOPEN}),
        # completed, its signed trail not made yet (no worker runs): 409 to the administrator
        Scenario("completed", allow("administrator", ok=409), args=instance,
                 body=lambda s, t: {**reason("Signed after all")(s, t), **REOPEN})],
    ("POST", "/instances/<row:instance_id>/resubmit"): [
        Scenario("fresh revision", allow("initiator"), args=instance,
                 body=lambda s, t: {**REVISED, "_comment": "Clause 3 fixed"}),
        # not sent back: only the initiator learns it (409)
        Scenario("running", allow("initiator", ok=409), args=instance,
                 body=lambda s, t: {**REVISED, "_comment": "Clause 3 fixed"})],
    ("GET", "/instances/<row:instance_id>/trail.pdf"): [
        # a provisional trail, being made by the worker (none runs here): 202 to its readers
        Scenario("running", allow(*READERS, ok=202), args=instance),
        # the signed trail not made yet: 409 to its readers
        Scenario("completed", allow(*READERS, ok=409), args=instance)],
    ("GET", "/documents/<row:doc_id>"): [
        Scenario("running", allow(*READERS), args=lambda s, t: {"doc_id": t.document})],
    # its previews refuse whom the download refuses (web/documents.py); the running contract's
    # file starts as a PDF and is not one, so a reader learns there is no image of it (404)
    ("GET", "/documents/<row:doc_id>/preview"): [
        Scenario("running", allow(*READERS), args=lambda s, t: {"doc_id": t.document})],
    ("GET", "/documents/<row:doc_id>/image"): [
        Scenario("running", allow(*READERS, ok=404), args=lambda s, t: {"doc_id": t.document})],
    ("GET", "/documents/<row:doc_id>/pages/<int(min=1, max=100):page>"): [
        Scenario("running", allow(*READERS, ok=404),
                 args=lambda s, t: {"doc_id": t.document, "page": 1})],
    ("GET", "/instances/<row:instance_id>/fields/<field>/compare"): [
        Scenario("running", allow(*READERS), args=lambda s, t: {"instance_id": t.instance,
                                                                "field": "contract"})],
    ("GET", "/tokens"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/tokens"): [  # one's own token: anyone logged in
        Scenario("site", allow(*EVERYONE), body=lambda s, t: {"label": "matrix", "days": "30"})],
    ("POST", "/tokens/<row:token_id>/revoke"): [  # an API token of Ivan's
        Scenario("fresh token", allow("initiator", "administrator"), args=token)],
    # days away: everyone their own; cancelling and handing over Ivan's (far ahead, each case
    # its own days): Ivan and administrators
    # notifications: everyone their own; one of Ivan's is nobody else's to see (404)
    ("GET", "/notifications"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/notifications/read"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/notifications/<row:note_id>/read"): [
        Scenario("site", allow("initiator", others=HIDDEN), args=ivans_notice)],
    ("POST", "/notifications/<row:note_id>/open"): [
        Scenario("site", allow("initiator", others=HIDDEN), args=ivans_notice)],
    ("GET", "/away"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/away"): [Scenario("site", allow(*EVERYONE), body=days_away(400))],
    ("POST", "/away/<row:absence_id>/cancel"): [
        Scenario("fresh absence", allow("initiator", "administrator"), args=absence)],
    ("POST", "/away/<row:absence_id>/handover"): [
        Scenario("fresh absence", allow("initiator", "administrator"), args=absence)],
    ("POST", "/tasks/<row:task_id>/reassign"): [
        Scenario("fresh running", allow("assignee", "administrator"), args=task,
                 body=lambda s, t: {"to": CLARA, "comment": "Clara knows this one"}),
        # decided already: only those who may reassign learn it (409)
        Scenario("completed", allow("assignee", "administrator", ok=409), args=task,
                 body=lambda s, t: {"to": CLARA, "comment": "Clara knows this one"})],
    # ------------------------------------------------------------------------ audit
    ("GET", "/audit"): [Scenario("site", allow(*AUDITORS))],
    # reports: auditors and administrators (a department's head too: nobody here heads one)
    ("GET", "/reports"): [Scenario("site", allow(*AUDITORS))],
    ("GET", "/reports.csv"): [Scenario("site", allow(*AUDITORS))],
    ("GET", "/audit/organisation.cert.pem"): [Scenario("site", allow(*AUDITORS))],
    ("POST", "/audit/exports"): [
        Scenario("site", allow(*AUDITORS), body=lambda s, t: dict(EXPORT_DATES))],
    ("GET", "/audit/exports/<row:export_id>"): [Scenario("site", allow(*AUDITORS), args=export)],
    ("GET", "/audit/exports/<row:export_id>/progress"): [
        Scenario("site", allow(*AUDITORS), args=export)],
    # not ready (no worker runs): only an auditor learns it (409)
    ("GET", "/audit/exports/<row:export_id>/download"): [
        Scenario("site", allow(*AUDITORS, ok=409), args=export)],
    # ------------------------------------------------------------------------ mail
    ("GET", "/dev/mail"): [Scenario("site", allow(*EVERYONE))],  # each their own mail
    # Boris's mail: someone else's is hidden (404), as if there were none
    ("GET", "/dev/mail/<key>"): [
        Scenario("site", allow("assignee", "administrator", others=HIDDEN), args=caught)],
    ("GET", "/dev/mail/<key>/html"): [
        Scenario("site", allow("assignee", "administrator", others=HIDDEN), args=caught)],
    # sent empty only: the reader gets 400 (nothing to send), no SMTP server needed
    ("POST", "/dev/mail/<key>/reply"): [
        Scenario("site", allow("assignee", "administrator", ok=400, others=HIDDEN),
                 args=caught, body=lambda s, t: {})],
    ("GET", "/admin/mail"): [Scenario("site", allow("administrator"))],
    ("GET", "/admin/mail/<row:message_id>"): [
        Scenario("site", allow("administrator"), args=inbound)],
    ("GET", "/admin/mail/<row:message_id>/raw"): [
        Scenario("site", allow("administrator"), args=inbound)],
    ("POST", "/admin/mail/outbox/<row:item_id>/resend"): [  # the running one's first mail
        Scenario("site", allow("administrator"), args=lambda s, t: {"item_id": s.outbox})],
    ("GET", "/admin/logins"): [Scenario("site", allow("administrator"))],
    ("GET", "/admin/doctor"): [Scenario("site", allow("administrator"))],
    # webhooks: administrators only, each case on an endpoint (or a message) of its own
    ("GET", "/admin/webhooks"): [Scenario("site", allow("administrator"))],
    ("POST", "/admin/webhooks"): [Scenario("site", allow("administrator"), body=lambda s, t: {
        "url": "http://127.0.0.1:9/matrix", "events": "task.decided", "allow_private": "1"})],
    ("GET", "/admin/webhooks/<row:endpoint_id>"): [
        Scenario("site", allow("administrator"), args=webhook_endpoint)],
    ("POST", "/admin/webhooks/<row:endpoint_id>/secret"): [
        Scenario("site", allow("administrator"), args=webhook_endpoint)],
    ("POST", "/admin/webhooks/<row:endpoint_id>/active"): [
        Scenario("site", allow("administrator"), args=webhook_endpoint,
                 body=lambda s, t: {"active": "0"})],
    ("POST", "/admin/webhooks/<row:endpoint_id>/ping"): [
        Scenario("site", allow("administrator"), args=webhook_endpoint)],
    ("POST", "/admin/webhooks/<row:endpoint_id>/delete"): [
        Scenario("site", allow("administrator"), args=webhook_endpoint,
                 body=lambda s, t: {"confirm": "yes"})],
    ("POST", "/admin/webhooks/messages/<row:item_id>/resend"): [
        Scenario("site", allow("administrator"), args=webhook_message)],
    # ------------------------------------------------------------------------ payments
    # the accountants' queue: accountants (nobody here) and administrators; an export with no
    # invoice chosen is refused (400) to the administrator only; confirming no line is a 303
    ("GET", "/payments"): [Scenario("site", allow("administrator"))],
    ("GET", "/payments/<any(queue, paid):what>.<any(csv, xlsx):fmt>"): [
        Scenario("site", allow("administrator"), args=lambda s, t: {"what": "queue",
                                                                   "fmt": "xlsx"}),
        Scenario("site", allow("administrator"), args=lambda s, t: {"what": "paid",
                                                                   "fmt": "csv"})],
    ("POST", "/payments/bank-file"): [Scenario("site", allow("administrator", ok=400))],
    ("POST", "/payments/statements"): [
        Scenario("site", allow("administrator"), body=statement_upload)],
    ("GET", "/payments/statements/<row:statement_id>"): [
        Scenario("site", allow("administrator"), args=bank_statement)],
    ("POST", "/payments/statements/<row:statement_id>/confirm"): [
        Scenario("site", allow("administrator"), args=bank_statement)],
    # ------------------------------------------------------------------------ HR's calendar
    # everyone logged in reads it; HR (nobody here) and administrators change the company's days
    ("GET", "/hr/calendar"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/hr/calendar/days"): [
        Scenario("site", allow("administrator"), body=lambda s, t: {
            "date": "2098-12-02", "kind": "shortened", "reason": "matrix"})],
    ("POST", "/hr/calendar/import"): [
        Scenario("site", allow("administrator"), body=calendar_upload)],
    ("POST", "/hr/calendar/days/<day>/remove"): [
        Scenario("site", allow("administrator"), args=company_day)],
    # ------------------------------------------------------------------------ HR's people
    # HR (nobody here) and administrators edit people and departments; anyone logged in
    # searches the directory for a person picker
    ("GET", "/hr/people"): [Scenario("site", allow("administrator"))],
    ("GET", "/hr/people/new"): [Scenario("site", allow("administrator"))],
    ("POST", "/hr/people/new"): [
        Scenario("site", allow("administrator"), body=lambda s, t: hr_person_form(
            f"matrix-{next(_HR_PEOPLE)}@example.com"))],
    ("GET", "/hr/people/<row:person_id>/edit"): [
        Scenario("site", allow("administrator"), args=lambda s, t: {
            "person_id": s.ids[CLARA]})],
    ("POST", "/hr/people/<row:person_id>/edit"): [
        Scenario("site", allow("administrator"), args=hr_person,
                 body=lambda s, t: hr_person_form(s.hr_person_email))],
    ("GET", "/hr/departments"): [Scenario("site", allow("administrator"))],
    ("POST", "/hr/departments"): [
        Scenario("site", allow("administrator"), body=lambda s, t: {
            "name": "Matrix", "head": "", "parent": ""})],
    ("GET", "/people/search"): [Scenario("site", allow(*EVERYONE))],
    # ------------------------------------------------------------------------ HR's schedule
    # the month and the plan: everyone logged in reads any department's (the kinds only where
    # the policy shows them); each proposes their own parts. Nobody here manages Ivan: his
    # part is decided by an administrator only (never by Ivan); HR (nobody here) and
    # administrators publish a plan; a feed is revoked by its owner or an administrator
    ("GET", "/hr/schedule"): [Scenario("site", allow(*EVERYONE))],
    ("GET", "/hr/plan"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/hr/plan"): [Scenario("site", allow(*EVERYONE), body=plan_proposal)],
    ("POST", "/hr/plan/<row:entry_id>/decide"): [
        Scenario("site", allow("administrator"), args=plan_entry,
                 body=lambda s, t: {"verdict": "approve"})],
    ("POST", "/hr/plan/<row:entry_id>/withdraw"): [
        Scenario("site", allow("initiator", "administrator"), args=plan_entry)],
    ("POST", "/hr/plan/publish"): [
        Scenario("site", allow("administrator"), body=lambda s, t: {
            "department": "Sales", "year": "2040"})],
    ("GET", "/hr/feeds"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/hr/feeds"): [Scenario("site", allow(*EVERYONE), body=lambda s, t: {
        "scope": "person"})],
    ("POST", "/hr/feeds/<row:feed_id>/revoke"): [
        Scenario("site", allow("initiator", "administrator"), args=calendar_feed)],
    # the feed itself: no login, the token is the key; a wrong one is 404 to everyone
    ("GET", "/feeds/<token>.ics"): [
        Scenario("site", ANYONE, args=calendar_feed),
        Scenario("site", dict.fromkeys(CALLERS, HIDDEN),
                 args=lambda s, t: {"token": "not-a-token-" + "x" * 40})],
    # ------------------------------------------------------------------------ HR's leave
    # a statement: the person (Ivan), their managers (nobody here), HR (nobody here) and
    # administrators; each reads their own at /hr/leave; corrections are HR's and admins'
    ("GET", "/hr/leave"): [Scenario("site", allow(*EVERYONE))],
    ("GET", "/hr/leave/<row:person_id>"): [
        Scenario("site", allow("initiator", "administrator"), args=ivan_person)],
    ("GET", "/hr/leave/<row:person_id>.csv"): [
        Scenario("site", allow("initiator", "administrator"), args=ivan_person)],
    ("POST", "/hr/leave/<row:person_id>/adjustments"): [
        Scenario("site", allow("administrator"), args=ivan_person, body=lambda s, t: {
            "leave_type": "annual", "amount": "1", "reason": "matrix"})],
    ("POST", "/hr/leave/<row:person_id>/overtime"): [
        Scenario("site", allow("administrator"), args=ivan_person, body=lambda s, t: {
            "hours": "1", "reason": "matrix"})],
    # ------------------------------------------------------------------------ the JSON API
    ("GET", "/api/openapi.json"): [Scenario("site", ANYONE)],  # no token needed
    ("GET", "/api/people"): [Scenario("site", allow(*EVERYONE))],
    ("GET", "/api/people/<row:person_id>/leave"): [
        Scenario("site", allow("initiator", "administrator"), args=ivan_person)],
    ("GET", "/api/payments"): [Scenario("site", allow("administrator"))],
    # reports: auditors and administrators (a department's head too: nobody here heads one)
    ("GET", "/api/reports"): [Scenario("site", allow(*AUDITORS))],
    ("GET", "/api/processes"): [Scenario("site", allow(*EVERYONE))],
    ("POST", "/api/instances"): [
        Scenario("site", allow(*EVERYONE), body=lambda s, t: {
            "process": CONTRACT, "fields": contract_fields([CLARA])})],
    ("GET", "/api/instances/<id:instance_id>"): [
        Scenario("running", allow(*READERS), args=instance)],
    ("POST", "/api/instances/<id:instance_id>/withdraw"): [
        Scenario("fresh running", allow("initiator", "administrator"), args=instance,
                 body=api_reason("No longer needed")),
        Scenario("completed", allow("initiator", "administrator", ok=409), args=instance,
                 body=api_reason("No longer needed"))],
    ("POST", "/api/instances/<id:instance_id>/comments"): [
        Scenario("fresh running", allow("participant", "assignee", "initiator", "administrator"),
                 args=instance, body=lambda s, t: {"text": "Is clause 3 final?"}),
        Scenario("completed", allow("participant", "assignee", "initiator", "administrator",
                                    ok=409), args=instance,
                 body=lambda s, t: {"text": "Is clause 3 final?"})],
    ("POST", "/api/instances/<id:instance_id>/reopen"): [
        Scenario("fresh withdrawn", allow("administrator"), args=instance,
                 body=lambda s, t: {**api_reason("Signed after all")(s, t), **REOPEN}),
        Scenario("completed", allow("administrator", ok=409), args=instance,
                 body=lambda s, t: {**api_reason("Signed after all")(s, t), **REOPEN})],
    ("POST", "/api/instances/<id:instance_id>/resubmit"): [
        Scenario("fresh revision", allow("initiator"), args=instance,
                 body=lambda s, t: {"comment": "Clause 3 fixed", "fields": dict(REVISED)}),
        Scenario("running", allow("initiator", ok=409), args=instance,
                 body=lambda s, t: {"comment": "Clause 3 fixed", "fields": dict(REVISED)})],
    ("GET", "/api/instances/<id:instance_id>/documents/<id:document_id>"): [
        Scenario("running", allow(*READERS), args=document_of),
        # the running one's document asked through Oscar's instance
        Scenario("oscars", WRONG_INSTANCE, args=document_of)],
    ("GET", "/api/instances/<id:instance_id>/fields/<field>/versions"): [
        Scenario("running", allow(*READERS), args=lambda s, t: {"instance_id": t.instance,
                                                                "field": "contract"})],
    ("GET", "/api/instances/<id:instance_id>/fields/<field>/compare"): [
        Scenario("running", allow(*READERS), args=lambda s, t: {"instance_id": t.instance,
                                                                "field": "contract"})],
    ("GET", "/api/instances/<id:instance_id>/trail.pdf"): [
        Scenario("running", allow(*READERS, ok=202), args=instance),
        Scenario("completed", allow(*READERS, ok=409), args=instance)],
    ("GET", "/api/tasks"): [Scenario("site", allow(*EVERYONE))],  # each their own
    ("GET", "/api/tasks/done"): [Scenario("site", allow(*EVERYONE))],  # each their own
    # each their own; without started_by=me or watching=me it is a 400 (api/test_lists.py)
    ("GET", "/api/instances"): [Scenario("site", allow(*EVERYONE, ok=400))],
    ("POST", "/api/tasks/<id:task_id>/decision"): [
        Scenario("fresh running", allow("assignee"), args=task, body=verdict("approve")),
        Scenario("completed", allow("assignee", ok=409), args=task, body=verdict("approve"))],
    ("POST", "/api/tasks/decisions"): [  # per item, as the page's bulk decision
        Scenario("fresh running", allow(*EVERYONE), body=bulk_body),
        Scenario("completed", allow(*EVERYONE, ok=200), body=bulk_body)],
    ("GET", "/api/me/absences"): [Scenario("site", allow(*EVERYONE))],  # each their own
    ("GET", "/api/notifications"): [Scenario("site", allow(*EVERYONE))],  # each their own
    ("POST", "/api/notifications/read"): [
        Scenario("site", allow(*EVERYONE), body=lambda s, t: {})],
    ("POST", "/api/notifications/<id:note_id>/read"): [
        Scenario("site", allow("initiator", others=HIDDEN), args=ivans_notice)],
    ("POST", "/api/me/absences"): [Scenario("site", allow(*EVERYONE, ok=201),
                                            body=days_away(500))],
    ("DELETE", "/api/me/absences/<id:absence_id>"): [
        Scenario("fresh absence", allow("initiator", "administrator"), args=absence)],
    ("POST", "/api/tasks/<id:task_id>/reassign"): [
        Scenario("fresh running", allow("assignee", "administrator"), args=task,
                 body=lambda s, t: {"to": CLARA}),
        # decided already: only those who may reassign learn it (409)
        Scenario("completed", allow("assignee", "administrator", ok=409), args=task,
                 body=lambda s, t: {"to": CLARA})],
    ("POST", "/api/exports"): [
        Scenario("site", allow(*AUDITORS), body=lambda s, t: dict(EXPORT_DATES))],
    ("GET", "/api/exports/<id:export_id>"): [Scenario("site", allow(*AUDITORS), args=export)],
    ("GET", "/api/exports/<id:export_id>/download"): [
        Scenario("site", allow(*AUDITORS, ok=409), args=export)],
}

# ---------------------------------------------------------------------------- the URL map


def url_map_routes() -> list[tuple[str, str]]:
    """(method, rule) of every route the app serves, ``static`` aside."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    try:
        return sorted((method, rule.rule) for rule in app.url_map.iter_rules()
                      if rule.endpoint != "static"
                      for method in rule.methods - {"HEAD", "OPTIONS"})
    finally:
        app.extensions["signoff.db"].dispose()


ROUTES = url_map_routes()


@dataclass(frozen=True)
class Case:
    method: str
    rule: str
    scenario: Scenario | None = None
    caller: str = ""
    empty: bool = False  # sent with an empty body

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")


def _param(case: Case, reason: str | None) -> Any:
    name = f"{case.method} {case.rule}"
    if case.scenario is not None:
        name += f" [{case.scenario.target}] {case.caller}"
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=name, marks=marks)


def _cases(routes: list[tuple[str, str]] = ROUTES) -> Iterator[Any]:
    for method, rule in routes:
        scenarios = TABLE.get((method, rule))
        if scenarios is None:  # fails in the test, naming the route
            yield _param(Case(method, rule), None)
            continue
        for scenario in scenarios:
            assert set(scenario.expect) == set(CALLERS), (method, rule, scenario.target)
            for caller in CALLERS:
                yield _param(Case(method, rule, scenario, caller), scenario.bugs.get(caller))


def _empty_cases() -> Iterator[Any]:
    for method, rule in ROUTES:
        if method != "POST" or (method, rule) not in TABLE:
            continue
        for scenario in TABLE[(method, rule)]:
            for caller in CALLERS:
                if scenario.expect[caller] in REFUSALS:
                    yield _param(Case(method, rule, scenario, caller, empty=True),
                                 scenario.empty_bugs.get(caller))


# ---------------------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory, redis_url: str, app_broker,
           org_keys) -> Iterator[Site]:
    with built_site(tmp_path_factory, "authz", redis_url, org_keys) as site:
        yield site


_ARG = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def _url(rule: str, args: dict[str, Any]) -> str:
    return _ARG.sub(lambda m: str(args[m.group(1)]), rule)


def _send(site: Site, case: Case, target: Target) -> tuple[str, TestResponse]:
    scenario = case.scenario
    url = _url(case.rule, scenario.args(site, target))
    body = {} if case.empty else (scenario.body(site, target) if scenario.body else None)
    try:
        if case.api:
            kwargs = {"json": body} if body is not None else {}
            return url, site.app.test_client().open(
                url, method=case.method, headers=site.bearer(case.caller), **kwargs)
        kwargs = {"data": body} if body is not None else {}
        return url, site.client(case.caller).open(url, method=case.method, **kwargs)
    except Exception as error:  # propagated by TESTING: what a browser would see as a 500
        pytest.fail(f"{case.caller}: {case.method} {url} raised (a 500): {error!r}")


def _to_login(response: TestResponse) -> bool:
    return response.status_code in (301, 302, 303, 307, 308) and \
        urlsplit(response.headers.get("Location", "")).path == "/login"


def _meets(expected: Outcome, response: TestResponse, api: bool) -> bool:
    status = response.status_code
    if expected == LOGIN:
        return status == 401 if api else _to_login(response)
    if expected == OK:
        return 200 <= status < 400 and not _to_login(response)
    if expected == FORBIDDEN:
        return status == 403
    if expected == HIDDEN:
        return status == 404
    return status == expected


def _require_entry(case: Case) -> None:
    if case.scenario is None:
        pytest.fail(f"new route {case.method} {case.rule} has no entry in the authorisation "
                    f"matrix: add it to TABLE in {__name__}, with what each kind of caller "
                    f"gets", pytrace=False)


def _check(site: Site, case: Case) -> None:
    scenario = case.scenario
    expected = scenario.expect[case.caller]
    target = site.target(scenario.target)
    shared = not scenario.target.startswith("fresh ") and target.instance
    before = site.audit_head(target.instance) if shared else None
    url, response = _send(site, case, target)
    shown = f"{response.status_code} {response.headers.get('Location', '')}".strip()
    where = f"{case.caller}: {case.method} {url}{' (empty body)' if case.empty else ''}"
    assert response.status_code < 500, f"{where} answered {shown}: {response.text[:300]}"
    assert _meets(expected, response, case.api), \
        f"{where}: expected {expected}, got {shown}: {response.text[:300]}"
    if shared and (expected in REFUSALS or isinstance(expected, int)):
        assert site.audit_head(target.instance) == before, f"{where} changed the instance"


# ---------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("case", list(_cases()))
def test_the_matrix(matrix: Site, case: Case) -> None:
    _require_entry(case)
    _check(matrix, case)


@pytest.mark.parametrize("case", list(_empty_cases()))
def test_a_refusal_comes_before_the_body_is_read(matrix: Site, case: Case) -> None:
    _check(matrix, case)


def test_every_entry_of_the_matrix_is_a_route() -> None:
    gone = sorted(set(TABLE) - set(ROUTES))
    assert not gone, f"the authorisation matrix has entries for routes the app no longer " \
                     f"serves: {gone}"


def test_a_route_missing_from_the_matrix_fails_naming_it() -> None:
    """The guard itself: a route the table does not know yields one case, which fails."""
    [param] = list(_cases([("POST", "/brand-new/<int:thing>")]))
    with pytest.raises(pytest.fail.Exception, match=re.escape(
            "new route POST /brand-new/<int:thing> has no entry in the authorisation matrix")):
        _require_entry(param.values[0])
