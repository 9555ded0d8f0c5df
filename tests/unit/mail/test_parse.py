"""Reading inbound mail: headers, the strict sender, charset repair, bodies, attachments, and
never raising on broken input."""

from __future__ import annotations

import base64
import quopri
import random
from email.message import EmailMessage

import pytest

from mail.charsets import decode_bytes, decode_header_value
from mail.html_text import html_to_text
from mail.parse import parse, parse_mailbox

RU = "Согласовано!\nВопрос по пункту 3: какой срок оплаты?"


def plain(body: bytes, *, headers: str = "", content_type: str = "text/plain",
          cte: str | None = None) -> bytes:
    """A one-part mail from literal pieces (so broken and 8-bit ones can be written)."""
    head = ("From: Anna Petrova <anna@example.com>\r\nTo: reply+abc@signoff.localhost\r\n"
            "Subject: Re: Contract\r\nMessage-ID: <reply-1@example.com>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n")
    if cte:
        head += f"Content-Transfer-Encoding: {cte}\r\n"
    return (head + headers).encode("ascii") + b"\r\n" + body


# --- headers ----------------------------------------------------------------------------------

def test_reply_headers_are_read():
    msg = EmailMessage()
    msg["From"] = "Anna Petrova <Anna.Petrova@Example.com>"
    msg["Subject"] = "Re:   Contract\t 42"
    msg["Message-ID"] = "<reply-1@example.com>"
    msg["In-Reply-To"] = "<t.abc@signoff.localhost>"
    msg["References"] = "<instance.7@signoff.localhost> <t.abc@signoff.localhost>"
    msg.set_content("Approved")

    parsed = parse(msg.as_bytes())

    assert parsed.message_id == "<reply-1@example.com>"
    assert parsed.in_reply_to == ["<t.abc@signoff.localhost>"]
    assert parsed.references == ["<instance.7@signoff.localhost>", "<t.abc@signoff.localhost>"]
    assert parsed.subject == "Re: Contract 42"
    assert parsed.from_address == "anna.petrova@example.com"
    assert parsed.from_name == "Anna Petrova"
    assert parsed.from_problem is None
    assert parsed.text == "Approved"
    assert parsed.html is None
    assert parsed.attachments == []


def test_references_without_brackets_are_still_found():
    parsed = parse(plain(b"ok", headers="In-Reply-To: t.abc@signoff.localhost\r\n"))
    assert parsed.in_reply_to == ["<t.abc@signoff.localhost>"]


@pytest.mark.parametrize("header, subject", [
    ("=?UTF-8?B?0KHQvtCz0LvQsNGB0L7QstCw0L3QuNC1INC00L7Qs9C+0LLQvtGA0LA=?=",
     "Согласование договора"),
    ("Re: =?windows-1251?Q?=D1=EE=E3=EB=E0=F1=EE=E2=E0=ED=E8=E5?=", "Re: Согласование"),
    ("=?koi8-r?B?8M/E0MnT2C4=?=", "Подпись."),
    # a client that split one UTF-8 character between two encoded words
    ("=?utf-8?B?0KE=?= =?utf-8?B?0L7Qsw==?=\r\n =?utf-8?Q?=D0=BB=D0=B0?=", "Согла"),
    ("=?iso-8859-1?q?Gr=FC=DFe?= aus =?utf-8?q?K=C3=B6ln?=", "Grüße aus Köln"),
    # declared us-ascii, really windows-1251
    ("=?us-ascii?Q?=D1=EE=E3=EB=E0=F1=EE=E2=E0=ED=EE?=", "Согласовано"),
])
def test_encoded_subjects_are_decoded(header, subject):
    parsed = parse(plain(b"ok", headers="").replace(b"Subject: Re: Contract",
                                                   f"Subject: {header}".encode()))
    assert parsed.subject == subject


@pytest.mark.parametrize("charset", ["cp1251", "koi8-r"])
def test_raw_8bit_subject_and_name_are_detected(charset):
    raw = (b"From: " + "Анна Петрова".encode(charset) + b" <anna@example.com>\r\n"
           b"Subject: " + "Re: Согласование договора".encode(charset) + b"\r\n\r\nok")
    parsed = parse(raw)
    assert parsed.subject == "Re: Согласование договора"
    assert parsed.from_name == "Анна Петрова"
    assert parsed.from_address == "anna@example.com"


def test_decode_header_value_keeps_a_broken_encoded_word():
    assert decode_header_value("=?utf-8?B?***?= ok") in ("=?utf-8?B?***?= ok", " ok", "ok")
    assert decode_header_value("plain\r\n folded") == "plain folded"


# --- the sender -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, address", [
    ("Anna <ANNA@Example.COM>", "anna@example.com"),
    ("anna@example.com", "anna@example.com"),
    ("anna@example.com (Anna Petrova)", "anna@example.com"),
    ('"anna@example.com" <evil@x.org>', "evil@x.org"),
    ("anna@example.com <evil@x.org>", "evil@x.org"),
    ('"Anna <anna@example.com>" <evil@x.org>', "evil@x.org"),
    ("=?utf-8?q?anna@example.com?= <evil@x.org>", "evil@x.org"),
    ("=?utf-8?b?0JDQvdC90LA=?= <anna@example.com>", "anna@example.com"),
    ('"Petrova, Anna" <anna@example.com>', "anna@example.com"),
    ("Anna\r\n <anna@example.com>", "anna@example.com"),
    ("root@localhost", "root@localhost"),
    ("<anna+tag@mail.example.co.uk>", "anna+tag@mail.example.co.uk"),
])
def test_from_address_is_the_one_mailbox(value, address):
    assert parse_mailbox(value)[0] == address


@pytest.mark.parametrize("value, problem", [
    ("<anna@example.com>, <evil@x.org>", "more than one address"),
    ("anna@example.com, evil@x.org", "more than one address"),
    ("Anna <anna@example.com> <evil@x.org>", "more than one address"),
    ("Friends: anna@example.com, evil@x.org;", "more than one address"),
    ("Friends: anna@example.com;", "group syntax"),
    ("undisclosed-recipients:;", "group syntax"),
    ("anna", "no @"),
    ("Anna Petrova", "no @"),
    ("anna@host", "no dot"),
    ("<evil@x.org> anna@example.com", "after the address"),
    ("anna@example.com@evil.org", "not an address"),
    ("=?utf-8?q?evil@x.org?=", "domain"),
    ("<@relay.example:anna@example.com>", "source route"),
    ("anna@[192.0.2.1]", "domain"),
    ("<>", "local part"),
    ('"unterminated <anna@example.com>', "unterminated"),
    ("anna@example.com>", "angle"),
    ("", "empty"),
    ("anna@exa mple.com", "not an address"),
])
def test_from_that_is_not_exactly_one_mailbox_is_refused(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_mailbox(value)


def test_parse_reports_the_from_problem():
    raw = plain(b"ok").replace(b"From: Anna Petrova <anna@example.com>",
                               b"From: <anna@example.com>, <evil@x.org>")
    parsed = parse(raw)
    assert parsed.from_address is None
    assert parsed.from_problem == "more than one address"


def test_two_from_headers_are_refused():
    raw = b"From: anna@example.com\r\nFrom: evil@x.org\r\n" + plain(b"ok")
    parsed = parse(raw)
    assert parsed.from_address is None
    assert parsed.from_problem == "more than one From header"


def test_missing_from_is_a_problem_not_an_error():
    parsed = parse(b"Subject: hi\r\n\r\nok")
    assert parsed.from_address is None
    assert parsed.from_problem == "no From header"
    assert parsed.text == "ok"


# --- charsets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
@pytest.mark.parametrize("declared", ["windows-1251", "koi8-r", "us-ascii", None])
@pytest.mark.parametrize("text", [RU, "Согласовано", "СОГЛАСОВАНО", "Не согласовано", "Да"])
def test_cyrillic_body_comes_out_right_declared_wrong_or_not(encoding, declared, text):
    content_type = f"text/plain; charset={declared}" if declared else "text/plain"
    parsed = parse(plain(text.encode(encoding), content_type=content_type, cte="8bit"))
    assert parsed.text == text


def test_an_undeclared_charset_is_noted_as_a_repair():
    parsed = parse(plain(RU.encode("koi8-r"), content_type="text/plain; charset=us-ascii"))
    assert parsed.text == RU
    assert any("declared us-ascii, read as koi8-r" in note for note in parsed.defects)


def test_utf8_declared_as_windows_1251_is_read_as_utf8():
    parsed = parse(plain(RU.encode("utf-8"), content_type="text/plain; charset=windows-1251"))
    assert parsed.text == RU


def test_unknown_charset_name_is_detected():
    parsed = parse(plain(RU.encode("cp1251"), content_type='text/plain; charset="x-unknown"'))
    assert parsed.text == RU


def test_western_text_keeps_its_declared_charset():
    text = "Grüße aus Köln, ça va très bien"
    parsed = parse(plain(text.encode("latin-1"), content_type="text/plain; charset=iso-8859-1"))
    assert parsed.text == text
    assert parsed.defects == []


def test_decode_bytes_forgives_utf8_cut_in_the_middle_of_a_letter():
    text, _ = decode_bytes("Согласовано".encode()[:-1], "utf-8")
    assert text.startswith("Согласован")


# --- transfer encodings -----------------------------------------------------------------------

def test_base64_body():
    body = base64.encodebytes(RU.encode("utf-8"))
    parsed = parse(plain(body, content_type="text/plain; charset=utf-8", cte="base64"))
    assert parsed.text == RU


@pytest.mark.parametrize("encoding, charset", [("utf-8", "utf-8"), ("cp1251", "windows-1251")])
def test_quoted_printable_body(encoding, charset):
    body = quopri.encodestring(RU.encode(encoding))
    parsed = parse(plain(body, content_type=f"text/plain; charset={charset}",
                         cte="quoted-printable"))
    assert parsed.text == RU


def test_truncated_base64_gives_what_was_there():
    body = base64.b64encode("Согласовано. Срок до пятницы.".encode())[:-3]
    parsed = parse(plain(body, content_type="text/plain; charset=utf-8", cte="base64"))
    assert parsed.text.startswith("Согласовано. Срок до")
    assert "text/plain: truncated base64" in parsed.defects


def test_format_flowed_lines_are_joined():
    body = b"Approved, the amount \r\nis fine.\r\n\r\n> quoted \r\n> line\r\n-- \r\nAnna"
    parsed = parse(plain(body, content_type="text/plain; charset=utf-8; format=flowed"))
    assert parsed.text == "Approved, the amount is fine.\n\n> quoted line\n-- \nAnna"


# --- structure --------------------------------------------------------------------------------

def reply_with_parts() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "anna@example.com"
    msg["Subject"] = "Re: Contract"
    msg.set_content("Согласовано\n")
    msg.add_alternative("<p>Согласовано</p>", subtype="html")
    msg.add_attachment(b"%PDF-1.4 signed", maintype="application", subtype="pdf",
                       filename="договор v2.pdf")
    msg.add_attachment(b"col1,col2\n", maintype="text", subtype="csv", filename="data.csv")
    return msg


def test_bodies_are_not_attachments_and_files_are():
    parsed = parse(reply_with_parts().as_bytes())
    assert parsed.text == "Согласовано"
    assert parsed.html is not None and "<p>Согласовано</p>" in parsed.html
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("договор v2.pdf", "application/pdf", b"%PDF-1.4 signed"),
        ("data.csv", "text/csv", b"col1,col2\n"),
    ]


def test_text_plain_with_a_filename_is_an_attachment():
    msg = EmailMessage()
    msg["From"] = "anna@example.com"
    msg.set_content("Approved")
    msg.add_attachment("meeting notes", filename="notes.txt")
    parsed = parse(msg.as_bytes())
    assert parsed.text == "Approved"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("notes.txt", b"meeting notes\n")]


def test_inline_image_and_forwarded_message_are_attachments_not_text():
    inner = EmailMessage()
    inner["From"] = "boss@example.com"
    inner["Subject"] = "Original"
    inner.set_content("Не согласовано")
    msg = EmailMessage()
    msg["From"] = "anna@example.com"
    msg.set_content("See the forwarded mail")
    msg.add_attachment(b"\x89PNG...", maintype="image", subtype="png", disposition="inline")
    msg.add_attachment(inner)
    parsed = parse(msg.as_bytes())
    assert parsed.text == "See the forwarded mail"
    kinds = [a.content_type for a in parsed.attachments]
    assert kinds == ["image/png", "message/rfc822"]
    assert parsed.attachments[0].filename.endswith(".png")
    assert b"Subject: Original" in parsed.attachments[1].data
    assert parsed.attachments[1].filename.endswith(".eml")


def test_tnef_winmail_dat_is_kept_as_an_attachment():
    raw = (b"From: anna@example.com\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n"
           b"--q\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nApproved\r\n"
           b"--q\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
           b"Content-Disposition: attachment; filename=\"winmail.dat\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(b"\x78\x9f\x3e\x22" + bytes(range(256))) + b"--q--\r\n")
    parsed = parse(raw)
    assert parsed.text == "Approved"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("winmail.dat", "application/ms-tnef")]
    assert parsed.attachments[0].data.startswith(b"\x78\x9f\x3e\x22")


@pytest.mark.parametrize("disposition", [
    "attachment; filename*=utf-8''%D0%B0%D0%BA%D1%82.pdf",
    'attachment; filename="=?utf-8?B?0LDQutGC?=.pdf"',
])
def test_encoded_attachment_names(disposition):
    raw = (b"From: anna@example.com\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n"
           b"--q\r\nContent-Type: text/plain\r\n\r\nok\r\n--q\r\n"
           b"Content-Type: application/pdf\r\nContent-Disposition: "
           + disposition.encode() + b"\r\n\r\n%PDF\r\n--q--\r\n")
    assert [a.filename for a in parse(raw).attachments] == ["акт.pdf"]


def test_8bit_attachment_name_is_detected():
    raw = (b"From: anna@example.com\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n"
           b"--q\r\nContent-Type: text/plain\r\n\r\nok\r\n--q\r\n"
           b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\""
           + "Договор поставки.pdf".encode("cp1251") + b"\"\r\n\r\n%PDF\r\n--q--\r\n")
    assert [a.filename for a in parse(raw).attachments] == ["Договор поставки.pdf"]


def test_multipart_without_boundary_is_repaired():
    raw = (b"From: anna@example.com\r\nContent-Type: multipart/mixed\r\n\r\n"
           b"--xyz\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n"
           + "Согласовано".encode("koi8-r")
           + b"\r\n--xyz\r\nContent-Type: application/pdf; name=a.pdf\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--xyz--\r\n")
    parsed = parse(raw)
    assert parsed.text == "Согласовано"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("a.pdf", b"%PDF-1.4\n")]
    assert "multipart/mixed: a multipart without a boundary" in parsed.defects


def test_multipart_with_a_wrong_boundary_is_repaired():
    raw = (b"From: anna@example.com\r\nContent-Type: multipart/alternative; boundary=abc\r\n\r\n"
           b"--real\r\nContent-Type: text/plain\r\n\r\nApproved\r\n--real--\r\n")
    parsed = parse(raw)
    assert parsed.text == "Approved"


def test_multipart_without_boundary_and_no_parts_is_read_as_text():
    raw = b"From: anna@example.com\r\nContent-Type: multipart/mixed\r\n\r\nApproved\r\n"
    parsed = parse(raw)
    assert parsed.text == "Approved"
    assert parsed.defects


def test_truncated_multipart_keeps_what_arrived():
    raw = (b"From: anna@example.com\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n"
           b"--q\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           + "Согласовано".encode() + b"\r\n--q\r\nContent-Type: application/pdf\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJ")
    parsed = parse(raw)
    assert parsed.text == "Согласовано"
    assert parsed.attachments[0].data == b"%PDF-1.4\n"
    assert "multipart/mixed: a multipart that is not closed (truncated?)" in parsed.defects


def _garbage() -> list[bytes]:
    rng = random.Random(3)
    nested = (b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n" + b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
        for i in range(20000)))
    return [
        b"",
        b"\r\n\r\n",
        bytes(rng.randrange(256) for _ in range(5000)),
        b"\x00\xff" * 1000,
        nested,
        b"From: =?utf-8?q?\r\nSubject: =?bogus?x?zz?=\r\nContent-Type: text/plain; charset=\r\n",
        b"Content-Type: text/plain; charset=base64\r\nContent-Transfer-Encoding: base64\r\n\r\n@@",
        b"Content-Type: message/rfc822\r\n\r\nnot a message at all",
        b"Content-Type: text/html\r\n\r\n<div><blockquote><p>unclosed <b>&#xd800; &bogus;",
        b"From: a@b.cd\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n\xff",
        b"From:\r\n\tAnna\r\n <\r\nSubject: \xff\xfe\r\n\r\n\xff",
    ]


@pytest.mark.parametrize("raw", _garbage(), ids=range(len(_garbage())))
def test_parse_never_raises(raw):
    parsed = parse(raw)
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.defects, list)


def test_html_only_mail_gives_text_with_line_breaks():
    html = ("<html><head><meta charset=windows-1251><style>p {color: red}</style>"
            "<title>x</title></head><body><div>Согласовано!<br>Спасибо</div>"
            "<div><br></div><p>Анна&nbsp;Петрова</p><script>alert(1)</script>"
            "<blockquote><div>Исходное</div><div>письмо</div></blockquote></body></html>")
    parsed = parse(plain(html.encode("cp1251"), content_type="text/html"))
    assert parsed.text_from_html
    assert parsed.html is not None
    assert parsed.text == "Согласовано!\nСпасибо\n\nАнна Петрова\n> Исходное\n> письмо"


def test_html_to_text_keeps_lists_and_preformatted_text():
    html = "<ul><li>one</li><li>two</li></ul><pre>a  b\n c</pre><p>x &amp; y</p>"
    assert html_to_text(html) == "- one\n- two\na  b\n c\nx & y"


def test_base64_padded_in_chunks_is_decoded_chunk_by_chunk():
    body = base64.b64encode("Согласовано".encode()) + b"\r\n" + base64.b64encode(b"!")
    parsed = parse(plain(body, content_type="text/plain; charset=utf-8", cte="base64"))
    assert parsed.text == "Согласовано!"
    assert parsed.defects == []


def test_message_id_is_the_bracketed_id_or_the_value_as_sent():
    assert parse(plain(b"ok")).message_id == "<reply-1@example.com>"
    raw = plain(b"ok").replace(b"<reply-1@example.com>", b" reply-1@example.com ")
    assert parse(raw).message_id == "reply-1@example.com"


def test_text_between_a_broken_and_a_good_encoded_word_keeps_its_space():
    assert decode_header_value("Re: =?utf-8?B?0KHQvtCz?= and =?utf-8?B?0LvQsA==?=") == (
        "Re: Сог and ла")


def test_html_with_an_unclosed_head_still_gives_the_body():
    assert html_to_text("<html><head><meta charset=utf-8><body>Approved<br>ok") == (
        "Approved\nok")
