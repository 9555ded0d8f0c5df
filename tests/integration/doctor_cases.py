"""The installation check-up's cases (:mod:`approvals.config.doctor`), each a setup and the
finding it must produce, shared by the tests of ``signoff doctor`` and of ``/admin/doctor`` so
that the command and the page are held to the same table."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from approvals.clock import utcnow
from approvals.config import demo
from approvals.store.db import write_session
from approvals.store.directory import find_person, import_people, set_password
from approvals.store.models import InboundMessage

#: Everything the check-up reads from the environment, cleared before each case.
ENVIRONMENT = ("SIGNOFF_SECRET_KEY", "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD",
               "IMAP_HOST", "MAIL_DOMAIN", "MAIL_FROM", "MAIL_AUTHSERV_ID",
               "MAIL_REQUIRE_DMARC", "SIGNOFF_BASE_URL")
HEADER = "email,name,locale,manager_email,department,roles,aliases\n"

Setup = Callable[[Engine, pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Case:
    name: str
    setup: Setup
    check: str
    level: str
    outcome: str


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def _nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pass


def _env(**values: str) -> Setup:
    def setup(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return setup


def _demo_people(active: bool) -> Setup:
    def setup(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        header, *lines = demo.people_csv().splitlines()
        rows = [line for line in lines if line.startswith(("admin@", "auditor@"))]
        with write_session(engine) as session:
            import_people(session, "\n".join([header, *rows]) + "\n")
            for email in ("admin@example.com", "auditor@example.com"):
                person = find_person(session, email)
                set_password(person, "a long and private one")
                person.active = active
                session.add(person)

    return setup


def _person_with_password(password: Callable[[str], str]) -> Setup:
    def setup(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        with write_session(engine) as session:
            import_people(session, HEADER + "lena@corp.example,Lena,en,,HR,,\n"
                                            "gone@corp.example,Gone,en,,HR,,\n")
            lena, gone = (find_person(session, e) for e in ("lena@corp.example",
                                                            "gone@corp.example"))
            set_password(lena, password(lena.email))
            set_password(gone, "demo")  # inactive people are not counted
            gone.active = False
            session.add_all([lena, gone])

    return setup


def stored_reply(headers: str, **env: str) -> Setup:
    def setup(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        _env(**env)(engine, monkeypatch)
        raw = (headers + "From: anna@example.com\r\nTo: reply+x@signoff.localhost\r\n"
               "Subject: Re: task\r\n\r\nApproved\r\n").encode()
        with write_session(engine) as session:
            session.add(InboundMessage(received_at=utcnow() - timedelta(minutes=5),
                                       channel="smtp", size=len(raw),
                                       sha256=hashlib.sha256(raw).hexdigest(), raw=raw,
                                       state="done"))

    return setup


STAMPED = ("Authentication-Results: mx.corp.example; dmarc=pass header.from=example.com\r\n"
           "Received: from outside.example by mx.corp.example; Mon, 1 Dec 2026 10:00:00 +0000\r\n")
FORGED_BELOW = ("Received: from outside.example by mx.corp.example; "
                "Mon, 1 Dec 2026 10:00:00 +0000\r\n"
                "Authentication-Results: mx.corp.example; dmarc=pass\r\n")

CASES = [
    Case("demo accounts active", _demo_people(active=True), "demo_accounts", "warning",
         "present"),
    Case("demo accounts deactivated", _demo_people(active=False), "demo_accounts", "ok",
         "absent"),
    Case("password demo", _person_with_password(lambda email: "demo"), "default_passwords",
         "warning", "present"),
    Case("password is the address", _person_with_password(lambda email: email),
         "default_passwords", "warning", "present"),
    Case("own passwords", _person_with_password(lambda email: "x7-unguessable"),
         "default_passwords", "ok", "absent"),
    Case("no secret key", _nothing, "secret_key", "warning", "missing"),
    Case("secret key set", _env(SIGNOFF_SECRET_KEY="k" * 64), "secret_key", "ok", "set"),
    Case("dev mail with relay settings", _env(SMTP_USER="signoff", MAIL_DOMAIN="corp.example"),
         "dev_mail", "warning", "on_with_relay_settings"),
    Case("dev mail on an https site", _env(SIGNOFF_BASE_URL="https://signoff.corp.example"),
         "dev_mail", "warning", "on_with_relay_settings"),
    Case("relay configured", _env(SMTP_HOST="smtp.corp.example", SMTP_USER="signoff"),
         "dev_mail", "ok", "relay"),
    Case("trial with the catcher", _nothing, "dev_mail", "ok", "catcher"),
    Case("dmarc off with an authserv-id", _env(MAIL_AUTHSERV_ID="mx.corp.example"), "dmarc",
         "warning", "off_with_authserv"),
    Case("dmarc off behind a stamping MX", stored_reply(STAMPED), "dmarc", "warning",
         "off_with_stamped_replies"),
    Case("dmarc off, only a sender's own header", stored_reply(FORGED_BELOW), "dmarc", "ok",
         "off_unstamped"),
    Case("dmarc on without an authserv-id", _env(MAIL_REQUIRE_DMARC="1"), "dmarc", "warning",
         "required_without_authserv"),
    Case("dmarc on", stored_reply(STAMPED, MAIL_REQUIRE_DMARC="1",
                                   MAIL_AUTHSERV_ID="mx.corp.example"),
         "dmarc", "ok", "required"),
]
