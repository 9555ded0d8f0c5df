"""Automatic mail is recognised (and said why); a person's reply is not, even from Outlook."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mail.automatic import automatic_reason
from mail.parse import parse


def reply(subject: str = "RE: Договор поставки", body: str = "Согласовано",
          sender: str = "Anna Petrova <anna@example.com>", **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "reply+abc@signoff.localhost"
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def reason(msg: EmailMessage | bytes) -> str | None:
    return automatic_reason(parse(msg if isinstance(msg, bytes) else msg.as_bytes()))


def test_an_outlook_reply_with_x_auto_response_suppress_is_a_person():
    msg = reply(X_Auto_Response_Suppress="All", Thread_Topic="Договор поставки",
                X_MS_Exchange_Organization_AuthAs="Internal", Auto_Submitted="no")
    assert reason(msg) is None


@pytest.mark.parametrize("subject", [
    "Re: Договор поставки", "RE: Out of office policy", "Ответ: Иванов в отпуске с 1 июня",
    "Fwd: Автоответ", "Re: Accepted: contract terms",
])
def test_ordinary_subjects_are_a_person(subject):
    assert reason(reply(subject)) is None


@pytest.mark.parametrize("headers, expected", [
    ({"Auto_Submitted": "auto-replied"}, "auto-submitted"),
    ({"Auto_Submitted": "auto-generated; owner-email=x@y.z"}, "auto-submitted"),
    ({"Auto_Submitted": "Auto-Notified"}, "auto-submitted"),
    ({"X_Autoreply": "yes"}, "x-autoreply"),
    ({"X_Autorespond": "Out of office"}, "x-autoreply"),
    ({"X_Auto_Reply": "1"}, "x-autoreply"),
    ({"Precedence": "bulk"}, "precedence"),
    ({"Precedence": "Junk"}, "precedence"),
    ({"Precedence": "list"}, "precedence"),
    ({"Precedence": "auto_reply"}, "precedence"),
    ({"List_Id": "<staff.example.com>"}, "list"),
    ({"List_Unsubscribe": "<mailto:leave@example.com>"}, "list"),
    ({"Return_Path": "<>"}, "mailer-daemon"),
])
def test_automatic_headers(headers, expected):
    assert reason(reply(**headers)) == expected


def test_precedence_first_class_is_not_automatic():
    assert reason(reply(Precedence="first-class")) is None


@pytest.mark.parametrize("sender", [
    "MAILER-DAEMON@mx.example.com",
    "Mail Delivery System <MAILER-DAEMON@mx.example.com>",
    "postmaster@example.com",
    "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
])
def test_daemon_senders(sender):
    assert reason(reply("Undelivered Mail Returned to Sender", sender=sender)) == "mailer-daemon"


def test_daemon_return_path():
    msg = reply(Return_Path="<MAILER-DAEMON@mx.example.com>")
    assert reason(msg) == "mailer-daemon"


BOUNCE = """From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: reply+abc@signoff.localhost
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; anna@example.com
Action: failed
Status: 5.1.1

--B
Content-Type: message/rfc822

From: Signoff <signoff@signoff.localhost>
Subject: Договор поставки
Auto-Submitted: auto-generated

Ответьте выше этой строки
Согласовано
--B--
""".encode()


def test_a_bounce_that_quotes_the_request():
    assert reason(BOUNCE) == "bounce"


def test_a_delivery_status_part_without_the_report_type_is_a_bounce():
    raw = BOUNCE.replace(b"multipart/report; report-type=delivery-status",
                         b"multipart/mixed").replace(b"MAILER-DAEMON", b"robot")
    assert reason(raw) == "bounce"


def test_exim_failed_recipients_header_is_a_bounce():
    assert reason(reply(X_Failed_Recipients="anna@example.com")) == "bounce"


READ_RECEIPT = b"""From: Anna Petrova <anna@example.com>
Subject: =?utf-8?b?0J/RgNC+0YfQuNGC0LDQvdC+OiDQlNC+0LPQvtCy0L7RgA==?=
Content-Type: multipart/report; report-type="disposition-notification"; boundary=R

--R
Content-Type: text/plain; charset=utf-8

Your message was read.
--R
Content-Type: message/disposition-notification

Final-Recipient: rfc822; anna@example.com
Disposition: manual-action/MDN-sent-manually; displayed
--R--
"""


def test_a_read_receipt():
    assert reason(READ_RECEIPT) == "read-receipt"


def test_a_read_receipt_known_by_its_subject_only():
    assert reason(reply("Read: Contract", body="Your message was read on Monday.")) == (
        "read-receipt")


MEETING_REPLY = b"""From: Anna Petrova <anna@example.com>
Subject: Accepted: Contract review
Content-Type: multipart/alternative; boundary=C

--C
Content-Type: text/plain; charset=utf-8

Anna Petrova has accepted.
--C
Content-Type: text/calendar; charset=utf-8; method=REPLY

BEGIN:VCALENDAR
METHOD:REPLY
BEGIN:VEVENT
ATTENDEE;PARTSTAT=ACCEPTED:mailto:anna@example.com
END:VEVENT
END:VCALENDAR
--C--
"""


def test_a_meeting_response_with_method_reply():
    assert reason(MEETING_REPLY) == "calendar"


def test_method_reply_inside_the_calendar_body_only():
    raw = MEETING_REPLY.replace(b"; method=REPLY", b"").replace(b"Accepted:", b"Re:")
    assert reason(raw) == "calendar"


@pytest.mark.parametrize("subject", ["Принято: Обсуждение договора", "Declined: Contract review",
                                     "Tentative: Contract review",
                                     "Под вопросом: Обсуждение договора",
                                     "Отклонено: Обсуждение договора"])
def test_a_calendar_response_subject_with_a_calendar_part(subject):
    raw = MEETING_REPLY.replace(b"; method=REPLY", b"").replace(b"METHOD:REPLY",
                                                                b"METHOD:PUBLISH")
    raw = raw.replace(b"Subject: Accepted: Contract review",
                      b"Subject: " + subject.encode("utf-8"))
    assert reason(raw) == "calendar"


def test_a_calendar_subject_without_a_calendar_part_is_a_person():
    assert reason(reply("Declined: Contract review", body="Не согласовано")) is None


def test_an_outlook_meeting_response_in_tnef():
    msg = reply("Accepted: Contract review", body="")
    msg.add_attachment(b"\x78\x9f\x3e\x22", maintype="application", subtype="ms-tnef",
                       filename="winmail.dat")
    assert reason(msg) == "calendar"


@pytest.mark.parametrize("subject", [
    "Out of Office: Договор поставки", "Automatic reply: Contract", "Auto: Anna is away",
    "Autoreply: Contract", "Auto-Reply: Contract", "[Auto-Reply] Contract", "OOO until Monday",
    "Автоответ: Договор поставки", "Автоматический ответ: Договор поставки",
    "Нет на месте: Договор поставки", "Вне офиса: Договор поставки",
    "В отпуске до 10 июня", "Отсутствую: Договор поставки", "Out of the office",
])
def test_out_of_office_subjects_without_rfc3834_headers(subject):
    assert reason(reply(subject, body="Я в отпуске до 10 июня.")) == "out-of-office"


def test_out_of_office_with_rfc3834_headers_says_auto_submitted():
    msg = reply("Автоответ: Договор поставки", Auto_Submitted="auto-replied")
    assert reason(msg) == "auto-submitted"


def test_a_broken_message_is_not_called_automatic_by_mistake():
    assert automatic_reason(parse(b"\xff\xfe garbage")) is None
