"""Answering a caught email on /dev/mail, in a real Chromium, into a real SMTP server.

The site, Chromium and the log-in come from :mod:`tests.e2e.test_browser_contract`. One task
mail lies in the catcher's Maildir; Anna opens it from the menu, types "Согласовано" and sends;
the SMTP server standing in for ``signoff smtp`` receives the threaded reply. The mail's HTML
part carries a script, which must not run (the frame is sandboxed, and its page's policy runs no
script), and the page itself breaks no rule of its Content-Security-Policy. A screenshot of the
message page lands in ``tmp_path``.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, expect

from tests.e2e.test_browser_contract import chromium, log_in, site  # noqa: F401 - fixtures
from tests.integration.web.test_mail_pages import REPLY_TO, TOKEN, Collector, catch, task_mail
from tests.support import free_port


@pytest.mark.browser
def test_a_person_answers_a_caught_mail_and_the_inbound_server_receives_the_reply(
        site: str, chromium: Browser, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        tmp_path: Path) -> None:
    monkeypatch.delenv("SMTP_HOST", raising=False)
    collector = Collector()
    port = free_port()
    monkeypatch.setenv("INBOUND_SMTP_PORT", str(port))
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        catch(task_mail())
        _context, anna = log_in(chromium, site, "anna")
        dialogs: list[str] = []
        anna.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        refused: list[str] = []  # what the Content-Security-Policy blocked, as Chromium says
        anna.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        anna.get_by_role("link", name="Dev mail").click()
        expect(anna.get_by_role("heading", level=1)).to_have_text("Caught mail")
        anna.get_by_role("link", name="Согласование: Supply contract 42").click()
        expect(anna).to_have_url(re.compile(r"/dev/mail/[^/]+$"))
        expect(anna.frame_locator("iframe.mail-html").get_by_text("Согласуйте договор.")) \
            .to_be_visible()
        expect(anna.locator("#sent-from")).to_contain_text(
            "Sent from your address, Anna Approver <anna@example.com>.")
        anna.locator("#reply-text").fill("Согласовано")
        anna.screenshot(path=str(tmp_path / "dev-mail-message.png"), full_page=True)
        anna.get_by_role("button", name="Send the reply").click()
        expect(anna).to_have_url(f"{site}/dev/mail")
        expect(anna.locator(".alert.success")).to_have_text(
            "Reply sent; the worker will process it.")
        assert dialogs == []  # the mail's script never ran
        assert refused == []
    finally:
        controller.stop()
    [envelope] = collector.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("anna@example.com", [REPLY_TO])
    reply = message_from_bytes(envelope.content, policy=policy.default)
    assert reply["In-Reply-To"] == f"<t.{TOKEN}@signoff.localhost>"
    assert reply["Subject"] == "Re: Согласование: Supply contract 42"
    body = reply.get_content().replace("\r\n", "\n")
    assert body.startswith("Согласовано\n\nOn Mon, 02 Mar 2026 09:00:00 +0000, Signoff wrote:\n"
                           "> Согласуйте договор.\n")
