"""A bulk decision clicked through in a real Chromium: a manager with three leave requests and
a contract to approve selects two requests in the inbox (the contract, another kind, can no
longer be selected; the bar says how many are selected) and approves them with one click.

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
from approvals.store.db import read_session, write_session
from approvals.store.directory import import_people
from approvals.store.models import Person, Task
from tests.e2e.test_browser_contract import chromium, log_in, site  # noqa: F401 - fixtures
from tests.e2e.test_browser_email_loop import db  # noqa: F401 - the site's database
from tests.integration.flows import contract_fields, request_leave, team_people
from tests.integration.web.site import NOW, WHO


@pytest.mark.browser
def test_a_manager_selects_two_requests_in_the_inbox_and_approves_them_at_once(
        site: str, chromium: Browser, db: Engine) -> None:  # noqa: F811 - fixtures
    with write_session(db) as s:
        import_people(s, team_people(WHO["anna"], 3))
        people = dict(s.exec(select(Person.email, Person.id)).all())
    requests = [request_leave(db, people[f"employee{n:02}@example.com"], NOW).instance_id
                for n in (1, 2, 3)]
    service.start(db, "contract-approval", people[WHO["ivan"]], contract_fields([WHO["anna"]]),
                  NOW)

    _context, anna = log_in(chromium, site, "anna")
    cards = anna.locator("ul.inbox li.task-card")
    expect(cards).to_have_count(4)
    picks = anna.locator("input.pick")
    expect(anna.get_by_role("button", name="Approve selected")).to_be_hidden()
    anna.get_by_label(re.compile("Select “Leave: Employee")).nth(0).check()
    anna.get_by_label(re.compile("Select “Leave: Employee")).nth(1).check()
    expect(anna.locator("#bulk-count")).to_have_text("Selected: 2")
    expect(anna.get_by_label("Select “Supply contract”")).to_be_disabled()  # another kind
    expect(picks.nth(2)).to_be_enabled()  # the third request may still join
    anna.get_by_label("Comment for all selected (optional)").fill("Agreed")
    anna.get_by_role("button", name="Approve selected").click()

    expect(anna.locator("h1")).to_have_text("Bulk decision")
    expect(anna.locator("#bulk-decided")).to_have_text(
        "Decided: 2 of 2 — Approved. Each is recorded as its own decision.")
    expect(anna.locator(".bulk-decided li")).to_have_count(2)
    with read_session(db) as s:
        decided = s.exec(select(Task.instance_id).where(Task.state == "decided",
                                                        Task.comment == "Agreed")).all()
    assert sorted(decided) == requests[:2]
    anna.get_by_role("link", name="Back to the inbox").click()
    expect(cards).to_have_count(2)  # the third request and the contract
