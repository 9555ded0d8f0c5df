"""The main flow with the keyboard alone, in a real Chromium: Tab, Shift+Tab, Enter, Space and
typing; no click and no ``fill`` anywhere.

Ivan logs in, skips the menu with the "Skip to content" link, opens the catalogue from the
menu, starts a contract (the file chosen through the file dialog the Space key opens); Anna
logs in, opens the task from her inbox and approves it. Every element the Tab key reaches on
the way must show where the focus is (an outline of at least 2 px, from ``:focus-visible``),
and the pages it lands on are checked with axe-core once more, as the keyboard left them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_browser_contract import chromium, site  # noqa: F401
from tests.integration.web.site import PASSWORD, WHO

#: What the focused element is, and whether its focus can be seen.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id, type: e.getAttribute('type') || '',
          name: (e.getAttribute('aria-label') || e.innerText || e.value || '').trim(),
          label: e.labels && e.labels.length ? e.labels[0].innerText.trim() : '',
          inMain: !!e.closest('main'),
          // a date field's calendar button: the browser's own part, with its own focus ring
          inner: !e.matches(':focus'),
          outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
          visible: box.width > 0 && box.height > 0 && box.bottom > 0};
}"""


def tab_to(page: Page, wanted, most: int = 60, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until ``wanted(focused)`` holds; every element passed on the
    way must show a focus outline."""
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"the focus is on something out of sight: {focused}"
        assert focused["outline"] >= 2 or focused["inner"], \
            f"no visible focus indicator on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"the Tab key never reached it on {page.url}")


def every_stop_shows_its_focus(page: Page, most: int = 150) -> int:
    """Tab through the whole page, from the top until the focus leaves it, each stop checked as
    :func:`tab_to` checks it; the number of stops."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); "
                  "window.scrollTo(0, 0); }")
    stops = set()
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (focused["tag"], focused["id"], focused["name"]) in stops:
            return len(stops)  # past the last stop: the browser's own controls, or around again
        stops.add((focused["tag"], focused["id"], focused["name"]))
        assert focused["outline"] >= 2 or focused["inner"], \
            f"no visible focus indicator on {focused} ({page.url})"
    raise AssertionError(f"more than {most} Tab stops on {page.url}")


def named(text: str):
    return lambda f: f["name"] == text


def labelled(text: str):
    return lambda f: f["label"].startswith(text)


def log_in_by_keyboard(browser: Browser, base: str, who: str) -> Page:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    tab_to(page, lambda f: f["id"] == "email")
    page.keyboard.type(WHO[who])
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["id"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")  # submits the form
    expect(page).to_have_url(f"{base}/")
    return page


@pytest.mark.browser
def test_a_contract_is_started_and_approved_with_the_keyboard_alone(
        site: str, chromium: Browser, tmp_path: Path) -> None:  # noqa: F811
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(b"%PDF-1.4\n% a contract\n")
    ivan = log_in_by_keyboard(chromium, site, "ivan")

    # the first Tab stop is the skip link, shown when it has the focus; it leads past the menu
    ivan.keyboard.press("Tab")
    skip = ivan.evaluate(FOCUSED)
    assert skip["name"] == "Skip to content" and skip["visible"] and skip["outline"] >= 2
    ivan.keyboard.press("Enter")
    expect(ivan).to_have_url(f"{site}/#main")
    ivan.keyboard.press("Tab")
    assert ivan.evaluate(FOCUSED)["inMain"], "the skip link did not lead into the content"

    # the catalogue from the menu (back up past the skip link's target), then the contract
    ivan.keyboard.press("Shift+Tab")
    tab_to(ivan, named("Start"), back=True)
    ivan.keyboard.press("Enter")
    expect(ivan).to_have_url(f"{site}/processes")
    tab_to(ivan, lambda f: f["name"].startswith("Contract approval"))
    ivan.keyboard.press("Enter")
    expect(ivan).to_have_url(f"{site}/processes/contract-approval/start")
    assert_accessible(ivan, "the start form, reached by keyboard")
    assert every_stop_shows_its_focus(ivan) > 10

    tab_to(ivan, labelled("Title"))
    ivan.keyboard.type("Keyboard contract")
    tab_to(ivan, labelled("Counterparty"))
    ivan.keyboard.type("Acme LLC")
    tab_to(ivan, labelled("Amount"))
    ivan.keyboard.type("150000")
    tab_to(ivan, labelled("Contract"))
    with ivan.expect_file_chooser() as chooser:
        ivan.keyboard.press("Space")  # a file input opens its dialog on Space
    chooser.value.set_files(contract)
    tab_to(ivan, labelled("Approvers"))
    ivan.keyboard.type("anna@example.com, boris@example.com")
    ivan.keyboard.press("Escape")  # closes the picker's suggestions, if it shows any
    tab_to(ivan, named("Start"))
    ivan.keyboard.press("Enter")
    expect(ivan).to_have_url(re.compile(r"/instances/\d+$"))
    expect(ivan.locator(".alert.success")).to_have_text("The process has started.")
    instance_url = ivan.url

    # Anna opens the task from her inbox and approves it
    anna = log_in_by_keyboard(chromium, site, "anna")
    tab_to(anna, named("Keyboard contract"))
    anna.keyboard.press("Enter")
    expect(anna).to_have_url(re.compile(r"/tasks/\d+$"))
    assert_accessible(anna, "the task, reached by keyboard")
    assert every_stop_shows_its_focus(anna) > 10
    tab_to(anna, named("Approve"))
    anna.keyboard.press("Space")  # a button is pressed with Space as well as Enter
    expect(anna).to_have_url(instance_url)
    expect(anna.locator(".alert.success")).to_contain_text("Approve")
    assert_accessible(anna, "the instance after the decision")
    assert every_stop_shows_its_focus(anna) > 10
    anna.goto(f"{site}/")  # the inbox, its filters and lists
    assert every_stop_shows_its_focus(anna) > 10
