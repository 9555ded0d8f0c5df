"""The process catalogue in a real Chromium with JavaScript off, on a 390 px phone: a Russian
employee searches it by typing and pressing Enter (a plain GET form), sees the areas' headings
in Russian and no sideways scroll, and starts a process from it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_browser_contract import PHONE, chromium, log_in, site  # noqa: F401


@pytest.mark.browser
def test_a_phone_searches_the_catalogue_without_javascript(chromium: Browser,  # noqa: F811
                                                          site: str) -> None:  # noqa: F811
    _context, olga = log_in(chromium, site, "olga", locale="ru-RU", java_script_enabled=False,
                            **PHONE)
    olga.goto(f"{site}/processes")
    headings = olga.locator("section.catalogue-area h2")
    expect(headings).to_have_text(["Документы", "Финансы", "Кадры", "Продажи", "Прочее"])
    expect(olga.get_by_text("Утверждение документа (по статусам)")).to_have_count(0)
    assert olga.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    search = olga.get_by_label("Найти процесс")
    search.fill("ОТПУСК")
    search.press("Enter")
    expect(olga).to_have_url(re.compile(r"/processes\?q=%D0%9E"))
    expect(headings).to_have_text(["Кадры"])
    olga.get_by_role("link", name="Заявление на отпуск").click()
    expect(olga).to_have_url(f"{site}/processes/vacation/start")
