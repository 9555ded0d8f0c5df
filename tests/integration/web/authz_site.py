"""The site the authorisation matrix (:mod:`.test_authorization_matrix`) runs against: one app
per module on an SQLite file, CSRF off (it is tested elsewhere), the shipped processes, a
directory with one person for each kind of caller, and the things the URLs name — instances in
the states the routes need, a document, an export, a stored inbound message, an outbox row and
a caught mail.

Every instance is a contract Ivan (the *initiator*) started for Anna and Boris to approve; Anna
(the *participant*) approved at once, so she took part but holds nothing open; Boris (the
*assignee*) holds the task the URL names — open on a running instance, decided (by him) on the
others. Oscar (the *stranger*) and Dora (the *deputy*, see the test module) have no part in
any; Audrey is an auditor, Ada an administrator; Clara is nobody's caller, only the person a
task is handed to or a new contract is sent to.

Pages are opened with a session made as the login makes it (person id and session version);
the JSON API with one Bearer token per caller.
"""

from __future__ import annotations

import io
import mailbox
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.config.mail import MailSettings
from approvals.records import deputies, exports
from approvals.store import registry
from approvals.store.db import read_session, upgrade, write_session
from approvals.store.directory import import_people, issue_token, set_password
from approvals.store.maildir import ENVELOPE_HEADER
from approvals.store.models import ApiToken, AuditEvent, Document, OutboxItem, Person, Task
from mail import inbox
from tests.integration.flows import contract_fields
from web import create_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
#: Argon2 as cheap as it goes: only POST /login checks a password.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
ivan@example.com,Ivan Initiator,en,,Sales,,
anna@example.com,Anna Approver,en,,Legal,,
boris@example.com,Boris Approver,en,,Finance,,
clara@example.com,Clara Colleague,en,,Finance,,
oscar@example.com,Oscar Outsider,en,,Warehouse,,
dora@example.com,Dora Deputy,en,,Finance,,
audrey@example.com,Audrey Auditor,en,,Audit,auditor,
ada@example.com,Ada Admin,en,,IT,admin,
"""

#: Who each kind of caller is ("anonymous" is nobody).
CALLER_EMAIL = {
    "stranger": "oscar@example.com",
    "participant": "anna@example.com",
    "assignee": "boris@example.com",
    "deputy": "dora@example.com",
    "initiator": "ivan@example.com",
    "auditor": "audrey@example.com",
    "administrator": "ada@example.com",
}
IVAN, ANNA, BORIS = "ivan@example.com", "anna@example.com", "boris@example.com"
CLARA, OSCAR = "clara@example.com", "oscar@example.com"
CONTRACT = "contract-approval"

#: Environment the site needs no trace of: the catcher (no relay) is the embedded default.
UNSET = ("SMTP_HOST", "SMTP_PORT", "MAIL_DOMAIN", "INBOUND_SMTP_HOST", "INBOUND_SMTP_PORT",
         "SIGNOFF_TRAILS_DIR")


@dataclass(frozen=True)
class Target:
    """What a route's URL arguments are filled from."""

    instance: int = 0
    task: int = 0  # the assignee's (Boris's) task
    document: int = 0
    token: int = 0  # an API token of the initiator's
    absence: int = 0  # days away of the initiator's, far ahead


class Site:
    def __init__(self, tmp: Path, var: Path, keys: Path, redis_url: str) -> None:
        shutil.copytree(keys, var / "keys")
        url = f"sqlite:///{tmp / 'signoff.db'}"
        upgrade(url)
        self.app: Flask = create_app({
            "TESTING": True, "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
        self.db = self.app.extensions["signoff.db"]
        now = utcnow()  # tokens are judged by the real clock
        with write_session(self.db) as s:
            import_people(s, PEOPLE)
            processes, _errors = registry.load_all()  # a broken file elsewhere: not ours
            assert CONTRACT in {p.id for p in processes}
            registry.sync(s, processes, NOW)
            people = {p.email: p for p in s.exec(select(Person)).all()}
            set_password(people[OSCAR], PASSWORD)
            s.add(people[OSCAR])
            self.ids = {email: person.id for email, person in people.items()}
            self.tokens = {caller: issue_token(s, people[email], now)
                           for caller, email in CALLER_EMAIL.items()}
        self._shared: dict[str, Target] = {}
        running = self.target("running")  # the rows below hang off it
        self.export = exports.create(self.db, self.ids["audrey@example.com"],
                                     {"from": "2026-01-01", "to": "2026-12-31"}, now).id
        self.inbound = inbox.store(self.db, _reply(), channel="smtp", now=now,
                                   envelope_from=BORIS,
                                   envelope_to=["reply+abcdefghijklmnop@signoff.localhost"])
        with read_session(self.db) as s:
            self.outbox = s.exec(select(OutboxItem.id).where(
                OutboxItem.instance_id == running.instance).order_by(OutboxItem.id)).first()
        assert self.outbox is not None
        self.mail_key = _catch(_task_mail(BORIS))

    # ------------------------------------------------------------------------ callers

    def client(self, caller: str) -> FlaskClient:
        """A browser: anonymous, or with the session the login page would have made."""
        client = self.app.test_client()
        if caller != "anonymous":
            with read_session(self.db) as s:
                person = s.get(Person, self.ids[CALLER_EMAIL[caller]])
            with client.session_transaction() as session:
                session["person_id"] = person.id
                session["session_version"] = person.session_version
        return client

    def bearer(self, caller: str) -> dict[str, str]:
        return {} if caller == "anonymous" else {
            "Authorization": f"Bearer {self.tokens[caller]}"}

    # ------------------------------------------------------------------------ targets

    def target(self, kind: str) -> Target:
        """``running``, ``completed``, ``emailed``, ``oscars`` (shared by every case: only
        read, or refused) or ``fresh …`` (made anew for each case: the allowed caller changes
        it)."""
        if kind == "site":
            return Target()
        if kind.startswith("fresh "):
            return self._make(kind.removeprefix("fresh "))
        if kind not in self._shared:
            self._shared[kind] = self._make(kind)
        return self._shared[kind]

    def _make(self, kind: str) -> Target:
        if kind == "absence":  # Ivan away far ahead, each time on days of their own
            self._absences = getattr(self, "_absences", 0) + 1
            first = utcnow().date() + timedelta(days=1000 + 10 * self._absences)
            return Target(absence=deputies.set_away(
                self.db, self.ids[IVAN], first, first + timedelta(days=2), self.ids[CLARA],
                now=utcnow(), source="self").id)
        if kind == "token":
            with write_session(self.db) as s:
                issue_token(s, s.get(Person, self.ids[IVAN]), utcnow(), label="matrix")
                token = s.exec(select(ApiToken.id).where(
                    ApiToken.person_id == self.ids[IVAN]).order_by(ApiToken.id.desc())).first()
            return Target(token=token)
        now = utcnow()
        if kind == "oscars":  # Oscar's own contract, with the running one's document
            mine = service.start(self.db, CONTRACT, self.ids[OSCAR], contract_fields([CLARA]),
                                 now)
            return Target(instance=mine.instance_id, document=self.target("running").document)
        ivan, anna, boris = self.ids[IVAN], self.ids[ANNA], self.ids[BORIS]
        started = service.start(self.db, CONTRACT, ivan, contract_fields([ANNA, BORIS]), now)
        instance = started.instance_id
        service.decide(self.db, self._open(instance, anna), anna, "approve", "", now)
        task = self._open(instance, boris)
        if kind == "completed":
            service.decide(self.db, task, boris, "approve", "", now)
            service.decide(self.db, self._open(instance, ivan), ivan, "done", "Sent.", now)
        elif kind == "withdrawn":
            service.withdraw(self.db, instance, ivan, "No longer needed", now)
        elif kind == "revision":
            service.decide(self.db, task, boris, "send_back", "Fix clause 3", now)
        elif kind == "emailed":  # Boris's task decided by an email reply in his name
            service.decide(self.db, task, boris, "approve", "", now, channel="email")
        else:
            assert kind == "running", kind
        with read_session(self.db) as s:
            document = s.exec(select(Document.id).where(Document.instance_id == instance)
                              ).first()
        return Target(instance=instance, task=task, document=document)

    def _open(self, instance: int, person: int) -> int:
        with read_session(self.db) as s:
            return s.exec(select(Task.id).where(Task.instance_id == instance,
                                                Task.assignee_id == person,
                                                Task.state == "open")).one()

    def audit_head(self, instance: int) -> tuple[int, str] | None:
        with read_session(self.db) as s:
            event = s.exec(select(AuditEvent).where(AuditEvent.instance_id == instance)
                           .order_by(AuditEvent.seq.desc())).first()
            return (event.seq, event.hash) if event else None


def contract_form(approvers: str = CLARA) -> dict[str, Any]:
    """The start page's form for a contract (a new file object each time: it is read once)."""
    return {"title": "Matrix contract", "counterparty": "Acme LLC", "amount": "1000",
            "approvers": approvers,
            "contract": (io.BytesIO(b"%PDF-1.4 matrix"), "contract.pdf", "application/pdf")}


def _task_mail(to: str) -> bytes:
    """A task mail to ``to`` as the catcher keeps it (envelope header first), text and HTML."""
    mail = EmailMessage()
    mail["From"] = "Signoff <signoff@signoff.localhost>"
    mail["To"] = to
    mail["Reply-To"] = "reply+abcdefghijklmnop@signoff.localhost"
    mail["Subject"] = "Approval: Supply contract"
    mail["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    mail["Message-ID"] = "<t.matrix@signoff.localhost>"
    mail.set_content("Please approve the contract.\n")
    mail.add_alternative("<p>Please approve the contract.</p>", subtype="html")
    return f"{ENVELOPE_HEADER}: {to}\r\n".encode() + mail.as_bytes()


def _catch(raw: bytes) -> str:
    folder = MailSettings.from_env().sent_dir
    folder.parent.mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(folder).add(raw)


def _reply() -> bytes:
    mail = EmailMessage()
    mail["From"] = BORIS
    mail["To"] = "reply+abcdefghijklmnop@signoff.localhost"
    mail["Subject"] = "Re: Approval: Supply contract"
    mail["Message-ID"] = "<reply.matrix@example.com>"
    mail.set_content("Approved\n")
    return mail.as_bytes()


@contextmanager
def built_site(tmp_path_factory: pytest.TempPathFactory, name: str, redis_url: str,
               org_keys) -> Iterator[Site]:
    """A :class:`Site` in a fresh folder ``name`` with the environment it needs (its var
    folder, the session's Redis, no mail settings, cheap password hashing), disposed of after:
    what a module-scoped fixture of the authorisation matrix or the accessibility pass yields."""
    with pytest.MonkeyPatch.context() as patch:
        tmp = tmp_path_factory.mktemp(name)
        patch.setenv("SIGNOFF_VAR_DIR", str(tmp / "var"))
        patch.setenv("REDIS_URL", redis_url)
        for unset in UNSET:
            patch.delenv(unset, raising=False)
        patch.setattr("approvals.store.directory._hasher", FAST_HASHER)
        site = Site(tmp, tmp / "var", org_keys, redis_url)
        try:
            yield site
        finally:
            site.db.dispose()
            shutil.rmtree(tmp, ignore_errors=True)
