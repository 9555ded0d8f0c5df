"""The inbox's search, filters and sort and "Done by me", clicked through in a real Chromium
at 1280x800 and on a 390x844 phone (fixtures of :mod:`tests.e2e.test_browser_contract`).

Ivan starts three contracts for Anna and Boris; Anna searches her inbox in Russian from the
keyboard, filters it by process and sorts it by amount, approves one and finds it under "Done
by me" with her answer and the process's status; on a phone the filters fold under "Filters"
and the list fits the screen. Screenshots of the viewport (not the full page, to stay small)
are written to ``docs/screenshots/`` by `make screenshots`: inbox-desktop.png, inbox-phone.png,
done-desktop.png, done-phone.png (the issue's closing note shows them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.screenshots import shoot
from tests.e2e.test_browser_contract import PHONE, chromium, log_in, site  # noqa: F401

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
CONTRACTS = (("Договор поставки", "ООО «Ромашка»", "500000"),
             ("Supply contract 7", "Acme LLC", "150000"),
             ("Аренда склада", "ИП Складов", "90000"))


def start_contract(page: Page, base: str, title: str, counterparty: str, amount: str,
                   file: Path) -> None:
    page.goto(f"{base}/processes/contract-approval/start")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Counterparty").fill(counterparty)
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Contract").set_input_files(file)
    page.get_by_label("Approvers").fill("anna@example.com\nboris@example.com")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))


def inbox_titles(page: Page) -> list[str]:
    return page.locator("ul.inbox a.card-link").all_inner_texts()


@pytest.mark.browser
def test_the_inbox_is_searched_filtered_sorted_and_done_by_me_follows(
        site: str, chromium: Browser, tmp_path: Path) -> None:  # noqa: F811
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(b"%PDF-1.4\n% a contract\n")
    _ivan_context, ivan = log_in(chromium, site, "ivan")
    for title, counterparty, amount in CONTRACTS:
        start_contract(ivan, site, title, counterparty, amount, contract)

    # Anna, at 1280x800: three tasks; the menu counts them
    _anna_context, anna = log_in(chromium, site, "anna", **DESKTOP)
    expect(anna.locator("nav.menu a", has_text="Inbox").locator(".count")).to_have_text("3")
    expect(anna.locator("#tab-open .count")).to_have_text("3")
    assert inbox_titles(anna) == [title for title, _c, _a in CONTRACTS]  # oldest first

    # a search in Russian, letter case aside, typed and sent from the keyboard
    anna.get_by_label("Search").focus()
    anna.keyboard.type("АРЕНДА")
    anna.keyboard.press("Enter")
    expect(anna).to_have_url(re.compile(r"/\?q=%D0%90"))
    assert inbox_titles(anna) == ["Аренда склада"]
    anna.get_by_label("Search").fill("ромашка")  # a field's text
    anna.keyboard.press("Enter")
    expect(anna.locator("ul.inbox a.card-link")).to_have_text(["Договор поставки"])

    # filters and a sort (the filters are open on a wide screen)
    anna.get_by_label("Search").fill("")
    anna.get_by_label("Process").select_option("contract-approval")
    anna.get_by_label("Sort by").select_option("amount")
    anna.get_by_label("Order").select_option("asc")
    anna.get_by_role("button", name="Apply").first.click()
    expect(anna).to_have_url(re.compile(r"process=contract-approval&sort=amount&order=asc"))
    assert inbox_titles(anna) == ["Аренда склада", "Supply contract 7", "Договор поставки"]
    expect(anna.get_by_label("Sort by")).to_have_value("amount")  # the form keeps them
    anna.get_by_label("Order").select_option("desc")
    anna.get_by_role("button", name="Apply").first.click()
    assert inbox_titles(anna) == ["Договор поставки", "Supply contract 7", "Аренда склада"]
    shoot(anna, "inbox-desktop")
    anna.get_by_label("Overdue only").check()
    anna.get_by_role("button", name="Apply").first.click()
    expect(anna.locator("#none-match")).to_be_visible()  # nothing is overdue yet
    anna.get_by_role("link", name="Clear filters").first.click()
    expect(anna).to_have_url(f"{site}/")

    # she approves the supply contract: it leaves My tasks and shows under Done by me
    anna.locator("ul.inbox a.card-link", has_text="Договор поставки").click()
    anna.get_by_role("button", name="Approve").click()
    expect(anna).to_have_url(re.compile(r"/instances/\d+$"))
    anna.goto(f"{site}/")
    expect(anna.locator("#tab-open .count")).to_have_text("2")
    anna.get_by_role("link", name=re.compile(r"^Done by me")).click()
    expect(anna).to_have_url(f"{site}/done")
    row = anna.locator("#list-done tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Договор поставки")
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("In progress")  # the process, now
    expect(anna.locator("#tab-done .count")).to_have_text("1")
    shoot(anna, "done-desktop")

    # on a phone: the filters fold under "Filters", the lists fit 390 px
    _phone_context, phone = log_in(chromium, site, "anna", **PHONE)
    filters = phone.locator("details.more-filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(phone.get_by_label("Sort by")).to_be_hidden()
    phone.locator("details.more-filters summary").click()
    phone.get_by_label("Sort by").select_option("amount")
    phone.get_by_role("button", name="Apply").last.click()
    expect(phone).to_have_url(re.compile(r"sort=amount"))
    assert inbox_titles(phone) == ["Supply contract 7", "Аренда склада"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "inbox-phone")
    phone.get_by_role("link", name=re.compile(r"^Done by me")).click()
    expect(phone.locator("#list-done tbody tr")).to_contain_text("Approved")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "done-phone")
