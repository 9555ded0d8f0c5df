"""Documents previewed on the instance page, in a real Chromium: a contract whose second
version is a two-page PDF shows its pages as images (rendered on the server by the limited
child process), lazily loaded, with "Page k of n" alt texts; every version is listed with its
author and SHA-256, and the comparison of the two versions marks the changed words. A contract
with a PNG scan shows the image in place. On a 390 px phone the page does not scroll sideways.

Screenshots of the instance with its preview and a discussion comment are written to
``docs/screenshots/`` by `make screenshots`: instance-desktop.png (1280×800 window) and
instance-phone.png (390×844), each of the whole page (the preview and the discussion are far
apart on it); the issue's closing note shows them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.store.db import read_session
from approvals.store.models import Person, Task
from tests.e2e.accessibility import assert_accessible
from tests.e2e.screenshots import shoot
from tests.e2e.test_browser_contract import PHONE, chromium, log_in, site  # noqa: F401
from tests.e2e.test_browser_email_loop import db  # noqa: F401 - a fixture, reused
from tests.integration.flows import contract_fields, upload
from tests.integration.web.site import WHO
from tests.integration.web.test_documents import pdf, png

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def _ids(db: Engine) -> dict[str, int]:  # noqa: F811 - db is a fixture
    with read_session(db) as session:
        return {who: session.exec(select(Person.id).where(Person.email == email)).one()
                for who, email in WHO.items()}


def _contract(db: Engine, title: str, filename: str, content: bytes) -> int:  # noqa: F811
    fields = dict(contract_fields([WHO["anna"], WHO["boris"]]), title=title,
                  contract=upload(filename, content))
    return service.start(db, "contract-approval", _ids(db)["ivan"], fields,
                         utcnow()).instance_id


def _loaded(image: Locator) -> None:
    """The image is scrolled to (it loads lazily), then shown with its pixels."""
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    image.page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                 arg=image.element_handle())


@pytest.mark.browser
def test_a_pdf_and_an_image_are_previewed_in_the_page_and_two_versions_compared(
        site: str, chromium: Browser, db: Engine) -> None:  # noqa: F811
    who = _ids(db)
    now = utcnow()
    contract = _contract(db, "Supply contract 7", "contract-v1.pdf",
                         pdf("SUPPLY CONTRACT No. 7\nPrice: 100 000 RUB\nPayment in 30 days."))
    with read_session(db) as session:
        anna_task = session.exec(select(Task.id).where(
            Task.instance_id == contract, Task.assignee_id == who["anna"],
            Task.state == "open")).one()
    service.decide(db, anna_task, who["anna"], "send_back", "Payment in 45 days, please.",
                   now + timedelta(minutes=1))
    service.resubmit(db, contract, who["ivan"], {"contract": upload("contract-v2.pdf", pdf(
        "SUPPLY CONTRACT No. 7\nPrice: 100 000 RUB\nPayment in 45 days.",
        "Annex A. Delivery schedule"))}, "Payment terms changed", now + timedelta(minutes=2))
    service.comment(db, contract, who["boris"], "Who signs for Acme? The director is away "
                    "until Monday.", now + timedelta(minutes=3))
    scan = _contract(db, "Warehouse lease", "scan.png", png(600, 400))

    _context, anna = log_in(chromium, site, "anna", **DESKTOP)
    anna.goto(f"{site}/instances/{contract}")
    pages = anna.locator(".preview-pages img")
    expect(pages).to_have_count(2)
    expect(pages.nth(0)).to_have_attribute("alt", "Page 1 of 2 of contract-v2.pdf")
    expect(pages.nth(0)).to_have_attribute("loading", "lazy")
    _loaded(pages.nth(0))
    _loaded(pages.nth(1))
    versions = anna.locator("ul.documents li.document")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Ivan Initiator")
    expect(versions.nth(0).locator(".hash code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(anna.locator("#discussion blockquote.comment")).to_contain_text("Who signs for Acme?")
    assert_accessible(anna, "the instance page with a PDF preview")
    anna.locator(".preview-pages").evaluate("box => box.scrollTop = 0")  # the first page
    shoot(anna, "instance-desktop", full_page=True, scale="css")

    anna.get_by_role("link", name=re.compile(r"^Compare with version 1")).click()
    expect(anna).to_have_url(re.compile(rf"/instances/{contract}/fields/contract/compare"))
    changed = anna.locator("table.diff tr.row-changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("del")).to_have_text("30")
    expect(changed.locator("ins")).to_have_text("45")
    expect(anna.locator("table.diff tr.row-added")).to_contain_text("Annex A")
    assert_accessible(anna, "two versions compared")
    anna.goto(f"{site}/instances/{contract}")
    anna.get_by_role("link", name=re.compile(r"^Preview contract-v1\.pdf")).click()
    expect(anna.get_by_role("heading", level=1)).to_have_text(
        "Preview of version 1: contract-v1.pdf")
    _loaded(anna.get_by_role("img", name="Page 1 of 1 of contract-v1.pdf"))
    assert_accessible(anna, "a version's preview page")

    anna.goto(f"{site}/instances/{scan}")
    image = anna.get_by_role("img", name="scan.png, version 1")
    _loaded(image)
    assert image.evaluate("img => img.naturalWidth") == 600
    assert_accessible(anna, "the instance page with an image preview")

    _phone_context, phone = log_in(chromium, site, "anna", **PHONE)
    phone.goto(f"{site}/instances/{contract}")
    _loaded(phone.locator(".preview-pages img").first)
    expect(phone.locator("#discussion blockquote.comment")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    phone.locator(".preview-pages").evaluate("box => box.scrollTop = 0")
    shoot(phone, "instance-phone", full_page=True, scale="css")
    _shown_on_phone(phone, f"{site}/instances/{contract}/fields/contract/compare")


def _shown_on_phone(phone: Page, url: str) -> None:
    phone.goto(url)
    expect(phone.locator("table.diff")).to_be_visible()
    assert_accessible(phone, "two versions compared, on a phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
