"""The reply's own text: quoted originals from Outlook, Gmail, Apple Mail, Yandex, Mail.ru and
plain-text clients are cut; top-posted, bottom-posted and interleaved answers are kept."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from approvals.texts.answers import REPLY_MARKER
from mail.parse import parse
from mail.quoting import own_text, own_text_of
from mail.verdicts import read_verdict

REQUEST = ("Ответьте выше этой строки\n"
           "Анна Петрова просит согласовать договор поставки № 42.\n"
           "Ответьте одним словом: Согласовано или На доработку.")


def mail(text: str | None = None, html: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Anna Petrova <anna@example.com>"
    msg["Subject"] = "RE: Договор поставки"
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    else:
        msg.set_content(html or "", subtype="html")
    return msg.as_bytes()


# --- HTML -------------------------------------------------------------------------------------

OUTLOOK_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head>
<body dir="ltr"><div class="elementToProof" style="font-family: Aptos;">Согласовано!</div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri" style="font-size:11pt"><b>От:</b> Signoff
&lt;signoff@signoff.localhost&gt;<br><b>Отправлено:</b> 20 мая 2024 г. 10:00<br><b>Кому:</b>
Анна Петрова<br><b>Тема:</b> Договор поставки</font><div>&nbsp;</div></div>
<div>Ответьте выше этой строки</div><div>Не согласовано — пример слова, которое не считается</div>
</body></html>"""


def test_outlook_html_only_reply_is_cut_at_div_rply_fwd_msg():
    parsed = parse(mail(html=OUTLOOK_HTML))
    assert parsed.text_from_html
    assert own_text(parsed) == "Согласовано!"
    assert read_verdict(own_text(parsed), ("approve", "send_back")).verdict == "approve"


def test_outlook_x_prefixed_container_from_a_forwarding_gateway():
    html = ('<div>Approved</div><div id="x_divRplyFwdMsg"><b>From:</b> Signoff<br>'
            "<b>Sent:</b> Monday</div><div>Not approved</div>")
    assert own_text(parse(mail(html=html))) == "Approved"


def test_outlook_desktop_html_without_ids_is_cut_at_the_header_block():
    html = ('<div class="WordSection1"><p class="MsoNormal">Да<o:p></o:p></p>'
            '<p class="MsoNormal"><o:p>&nbsp;</o:p></p><div><div style="border:none;'
            'border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">'
            "<b>From:</b> Signoff &lt;signoff@signoff.localhost&gt;<br><b>Sent:</b> Monday, "
            "May 20, 2024 10:00 AM<br><b>To:</b> Anna<br><b>Subject:</b> Contract</p></div>"
            "</div><p>Approve or send back?</p></div>")
    assert own_text(parse(mail(html=html))) == "Да"


GMAIL_TEXT = """Не согласовано, нет подписи на странице 3.

пн, 20 мая 2024 г. в 10:00, Signoff <signoff@signoff.localhost>:

> Ответьте выше этой строки
> Анна Петрова просит согласовать договор поставки № 42.
> Ответьте одним словом: Согласовано или На доработку.
"""

GMAIL_HTML = """<div dir="ltr">Не согласовано, нет подписи на странице 3.</div><br>
<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">пн, 20 мая
2024 г. в 10:00, Signoff &lt;<a href="mailto:signoff@signoff.localhost">signoff@signoff.localhost
</a>&gt;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">
<div>Ответьте выше этой строки</div><div>Согласовано</div></blockquote></div>"""


def test_gmail_reply_with_gmail_quote():
    parsed = parse(mail(GMAIL_TEXT, GMAIL_HTML))
    assert own_text(parsed) == "Не согласовано, нет подписи на странице 3."


def test_gmail_html_only_reply():
    assert own_text(parse(mail(html=GMAIL_HTML))) == "Не согласовано, нет подписи на странице 3."


def test_gmail_bottom_post_inside_the_quote_container_falls_back_to_the_text():
    html = ('<div class="gmail_quote"><div class="gmail_attr">On Mon, May 20, 2024 Signoff '
            'wrote:</div><blockquote class="gmail_quote">Approve?</blockquote>'
            "<div>Approved</div></div>")
    text = "On Mon, May 20, 2024 Signoff wrote:\n\n> Approve?\n\nApproved\n"
    assert own_text(parse(mail(text, html))) == "Approved"


APPLE_HTML = """<html><body style="overflow-wrap: break-word;"><div>Согласовано</div>
<div><br></div><div><br><blockquote type="cite"><div>20 мая 2024 г., в 10:00, Signoff
&lt;signoff@signoff.localhost&gt; написал(а):</div><br><div><div>Ответьте выше этой строки</div>
<div>Не согласовано?</div></div></blockquote></div><br></body></html>"""


def test_apple_mail_blockquote_type_cite():
    assert own_text(parse(mail(html=APPLE_HTML))) == "Согласовано"


def test_yandex_reply_with_attribution_above_a_blockquote():
    html = ("<div>Ознакомлена</div><div> </div><div>20.05.2024, 10:00, \"Signoff\" "
            "&lt;signoff@signoff.localhost&gt;:</div><blockquote><div>Ответьте выше этой "
            "строки</div></blockquote>")
    assert own_text(parse(mail(html=html))) == "Ознакомлена"


def test_mailru_reply_with_a_data_quote_container():
    html = ('<div>Оплачено</div><div data-mailru-quote="true">Понедельник, 20 мая 2024, '
            "10:00 +03:00 от Signoff:<br>Согласовано?</div>")
    assert own_text(parse(mail(html=html))) == "Оплачено"


def test_html_structure_is_preferred_over_a_flattened_text_part():
    text = "Approved\n\nVon: Signoff\nGesendet: Montag\nBetreff: Contract\n\nNot approved"
    html = ('<div>Approved</div><div id="divRplyFwdMsg"><b>Von:</b> Signoff</div>'
            "<div>Not approved</div>")
    assert own_text(parse(mail(text, html))) == "Approved"


def test_plain_text_is_used_when_html_has_no_quote_structure():
    text = "Approved\n\n-----Original Message-----\nFrom: Signoff\n\nNot approved"
    html = "<div>Approved</div><div>-----Original Message-----</div><div>Not approved</div>"
    assert own_text(parse(mail(text, html))) == "Approved"


# --- plain text -------------------------------------------------------------------------------

def test_top_posted_reply_above_a_russian_outlook_header_block():
    text = ("Согласовано!\n\nС уважением,\nАнна\n\n"
            "________________________________\nОт: Signoff <signoff@signoff.localhost>\n"
            "Отправлено: 20 мая 2024 г. 10:00\nКому: Анна Петрова\nТема: Договор поставки\n\n"
            + REQUEST)
    assert own_text_of(text) == "Согласовано!\n\nС уважением,\nАнна"


@pytest.mark.parametrize("header", [
    "From: Signoff <signoff@signoff.localhost>\nSent: Monday, May 20, 2024 10:00 AM\nTo: Anna",
    "**From:** Signoff\n**Sent:** Monday\n**To:** Anna\n**Subject:** Contract",
    "   From: Signoff\n   Date: Monday\n   Subject: Contract",
    "От: Signoff\nДата: 20 мая\nТема: Договор",
    "*От:* Signoff\n\n*Отправлено:* 20 мая",
])
def test_outlook_header_blocks_cut_the_original(header):
    assert own_text_of(f"Yes\n\n{header}\n\nApprove?\n") == "Yes"


def test_a_from_line_without_the_other_headers_is_own_text():
    assert own_text_of("Approved\nFrom: the legal department, no objections") == (
        "Approved\nFrom: the legal department, no objections")


def test_bottom_posted_reply_keeps_the_text_below_the_quote():
    text = ("On Mon, 20 May 2024 at 10:00, Signoff <signoff@signoff.localhost> wrote:\n"
            "> Reply above this line\n> Please approve the contract.\n>\n\n"
            "Approved, thanks.\n\nSent from my iPhone\n")
    assert own_text_of(text) == "Approved, thanks."


def test_reply_whose_quote_says_approved_but_own_text_asks_a_question():
    text = ("Вопрос: какой срок?\n\n20.05.2024, 10:00, \"Signoff\" <signoff@signoff.localhost>:\n"
            "> Согласовано\n> " + REPLY_MARKER["ru"] + "\n")
    own = own_text_of(text)
    assert own == "Вопрос: какой срок?"
    reading = read_verdict(own, ("approve", "send_back"))
    assert reading.verdict is None and not reading.ambiguous


def test_interleaved_reply_keeps_the_unquoted_lines():
    text = ("> Is the amount right?\nYes\n> And the deadline?\nFriday is fine\n"
            "> Anything else?\n")
    assert own_text_of(text) == "Yes\nFriday is fine"


@pytest.mark.parametrize("attribution", [
    "On Mon, 20 May 2024 at 10:00, Signoff <signoff@signoff.localhost> wrote:",
    "On Mon, May 20, 2024 at 10:00 AM Signoff <\nsignoff@signoff.localhost> wrote:",
    "20.05.2024 10:00, Signoff пишет:",
    "Понедельник, 20 мая 2024, 10:00 +03:00 от Signoff <signoff@signoff.localhost>:",
    "20 мая 2024 г., в 10:00, Signoff <signoff@signoff.localhost> написал(а):",
    "В пн, 20 мая 2024 г. в 10:00, Signoff\n<signoff@signoff.localhost> написал:",
    "Анна Петрова написала:",
])
def test_attribution_lines_and_their_quotes_are_dropped(attribution):
    text = f"Top answer\n\n{attribution}\n\n> Согласовано\n> второе\n\nBottom answer"
    assert own_text_of(text) == "Top answer\n\nBottom answer"


def test_attribution_followed_by_an_unquoted_original_cuts_there():
    text = "Да\n\nOn Monday Signoff wrote:\nСогласуйте договор.\nСогласовано или нет?"
    assert own_text_of(text) == "Да"


@pytest.mark.parametrize("separator", [
    "-----Original Message-----",
    "-------- Исходное сообщение --------",
    "-------- Original Message --------",
    "---------- Forwarded message ---------",
    "-------- Пересылаемое сообщение --------",
    "Begin forwarded message:",
])
def test_original_and_forwarded_separators_cut(separator):
    assert own_text_of(f"Согласовано\n\n{separator}\nСогласуйте договор\nНе согласовано") == (
        "Согласовано")


@pytest.mark.parametrize("marker", [
    "Reply above this line", "## REPLY ABOVE THIS LINE ##", "--- reply above this line ---",
    "Ответьте выше этой строки", "— ОТВЕТЬТЕ ВЫШЕ ЭТОЙ СТРОКИ —",
    "Ответьте\u00a0выше этой строки",
])
def test_our_marker_cuts_in_any_case(marker):
    assert own_text_of(f"OK\n{marker}\nНе согласовано") == "OK"


def test_quoted_marker_is_dropped_with_its_quote():
    assert own_text_of(f"Да\n\n> {REPLY_MARKER['ru']}\n> Нет\n") == "Да"


@pytest.mark.parametrize("signature", [
    "-- \nAnna Petrova\nCFO",
    "--\nAnna",
    "Sent from my iPhone",
    "Sent from my Galaxy",
    "Get Outlook for Android",
    "Отправлено с iPhone",
    "Отправлено из мобильной Почты Mail.ru",
    "Отправлено из мобильной Яндекс Почты",
])
def test_signatures_are_stripped(signature):
    assert own_text_of(f"Approved\n\n{signature}\n") == "Approved"


def test_only_quotes_give_no_own_text():
    assert own_text_of("> Согласовано\n>\n> Ответьте выше этой строки") == ""


def test_own_text_of_plain_mail_through_parse():
    parsed = parse(mail("Approved\r\n\r\nOn Monday Signoff wrote:\r\n> Not approved?\r\n"))
    assert own_text(parsed) == "Approved"


def test_gmail_russian_attribution_wrapped_over_two_lines():
    text = ("Да\n\nпн, 20 мая 2024 г. в 10:00, Signoff <\nsignoff@signoff.localhost>:\n\n"
            "> Согласовано\n")
    assert own_text_of(text) == "Да"


def test_a_line_with_a_number_above_an_attribution_stays_own_text():
    text = "Да\nСрок 5 дней\nOn Monday Signoff wrote:\n> Согласуйте\nСпасибо"
    assert own_text_of(text) == "Да\nСрок 5 дней\nСпасибо"


def test_html_signatures_are_dropped():
    html = ('<div>Approved</div><div class="gmail_signature">Anna Petrova<br>No phone</div>'
            '<div id="ms-outlook-mobile-signature">Get Outlook</div>')
    assert own_text(parse(mail(html=html))) == "Approved"
