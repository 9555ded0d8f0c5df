"""The discussion on an instance, in a real Chromium with every part real: Anna, on a 390 px
phone, writes a comment on the instance page with the keyboard and sees it in the thread;
Boris answers his task mail on ``/dev/mail`` with "Комментарий: …", the reply travels by SMTP
into the inbound server, the worker records it as a comment, and it appears in the thread of
the page Anna is reading.

The site, Chromium, the log-in, the worker, the catcher and the inbound server come from
:mod:`tests.e2e.test_browser_email_loop` (and what it takes from the contract test).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import dispatch, service
from approvals.clock import utcnow
from approvals.config.mail import MailSettings
from approvals.store.db import read_session
from approvals.store.models import Person
from tests.e2e.test_browser_contract import PHONE, chromium, log_in, site  # noqa: F401
from tests.e2e.test_browser_email_loop import (  # noqa: F401 - fixtures, reused
    Catcher,
    RunningWorker,
    broker,
    db,
    inbound,
    mail_catcher,
    reload_until,
    worker,
)
from tests.integration.flows import contract_fields
from tests.integration.web.site import WHO

TITLE = "Supply contract 88"


def _person(db: Engine, who: str) -> int:  # noqa: F811 - db is a fixture
    with read_session(db) as session:
        return session.exec(select(Person.id).where(Person.email == WHO[who])).one()


@pytest.mark.browser
def test_a_comment_on_the_page_and_one_by_email_appear_in_the_thread(
        site: str, chromium: Browser, db: Engine, worker: RunningWorker,  # noqa: F811
        mail_catcher: Catcher, inbound: MailSettings, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNOFF_BASE_URL", site)
    started = service.start(db, "contract-approval", _person(db, "ivan"),
                            dict(contract_fields([WHO["anna"], WHO["boris"]]), title=TITLE),
                            utcnow())
    dispatch.kick(started.outbox_ids)
    page_url = f"{site}/instances/{started.instance_id}"

    # Anna, on her phone, comments with the keyboard only
    _anna_context, anna = log_in(chromium, site, "anna", **PHONE)
    anna.goto(page_url)
    expect(anna.get_by_role("heading", name="Discussion")).to_be_visible()
    expect(anna.locator("#discussion")).to_contain_text("No comments yet.")
    box = anna.get_by_label("Your comment")
    box.focus()
    anna.keyboard.type("Who signs for Acme?")
    anna.keyboard.press("Shift+Enter")
    anna.keyboard.type("<b>Not</b> the director, I hope.")
    anna.keyboard.press("Tab")
    expect(anna.get_by_role("button", name="Add comment")).to_be_focused()
    anna.keyboard.press("Enter")
    expect(anna).to_have_url(re.compile(rf"/instances/{started.instance_id}#discussion$"))
    comment = anna.locator("#discussion blockquote.comment")
    expect(comment).to_have_text("Who signs for Acme?\n<b>Not</b> the director, I hope.")
    expect(anna.locator("#discussion .event-actor")).to_have_text("Anna Approver")
    assert anna.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    # Boris answers his task mail with a comment, on /dev/mail
    _boris_context, boris = log_in(chromium, site, "boris", locale="ru-RU")
    row = reload_until(boris, f"{site}/dev/mail", lambda page: page.locator(
        "tr.caught", has_text=WHO["boris"]).filter(has_text=f"Новая задача: «{TITLE}»"),
        worker, "Boris's task mail")
    row.first.get_by_role("link").click()
    boris.locator("#reply-text").fill("Комментарий: подписывает коммерческий директор.")
    boris.get_by_role("button", name="Отправить ответ").click()
    expect(boris.locator(".alert.success")).to_be_visible()

    by_mail = reload_until(anna, page_url, lambda page: page.locator(
        "#discussion li.event-commented", has_text="коммерческий директор"), worker,
        "Boris's comment by email")
    expect(by_mail).to_contain_text("Борис Согласующий")
    expect(by_mail).to_contain_text("by email")
    expect(anna.locator("#discussion li.event-commented")).to_have_count(2)
    # the task was not decided by the comment: Boris still has it to answer
    boris.goto(page_url)
    expect(boris.get_by_role("link", name=re.compile("Открыть мою задачу"))).to_be_visible()
