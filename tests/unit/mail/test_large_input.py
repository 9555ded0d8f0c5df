"""Reading replies of many megabytes and of hostile shapes: the text still comes out right, a
body longer than Signoff reads is cut at the documented limits (and says so), and broken MIME
gives what could be read. No clock here: ``make bench-parse`` measures the time."""

from __future__ import annotations

import base64

import pytest

from approvals.core import limits
from mail import automatic, quoting, verdicts
from mail.charsets import decode_header_value
from mail.html_text import html_to_text, tame
from mail.parse import parse, read_body

HEAD = ("From: Anna Petrova <anna@example.com>\r\nTo: reply+abc@signoff.localhost\r\n"
        "Subject: Re: Contract\r\nMessage-ID: <big-1@example.com>\r\nMIME-Version: 1.0\r\n")


def mail(body: bytes, content_type: str = "text/plain; charset=utf-8", head: str = HEAD,
         cte: str | None = None) -> bytes:
    extra = f"Content-Transfer-Encoding: {cte}\r\n" if cte else ""
    return f"{head}Content-Type: {content_type}\r\n{extra}\r\n".encode() + body


def own_verdict(raw: bytes) -> tuple[str | None, str]:
    parsed = parse(raw)
    reading = verdicts.read_verdict(quoting.own_text(parsed), ("approve", "send_back"))
    return reading.verdict, reading.comment


# --- large and correct --------------------------------------------------------------------------

def test_a_large_html_reply_gives_its_text_its_verdict_and_is_cut_at_mail_html():
    paragraphs = "".join(f"<p>Clause <b>{i}</b> &amp; annex</p>\n" for i in range(120_000))
    raw = mail(f"<html><body><div>Approved, see below</div>{paragraphs}</body></html>".encode(),
               "text/html; charset=utf-8")
    assert len(raw) > 2 * limits.MAIL_HTML

    parsed = parse(raw)

    assert parsed.text_from_html
    assert parsed.text.startswith("Approved, see below\nClause 0 & annex\nClause 1 & annex\n")
    assert len(parsed.text) <= limits.MAIL_TEXT
    assert len(parsed.html.encode()) <= limits.MAIL_HTML
    assert parsed.html.rfind("<") < parsed.html.rfind(">")  # cut before a tag, not inside one
    assert [note.split(" of ")[0] for note in parsed.cut] == ["text/html", "text from HTML"]
    assert all("the rest is in the stored message" in note for note in parsed.defects[:2])
    assert own_verdict(raw)[0] == "approve"


def test_a_reply_above_50000_quoted_lines_and_attributions_reads_only_its_own_text():
    quoted = "".join(f"On Mon, 1 Dec 2026 at {i % 24}:00, Signoff <signoff@x.org> wrote:\n"
                     f"> line {i} of the request, Approved\n" for i in range(50_000))
    raw = mail(f"Send back: the amount is wrong\n\n{quoted}".encode())
    verdict, comment = own_verdict(raw)
    assert (verdict, comment) == ("send_back", "the amount is wrong")


def test_a_plain_reply_longer_than_mail_text_is_cut_and_says_so():
    line = "Согласовано, но посмотрите пункт 5.\n"
    raw = mail((line * (2 * limits.MAIL_TEXT // len(line))).encode())
    parsed = parse(raw)
    assert len(parsed.text) == limits.MAIL_TEXT
    assert parsed.text.startswith(line * 3)
    assert parsed.cut == [parsed.defects[0]]
    assert parsed.cut[0].startswith("text/plain of ") and "200,000 characters" in parsed.cut[0]


def test_a_body_within_the_limits_is_not_marked_cut():
    parsed = parse(mail(("Approved\n" + "x" * (limits.MAIL_TEXT - 100)).encode()))
    assert parsed.cut == [] and len(parsed.text) == limits.MAIL_TEXT - 91


def test_a_comment_is_cut_with_the_marker():
    comment, cut = limits.cut("word " * limits.COMMENT, limits.COMMENT)
    assert cut and len(comment) <= limits.COMMENT and comment.endswith(" […]")


# --- hostile HTML -------------------------------------------------------------------------------

@pytest.mark.parametrize("html, text", [
    ("<" * 300_000, "<" * 300_000),
    ("<a " * 100_000 + "<p>Approved", "<a " * 99_999 + "<a\nApproved"),
    ("Approved<!--" + "<b>" * 100_000, "Approved"),  # an unclosed comment hides the rest
    ("Approved" + "<!-- > " * 100_000 + "-->x", "Approvedx"),
    ("<p>Approved</p>" + "<![CDATA[ >" * 100_000, "Approved"),
    ("<script>" + "x</a>" * 100_000 + "</script>Approved", "Approved"),
    ("<svg>" * 50_000 + "</a>" * 50_000 + "</svg>Approved", "Approved"),
])
def test_html_that_sends_the_stdlib_parser_back_to_the_start_is_read_right(html, text):
    assert html_to_text(html) == text


def test_tame_keeps_what_a_browser_shows():
    assert tame("a <!-- hidden --> b <!--[if mso]><b>x</b><![endif]--> c") == "a  b  c"
    assert tame("<!DOCTYPE html><p>1 < 2</p>") == "<p>1 &lt; 2</p>"
    assert tame("<![if !vml]><img src=x><![endif]>ok") == "<img src=x>ok"
    assert html_to_text("<p>1 < 2 and 3 > 2</p><p>x<y</p>") == "1 < 2 and 3 > 2\nx<y"


def test_deep_quotes_are_marked_at_most_twenty_deep():
    text = html_to_text("<blockquote>" * 30_000 + "quoted<br>" * 1000)
    lines = text.split("\n")
    assert lines[0] == "> " * 20 + "quoted" and len(lines) == 1000


# --- hostile headers ----------------------------------------------------------------------------

def test_a_subject_of_fifty_thousand_encoded_words_is_decoded_whole():
    word = "=?utf-8?B?" + base64.b64encode("Ура".encode()).decode() + "?="
    assert decode_header_value(" ".join([word] * 50_000)) == "Ура" * 50_000


def test_a_from_of_one_long_word_is_no_address_and_not_automatic():
    parsed = parse(mail(b"Approved", head=f"From: {'a' * 400_000}\r\nSubject: x\r\n"))
    assert parsed.from_address is None and parsed.from_problem == "no @ in the address"
    assert automatic.automatic_reason(parsed) is None


# --- reading the headers first ------------------------------------------------------------------

def test_headers_first_then_the_body():
    raw = mail(b"<div>Approved</div>", "text/html; charset=utf-8")
    parsed = parse(raw, body=False)
    assert (parsed.from_address, parsed.subject, parsed.text, parsed.html) == (
        "anna@example.com", "Re: Contract", "", None)
    read_body(parsed)
    assert (parsed.text, parsed.html) == ("Approved", "<div>Approved</div>")


# --- broken MIME --------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type, cte, body, text, defect", [
    ('multipart/alternative; boundary="b1"', None,
     b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nApproved\r\n--b1\r\n"
     b"Content-Type: text/html\r\n\r\n<p>Appr", "Approved", "not closed"),
    ("text/plain; charset=utf-8", "base64", base64.b64encode(b"Approved, thanks")[:-3],
     "Approved, thank", "truncated base64"),
    ("text/plain; charset=x-no-such-charset", None, "Согласовано".encode("koi8-r"),
     "Согласовано", "x-no-such-charset"),
    ("text/plain; charset=utf-8", None, b"Approved \xff\xfe", "Approved яю",
     "declared utf-8, read as cp1251"),
    ("text/html; charset=utf-8", "quoted-printable", b"<div>Approved=\r\n=FF</div><blockquo",
     "Approved\n<blockquo", "declared utf-8, read as"),
])
def test_broken_mime_gives_what_could_be_read_and_says_what_was_wrong(content_type, cte, body,
                                                                      text, defect):
    parsed = parse(mail(body, content_type, cte=cte))
    assert parsed.text == text
    assert any(defect in note for note in parsed.defects), parsed.defects
