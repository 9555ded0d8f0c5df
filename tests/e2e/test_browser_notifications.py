"""The unread count on the menu, in a real Chromium: Anna has two new tasks; she opens the
notifications from the menu with the keyboard, opens one, and the count goes down by one; "Mark
all as read" takes the badge away.

The site, Chromium and the log-in come from :mod:`tests.e2e.test_browser_contract`; the site's
database from :mod:`tests.e2e.test_browser_email_loop`.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.store.db import read_session
from approvals.store.models import OutboxItem, Person
from tests.e2e.test_browser_contract import chromium, log_in, site  # noqa: F401 - fixtures
from tests.e2e.test_browser_email_loop import db  # noqa: F401 - the site's database
from tests.integration.flows import contract_fields, rows
from tests.integration.web.site import NOW, WHO
from workers import outbox


@pytest.mark.browser
def test_opening_a_notification_brings_the_unread_badge_down(
        site: str, chromium: Browser, db: Engine) -> None:  # noqa: F811 - fixtures
    with read_session(db) as s:
        ivan = s.exec(select(Person.id).where(Person.email == WHO["ivan"])).one()
    for n in range(2):
        service.start(db, "contract-approval", ivan,
                      dict(contract_fields([WHO["anna"]]), title=f"Supply contract {n}"), NOW)
    outbox.deliver_batch(db, [r.id for r in rows(db, OutboxItem, OutboxItem.state == "pending",
                                                 OutboxItem.kind == "notify")], utcnow())

    _context, anna = log_in(chromium, site, "anna")
    menu = anna.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(menu).to_have_accessible_name("Notifications (2 unread)")
    menu.focus()
    anna.keyboard.press("Enter")
    expect(anna.locator("h1")).to_have_text("Notifications")
    expect(anna.locator("li.notice.is-unread")).to_have_count(2)

    anna.get_by_role("button", name=re.compile(r"^Open: .*Supply contract 0")).click()
    expect(anna).to_have_url(re.compile(r"/tasks/\d+$"))
    expect(menu).to_have_accessible_name("Notifications (1 unread)")

    menu.click()
    expect(anna.locator("li.notice.is-unread")).to_have_count(1)
    anna.get_by_role("button", name="Mark all as read").click()
    expect(anna.locator("li.notice.is-unread")).to_have_count(0)
    expect(menu).to_have_accessible_name("Notifications")
