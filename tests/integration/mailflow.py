"""Helpers for the email tests: the inbound SMTP server on a free port, reading the catcher's
mail, and writing replies the way a mail client does."""

from __future__ import annotations

import dataclasses
import email
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage, Message
from email.policy import default
from email.utils import format_datetime, make_msgid

from sqlalchemy.engine import Engine

from approvals.clock import utcnow
from approvals.config.mail import MailSettings
from mail.receive import inbound_controller
from tests.support import free_port


def settings(**changes) -> MailSettings:
    return dataclasses.replace(MailSettings.from_env(), **changes)


@contextmanager
def inbound_server(db: Engine, on_stored: Callable[[int], None],
                   mail: MailSettings | None = None) -> Iterator[MailSettings]:
    """The real inbound SMTP server on a free port; yields the settings that name it."""
    mail = dataclasses.replace(mail or MailSettings.from_env(), inbound_port=free_port())
    server = inbound_controller(mail, db, on_stored, utcnow)
    server.start()
    try:
        yield mail
    finally:
        server.stop()


def mails_to(raw_messages: list[bytes], address: str) -> list[Message]:
    """The caught mails addressed to ``address``, oldest first."""
    found = []
    for raw in raw_messages:
        message = email.message_from_bytes(raw, policy=default)
        if address.lower() in str(message.get("To", "")).lower():
            found.append(message)
    return found


def reply(original: Message, sender: str, text: str, to: str | None = None) -> EmailMessage:
    """A top-posted reply as a mail client writes it: ``text`` above the quoted original."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to or str(original.get("Reply-To") or original["From"])
    message["Subject"] = "Re: " + str(original["Subject"])
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="example.com")
    message["In-Reply-To"] = original["Message-ID"]
    message["References"] = f"{original.get('References', '')} {original['Message-ID']}".strip()
    body = original.get_body(("plain",))
    quoted = "\n".join("> " + line for line in body.get_content().splitlines())
    message.set_content(f"{text}\n\nOn {original['Date']}, Signoff wrote:\n{quoted}\n",
                        cte="quoted-printable")
    return message


def send(mail: MailSettings, message: EmailMessage, envelope_to: str | None = None) -> None:
    with smtplib.SMTP(mail.inbound_host, mail.inbound_port, timeout=30) as smtp:
        smtp.send_message(message, to_addrs=[envelope_to or str(message["To"])])
