"""A person picker in a real Chromium: on the days-away form Ivan types part of a Russian name
into the deputy field, picks the person with the arrow keys and Enter, and the form submits
the email address the server expects; the field is a combobox with a listbox of suggestions.

The site, Chromium and the log-in come from :mod:`tests.e2e.test_browser_contract`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store.db import make_engine, read_session
from approvals.store.models import Deputy, Person
from tests.e2e.test_browser_contract import chromium, log_in, site  # noqa: F401 - fixtures


@pytest.mark.browser
def test_a_deputy_is_picked_by_part_of_a_russian_name_with_the_keyboard(
        site: str, chromium: Browser, tmp_path: Path) -> None:  # noqa: F811 - fixtures
    _context, ivan = log_in(chromium, site, "ivan")
    ivan.goto(f"{site}/away")
    deputy = ivan.locator("#a-deputy")
    expect(deputy).to_have_attribute("role", "combobox")
    deputy.press_sequentially("бори")
    options = ivan.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Борис Согласующий")
    expect(deputy).to_have_attribute("aria-expanded", "true")
    deputy.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    deputy.press("Enter")
    expect(deputy).to_have_value("boris@example.com")
    expect(deputy).to_have_attribute("aria-expanded", "false")

    first = utcnow().date() + timedelta(days=30)
    ivan.fill("#a-from", first.isoformat())
    ivan.fill("#a-to", (first + timedelta(days=2)).isoformat())
    ivan.locator("form.card button[type=submit]").last.click()
    expect(ivan.locator("p.alert.success")).to_contain_text(re.compile("Борис Согласующий"))

    engine = make_engine(f"sqlite:///{tmp_path / 'signoff.db'}")
    try:
        with read_session(engine) as session:
            boris = session.exec(select(Person).where(
                Person.email == "boris@example.com")).one()
            assert [d.deputy_id for d in session.exec(select(Deputy))] == [boris.id]
    finally:
        engine.dispose()


@pytest.mark.browser
def test_a_list_of_approvers_is_a_textbox_that_suggests_and_appends_the_picked_address(
        site: str, chromium: Browser) -> None:  # noqa: F811 - fixtures
    """The approvers field is a multi-line textarea: it keeps its textbox role (a combobox role
    is not allowed on a textarea), says it suggests from a list, and a pick is appended after
    the addresses already typed."""
    _context, ivan = log_in(chromium, site, "ivan")
    ivan.goto(f"{site}/processes/contract-approval/start")
    approvers = ivan.locator("textarea[data-person-picker=people]")
    expect(approvers).to_have_attribute("aria-autocomplete", "list")
    assert approvers.get_attribute("role") is None
    assert approvers.get_attribute("aria-expanded") is None
    approvers.fill("anna@example.com, ")
    approvers.press_sequentially("бори")
    options = ivan.get_by_role("option")
    expect(options).to_have_count(1)
    approvers.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    approvers.press("Enter")
    expect(approvers).to_have_value(re.compile(r"^anna@example\.com, ?boris@example\.com"))
    assert approvers.get_attribute("aria-expanded") is None
