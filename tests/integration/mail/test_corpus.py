"""The corpus of hard cases (``tests/mail/corpus``), each message through a real door — the
inbound SMTP server, or a real IMAP mailbox (Dovecot) read by the IMAP reader — then the rule
chain and the service, with the outcome each case expects.

Every case runs on its own copy of one prepared database: the people of the corpus (Anna with
her alias, Sergey, Boris, Ivan) and a contract approval waiting for Anna and Sergey, whose task
mails have been made (their tokens are the corpus's ``{{TOKEN}}`` and ``{{OTHER_TOKEN}}``).
"""

from __future__ import annotations

import base64
import dataclasses
import shutil
import smtplib
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import yaml
from imapclient import IMAPClient
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.config.mail import MailSettings
from approvals.store import registry
from approvals.store.db import make_engine, read_session, upgrade, write_session
from approvals.store.directory import import_people
from approvals.store.models import (
    InboundMessage,
    Notification,
    OutboxItem,
    Person,
    ReplyToken,
    Task,
)
from mail import inbound, tokens
from mail.imap import MailboxReader
from tests.integration import mailflow
from tests.integration.flows import upload
from workers import outbox

CORPUS = Path(__file__).resolve().with_name("corpus")
CASES = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))["cases"]
SECRET = "corpus-secret-key"
BASE_URL = "http://signoff.test"
IMAP_USER = "signoff"
PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
maria@example.com,Мария Руководитель,ru,,Sales,,
ivan@example.com,Иван Сидоров,ru,maria@example.com,Sales,,
anna@example.com,Анна Петрова,ru,maria@example.com,Legal,,anna.petrova@example.org
sergey@example.com,Сергей Иванов,ru,maria@example.com,Legal,,
boris@example.com,Boris Smith,en,maria@example.com,Finance,,
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A migrated database holding the corpus's people and the shipped processes."""
    path = tmp_path_factory.mktemp("corpus") / "template.db"
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    processes, errors = registry.load_all()
    assert errors == []
    with write_session(engine) as session:
        import_people(session, PEOPLE)
        registry.sync(session, processes, utcnow())
    engine.dispose()
    return path


@dataclasses.dataclass
class World:
    db: object
    values: dict[str, str]
    anna_task: int
    sergey_task: int


@pytest.fixture
def world(template, tmp_path, monkeypatch, app_broker):
    monkeypatch.setenv("SIGNOFF_SECRET_KEY", SECRET)
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    path = tmp_path / "signoff.db"
    shutil.copy(template, path)
    db = make_engine(f"sqlite:///{path}")
    with read_session(db) as s:
        people = {p.email: p.id for p in s.exec(select(Person))}
    now = utcnow()
    started = service.start(db, "contract-approval", people["ivan@example.com"], {
        "title": "Договор поставки № 17", "counterparty": "ООО «Ромашка»",
        "amount": "150000", "contract": upload("dogovor.pdf", b"%PDF-1.4 draft\n"),
        "approvers": ["anna@example.com", "sergey@example.com"]}, now)
    outbox.deliver_batch(db, started.outbox_ids, now)  # notifications, tokens, email rows
    with read_session(db) as s:
        notes = {n.person_id: n for n in s.exec(select(Notification))}
        tasks = {t.assignee_id: t.id for t in s.exec(select(Task).where(Task.state == "open"))}
    domain = MailSettings.from_env().domain
    anna, sergey = people["anna@example.com"], people["sergey@example.com"]
    token = tokens.derive(SECRET, notes[anna].id)
    other = tokens.derive(SECRET, notes[sergey].id)
    values = {
        "TOKEN": token, "TAMPERED_TOKEN": tampered(token), "REPLY_TO": f"reply+{token}@{domain}",
        "MESSAGE_ID": tokens.message_id(domain, 0, token),
        "OTHER_TOKEN": other, "OTHER_REPLY_TO": f"reply+{other}@{domain}",
        "OTHER_MESSAGE_ID": tokens.message_id(domain, 0, other),
        "THREAD": tokens.thread_id(domain, started.instance_id),
        "INSTANCE": str(started.instance_id), "TASK_URL": f"{BASE_URL}/tasks/{tasks[anna]}",
        "SIGNOFF": MailSettings.from_env().from_address, "DATE": format_datetime(now),
    }
    yield World(db, values, tasks[anna], tasks[sergey])
    db.dispose()


def tampered(token: str) -> str:
    """The token with three characters changed (see the corpus README)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    chars = list(token)
    for i in (0, 9, 18):
        chars[i] = alphabet[(alphabet.index(chars[i]) + 1) % len(alphabet)]
    return "".join(chars)


def render(file: str, values: dict[str, str]) -> bytes:
    raw = (CORPUS / file).read_bytes()
    for name, value in values.items():
        raw = raw.replace(b"{{" + name.encode() + b"}}", value.encode())
    if b"{{BIG_BASE64}}" in raw:
        line = base64.b64encode(b"\x00" * 57) + b"\r\n"
        raw = raw.replace(b"{{BIG_BASE64}}", line * (25 * 1024 * 1024 // len(line)))
    assert b"{{" not in raw.replace(b"{{BIG_BASE64}}", b""), f"{file}: unknown placeholder"
    return raw


def apply_setup(world: World, steps: list[str]) -> None:
    for step in steps or []:
        if step == "expire_token":
            with write_session(world.db) as s:
                for row in s.exec(select(ReplyToken)):
                    row.expires_at = utcnow() - timedelta(minutes=1)
                    s.add(row)
        elif step == "decided_on_web":
            with read_session(world.db) as s:
                anna = s.exec(select(Person).where(Person.email == "anna@example.com")).one()
            service.decide(world.db, world.anna_task, anna.id, "approve", "", utcnow())
        else:
            raise AssertionError(f"unknown setup step {step!r}")


def check(world: World, message: dict, inbound_id: int, mail: MailSettings) -> None:
    done = inbound.process(world.db, inbound_id, utcnow(), settings=mail, base_url=BASE_URL)
    with read_session(world.db) as s:
        row = s.get(InboundMessage, inbound_id)
        task = s.get(Task, world.anna_task)
        explained = [s.get(OutboxItem, i).payload["explanation"] for i in done.mail_ids] \
            if done else []
    where = f"{message['file']}: {row.reason}"
    assert row.outcome == message["expect"], where
    if message["expect"] == "decided":
        assert (task.verdict, task.channel) == (message["verdict"], "email"), where
        if "comment" in message:
            assert task.comment == message["comment"], where
        if "comment_contains" in message:
            assert message["comment_contains"] in task.comment, where
    elif message["expect"] not in ("already_decided", "duplicate"):
        assert task.state == "open", where
    wanted = message.get("explain")
    assert [e["reason"] for e in explained] == ([wanted] if wanted else []), where


def mail_settings(case: dict) -> MailSettings:
    overrides = case.get("settings") or {}
    return dataclasses.replace(MailSettings.from_env(),
                               require_dmarc=bool(overrides.get("require_dmarc", False)),
                               authserv_id=overrides.get("authserv_id"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_corpus_over_smtp(case, world):
    mail = mail_settings(case)
    stored: list[int] = []
    apply_setup(world, case.get("setup"))
    with mailflow.inbound_server(world.db, stored.append, mail) as server:
        for message in case["messages"]:
            raw = render(message["file"], world.values)
            sender = message.get("envelope_from", "anna@example.com")
            to = render_value(message.get("envelope_to"), world.values) or first_to(raw)
            smtp_result = message.get("smtp", "accepted")
            with smtplib.SMTP(server.inbound_host, server.inbound_port, timeout=60) as smtp:
                if smtp_result == "accepted":
                    smtp.sendmail(sender, [to], raw)
                else:
                    code = int(smtp_result.rsplit("-", 1)[1])
                    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused,
                                        smtplib.SMTPDataError)) as refused:
                        smtp.sendmail(sender, [to], raw)
                    assert refused_code(refused.value) == code, message["file"]
                    continue
            check(world, message, stored[-1], mail)


def render_value(value: str | None, values: dict[str, str]) -> str | None:
    if value is None:
        return None
    for name, replacement in values.items():
        value = value.replace("{{" + name + "}}", replacement)
    return value


def first_to(raw: bytes) -> str:
    from email import message_from_bytes
    from email.policy import compat32
    from email.utils import getaddresses

    head = message_from_bytes(raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\n\n",
                              policy=compat32)
    return getaddresses([str(head.get("To", ""))])[0][1]


def refused_code(error: smtplib.SMTPException) -> int:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))[0]
    return error.smtp_code


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_corpus_over_imap(case, world, imap_server):
    """The same cases read from a real mailbox. The mailbox's server delivered them, so each
    carries the Return-Path and Delivered-To a delivery agent writes; mail the SMTP door
    refuses at RCPT never reaches the mailbox, and oversize mail is kept as its headers."""
    mail = dataclasses.replace(mail_settings(case), imap_host=imap_server.host,
                               imap_port=imap_server.port, imap_user=IMAP_USER,
                               imap_password=imap_server.users[IMAP_USER], imap_ssl=False)
    client = IMAPClient(imap_server.host, imap_server.port, ssl=False, timeout=30)
    client.login(IMAP_USER, imap_server.users[IMAP_USER])
    client.select_folder("INBOX")
    old = client.search("ALL")
    if old:
        client.delete_messages(old, silent=True)
        client.expunge()
    stored: list[int] = []
    reader = MailboxReader(mail, world.db, stored.append)
    apply_setup(world, case.get("setup"))
    try:
        for message in case["messages"]:
            if message.get("smtp") == "refused-550" and message.get("imap") != "delivered":
                continue  # an address the mail server does not deliver to this mailbox
            raw = render(message["file"], world.values)
            sender = message.get("envelope_from", "anna@example.com")
            to = render_value(message.get("envelope_to"), world.values) or first_to(raw)
            client.append("INBOX", f"Return-Path: <{sender}>\r\nDelivered-To: {to}\r\n"
                          .encode() + raw)
            count = len(stored)
            assert reader.poll_once() == 1
            assert len(stored) == count + 1
            check(world, message, stored[-1], mail)
    finally:
        reader.close()
        client.logout()
