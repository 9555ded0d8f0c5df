"""The ``/audit`` results fit the window, on a 1280 px desktop and on a 390x844 phone.

Issue 17 found the results table cut off at 1280 px. Here the table holds what real
searches find: long Russian titles, a long name and a long address, a provisional and a
pending trail. At both sizes the page has no horizontal scroll, and every cell of every row
(number, process, title, initiator and address, dates, status, trail) is on screen within the
window's width, so nothing is hidden off to the side; on the phone each row is a card whose
cells name their column. The site, Chromium and the contract flow come from
:mod:`tests.e2e.test_browser_audit`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import service
from approvals.store.db import write_session
from approvals.store.models import Person
from tests.e2e.test_browser_audit import (
    add_auditor,
    complete_contract,
    db,  # noqa: F401 - the site's database
    person_id,
)
from tests.e2e.test_browser_contract import PHONE, chromium, log_in, site  # noqa: F401
from tests.integration.flows import contract_fields
from tests.integration.web.site import WHO

LONG_EMAIL = "konstantin.preobrazhensky-zamestitel.direktora@departament-zakupok.example.com"
LONG_NAME = "Константин Владимирович Преображенский-Воскресенский"
TITLES = [
    "Договор поставки электротехнического оборудования для реконструкции распределительной "
    "подстанции № 110/10 кВ «Северная» с ООО «Межрегиональная энергосетевая компания»",
    "Дополнительное соглашение № 3 к договору аренды складского помещения "
    "(Санкт-Петербург, Промышленная улица, дом 14, литера А) о продлении срока до 2028 года",
    "Техобслуживаниевентиляционныхсистемикондиционеровзданияадминистративногокорпуса",
]
COLUMNS = ["№", "Процесс", "Предмет", "Инициатор", "Запущен", "Завершён", "Статус",
           "Лист согласования"]


@pytest.fixture
def results(db: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:  # noqa: F811
    """Two completed contracts and one still running, started by a person with a long name
    and address."""
    add_auditor(db)
    monkeypatch.setitem(WHO, "dmitry", "dmitry@example.com")
    with write_session(db) as session:
        ivan = session.exec(select(Person).where(Person.email == WHO["ivan"])).one()
        ivan.name, ivan.email = LONG_NAME, LONG_EMAIL
        session.add(ivan)
    monkeypatch.setitem(WHO, "ivan", LONG_EMAIL)
    at = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
    done = [complete_contract(db, title, at) for title in TITLES[:2]]
    fields = {**contract_fields([WHO["anna"]]), "title": TITLES[2]}
    running = service.start(db, "contract-approval", person_id(db, "ivan"), fields,
                            at).instance_id
    return [*done, running]


def assert_fits(page: Page, instances: list[int]) -> None:
    """No horizontal scroll, of the page or of the table's frame (whatever a frame scrolls is
    out of sight until someone scrolls it), and every cell of every row within the window."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    frame = page.locator("section[aria-labelledby=search-title] .table-wrap")
    assert frame.evaluate("f => f.scrollWidth - f.clientWidth") <= 0
    right = frame.bounding_box()["x"] + frame.bounding_box()["width"]
    rows = page.locator("tr.result")
    expect(rows).to_have_count(len(instances))
    for row in rows.all():
        cells = row.locator("td")
        expect(cells).to_have_count(len(COLUMNS))
        for cell in cells.all():
            if not cell.inner_text().strip():
                continue  # an instance still running has no end
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= right, (
                cell.inner_text(), box, right)
            expect(cell).to_be_visible()
    for title in TITLES:
        link = page.get_by_role("link", name=title)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    expect(page.get_by_text(LONG_EMAIL).first).to_be_visible()


@pytest.mark.browser
def test_the_audit_results_fit_a_desktop_window(site: str, chromium: Browser,  # noqa: F811
                                                 results: list[int]) -> None:
    _context, page = log_in(chromium, site, "dmitry", locale="ru-RU",
                            viewport={"width": 1280, "height": 800})
    page.goto(f"{site}/audit")
    assert_fits(page, results)
    headings = page.locator("table.results:not(.denials) thead th")
    expect(headings).to_have_text(COLUMNS)
    for heading in headings.all():
        expect(heading).to_be_visible()


@pytest.mark.browser
def test_the_audit_results_are_cards_on_a_phone(site: str, chromium: Browser,  # noqa: F811
                                                results: list[int]) -> None:
    _context, page = log_in(chromium, site, "dmitry", locale="ru-RU", **PHONE)
    page.goto(f"{site}/audit")
    assert_fits(page, results)
    # a card's cells say which column they are, the table's headings being out of sight
    first = page.locator("tr.result").first
    cells = first.locator("td").all()
    assert [cell.get_attribute("data-label") for cell in cells] == COLUMNS
    assert all(cell.evaluate("c => getComputedStyle(c, '::before').content") != "none"
               for cell in cells)
    assert page.locator("table.results:not(.denials) thead").evaluate(
        "h => h.getBoundingClientRect().width") <= 1  # the headings: for screen readers
