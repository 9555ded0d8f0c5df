"""A contract from start to completion, clicked through in a real Chromium.

The app is served for real (werkzeug, threaded) on a free port; Playwright drives a headless
Chromium. The initiator starts a contract with a file and two approvers; the first approver,
on a phone-sized screen, sends it back; the initiator resubmits; both approve (one of them in
Russian); the initiator marks it sent to the client. Screenshots of the instance page and of
the task page on a 390x844 viewport land in ``tmp_path``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.integration.web.site import PASSWORD, WHO, build_app
from tests.support import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str,
         app_broker) -> Iterator[str]:
    """The base URL of a Signoff served on 127.0.0.1 for the length of the test."""
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    app: Flask = build_app(tmp_path)
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="signoff-web", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["signoff.db"].dispose()


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def log_in(browser: Browser, base: str, who: str, locale: str = "en-GB",
           **options) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale=locale, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    page.fill("#email", WHO[who])
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")
    return context, page


def open_task_from_inbox(page: Page, base: str, title: str) -> None:
    page.goto(f"{base}/")
    page.locator("ul.inbox a.card-link", has_text=title).first.click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+$"))


@pytest.mark.browser
def test_a_contract_is_started_sent_back_resubmitted_approved_and_completed(
        site: str, chromium: Browser, tmp_path: Path) -> None:
    contract_v1 = tmp_path / "contract-v1.pdf"
    contract_v1.write_bytes(b"%PDF-1.4\n% the first draft\n")
    contract_v2 = tmp_path / "contract-v2.pdf"
    contract_v2.write_bytes(b"%PDF-1.4\n% the second draft, amount fixed\n")
    title = "Supply contract 42"

    # The initiator starts the contract.
    _ivan_context, ivan = log_in(chromium, site, "ivan")
    ivan.get_by_role("link", name="Start", exact=True).click()
    ivan.get_by_role("link", name="Contract approval").click()
    expect(ivan.get_by_role("heading", level=1)).to_have_text("Contract approval")
    ivan.get_by_label("Title").fill(title)
    ivan.get_by_label("Counterparty").fill("Acme LLC")
    ivan.get_by_label("Amount").fill("150 000")
    ivan.get_by_label("Contract").set_input_files(contract_v1)
    ivan.get_by_label("Approvers").fill("anna@example.com\nboris@example.com")
    ivan.get_by_role("button", name="Start").click()
    expect(ivan).to_have_url(re.compile(r"/instances/\d+$"))
    instance_url = ivan.url
    expect(ivan.locator(".alert.success")).to_have_text("The process has started.")
    expect(ivan.locator(".stage-current .stage-name")).to_have_text("Approval")

    # The first approver, on a phone, sends it back with a comment.
    _anna_context, anna = log_in(chromium, site, "anna", **PHONE)
    open_task_from_inbox(anna, site, title)
    expect(anna.get_by_role("button", name="Approve")).to_be_visible()
    anna.screenshot(path=str(tmp_path / "task-phone.png"), full_page=True)
    assert anna.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    anna.get_by_role("button", name="Send back").click()  # without a comment: refused
    expect(anna.locator("#comment-error")).to_contain_text("needs a comment")
    anna.get_by_label("Comment", exact=True).fill("Please fix the amount: 120 000.")
    anna.get_by_role("button", name="Send back").click()
    expect(anna).to_have_url(instance_url)
    expect(anna.locator(".alert.success")).to_contain_text("Send back")

    # The initiator revises: a new amount, a new version of the file.
    open_task_from_inbox(ivan, site, title)
    expect(ivan.locator(".revision-form")).to_contain_text("Please fix the amount: 120 000.")
    ivan.get_by_label("Amount").fill("120000")
    ivan.locator("input[name=contract]").set_input_files(contract_v2)
    ivan.get_by_label("What did you change?").fill("Amount fixed.")
    ivan.get_by_role("button", name="Resubmit").click()
    expect(ivan).to_have_url(instance_url)
    expect(ivan.locator(".documents .document")).to_have_count(2)

    # Both approvers approve; the second reads Russian.
    open_task_from_inbox(anna, site, title)
    anna.get_by_role("button", name="Approve").click()
    expect(anna).to_have_url(instance_url)
    _boris_context, boris = log_in(chromium, site, "boris", locale="ru-RU")
    expect(boris.get_by_role("heading", level=1)).to_have_text("Мои задачи")
    open_task_from_inbox(boris, site, title)
    boris.get_by_role("button", name="Согласовать").click()
    expect(boris).to_have_url(instance_url)
    expect(boris.locator(".stage-current .stage-name")).to_have_text("Отправить договор клиенту")

    # The initiator sends the contract to the client and marks it done.
    open_task_from_inbox(ivan, site, title)
    expect(ivan.locator(".decision h2")).to_have_text("Your decision")
    ivan.get_by_role("button", name="Done").click()
    expect(ivan).to_have_url(instance_url)
    expect(ivan.locator(".subtitle .badge")).to_have_text("Completed")
    expect(ivan.locator(".stages .stage")).to_have_count(2)
    expect(ivan.locator(".stages .stage-done")).to_have_count(2)
    expect(ivan.locator(".timeline")).to_contain_text("Process completed")
    ivan.screenshot(path=str(tmp_path / "instance.png"), full_page=True)

    boris.goto(instance_url)
    expect(boris.locator(".subtitle .badge")).to_have_text("Завершено")
    expect(boris.locator(".stages .stage-done")).to_have_count(2)
    for shot in ("task-phone.png", "instance.png"):
        assert (tmp_path / shot).stat().st_size > 10_000
