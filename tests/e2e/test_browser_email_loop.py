"""The issue's "Done means", clicked through in a real Chromium with every part real.

The web app on a real socket, a real Dramatiq worker consuming every queue, the built-in mail
catcher and the inbound SMTP server, each on a free port: the initiator starts a contract
approval in the browser; the first approver (who reads Russian) finds the task mail on
``/dev/mail``, answers it with the quick word "Согласовано"; the reply travels by SMTP into the
inbound server, the worker decides the task by email, and the next approver's mail appears on
her ``/dev/mail`` (each person sees only the mail addressed to them). Nothing waits for a
fixed time: the pages are reloaded until what they should show is there, and an actor that
raises fails the test at once.

The site, Chromium and the log-in come from :mod:`tests.e2e.test_browser_contract`; the broker,
the worker and the mail catcher are the integration tests' fixtures, here on the site's own
database.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.config.mail import MailSettings
from approvals.store.db import make_engine, read_session
from approvals.store.models import AuditEvent, InboundMessage, Person, ReplyToken, Task
from tests.e2e.test_browser_contract import chromium, log_in, site  # noqa: F401 - fixtures
from tests.integration import mailflow
from tests.integration.conftest import (  # noqa: F401 - fixtures, reused
    Catcher,
    RunningWorker,
    broker,
    mail_catcher,
    worker,
)
from tests.integration.web.site import WHO
from workers.actors import handle_inbound

TITLE = "Supply contract 77"
PATIENCE = 60.0  # seconds a page may take to show what the worker does; not a measure


@pytest.fixture
def db(site: str, tmp_path: Path) -> Iterator[Engine]:  # noqa: F811 - site is a fixture
    """The site's own SQLite database (``build_app`` keeps it in ``tmp_path``): the worker
    and the inbound server work on the rows the web pages show."""
    engine = make_engine(f"sqlite:///{tmp_path / 'signoff.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def inbound(db: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSettings]:
    """The inbound SMTP server (``signoff smtp``) on a free port, named by
    ``INBOUND_SMTP_PORT`` so ``/dev/mail`` sends its replies there; each stored message is
    handed to the worker's ``handle_inbound``."""
    with mailflow.inbound_server(db, handle_inbound.send) as settings:
        monkeypatch.setenv("INBOUND_SMTP_PORT", str(settings.inbound_port))
        yield settings


def reload_until(page: Page, url: str, find: Callable[[Page], Locator],
                 worker: RunningWorker, what: str) -> Locator:  # noqa: F811
    """Open ``url`` again and again until ``find`` sees something there (as a person waiting
    for a mail would), failing at once if an actor raised."""
    deadline = time.monotonic() + PATIENCE
    while True:
        page.goto(url)
        found = find(page)
        if found.count():
            return found
        assert not worker.failures.errors, "an actor failed:\n" + "\n".join(
            worker.failures.errors)
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not appear on {url} in {PATIENCE:g} s")
        page.wait_for_timeout(250)


def task_mail_row(address: str) -> Callable[[Page], Locator]:
    """The row of ``/dev/mail`` listing the task mail delivered to ``address``."""
    return lambda page: page.locator("tr.caught", has_text=address).filter(
        has_text=f"Новая задача: «{TITLE}»")


def task_of(db: Engine, instance_id: int, who: str) -> Task:
    with read_session(db) as session:
        person = session.exec(select(Person).where(Person.email == WHO[who])).one()
        return session.exec(select(Task).where(Task.instance_id == instance_id,
                                               Task.assignee_id == person.id)).one()


@pytest.mark.browser
def test_a_newcomer_approves_by_email_on_dev_mail_and_the_next_approver_is_mailed(
        site: str, chromium: Browser, db: Engine, worker: RunningWorker,  # noqa: F811
        mail_catcher: Catcher, inbound: MailSettings, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNOFF_BASE_URL", site)  # the mail's links lead to this site
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(b"%PDF-1.4\n% the contract\n")

    # The initiator starts a contract approval: Boris first, then Olga (both read Russian).
    _ivan_context, ivan = log_in(chromium, site, "ivan")
    ivan.get_by_role("link", name="Start", exact=True).click()
    ivan.get_by_role("link", name="Contract approval").click()
    ivan.get_by_label("Title").fill(TITLE)
    ivan.get_by_label("Counterparty").fill("Acme LLC")
    ivan.get_by_label("Amount").fill("150 000")
    ivan.get_by_label("Contract").set_input_files(contract)
    ivan.get_by_label("Approvers").fill(f"{WHO['boris']}\n{WHO['olga']}")
    ivan.get_by_role("button", name="Start").click()
    expect(ivan).to_have_url(re.compile(r"/instances/\d+$"))
    instance_url = ivan.url
    instance_id = int(instance_url.rsplit("/", 1)[1])

    # Boris opens the caught mail from the menu and answers with the quick word.
    _boris_context, boris = log_in(chromium, site, "boris", locale="ru-RU")
    boris.get_by_role("link", name="Тестовая почта").click()
    expect(boris.get_by_role("heading", level=1)).to_have_text("Перехваченная почта")
    row = reload_until(boris, f"{site}/dev/mail", task_mail_row(WHO["boris"]), worker,
                       "Boris's task mail")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(boris).to_have_url(re.compile(r"/dev/mail/[^/]+$"))
    expect(boris.get_by_role("heading", level=1)).to_contain_text(f"Новая задача: «{TITLE}»")
    expect(boris.locator("[data-header=Reply-To] dd")).to_have_text(
        re.compile(rf"^reply\+[^@\s]+@{re.escape(inbound.domain)}$"))
    expect(boris.locator("#sent-from")).to_contain_text(WHO["boris"])
    boris.get_by_role("button", name="Согласовано", exact=True).click()
    expect(boris).to_have_url(f"{site}/dev/mail")
    expect(boris.locator(".alert.success")).to_have_text(
        "Ответ отправлен; его обработает фоновый обработчик.")

    # The worker decides Boris's task by email; the initiator sees it on the instance page.
    boris_task = task_of(db, instance_id, "boris")
    decided = reload_until(ivan, instance_url,
                           lambda page: page.locator(f"#task-{boris_task.id}.is-decided"),
                           worker, "Boris's decision")
    expect(decided.locator(".verdict-approve")).to_have_text("Approved")
    expect(decided).to_contain_text("via email")
    expect(ivan.locator(".timeline")).to_contain_text("via email")

    boris_task = task_of(db, instance_id, "boris")
    assert (boris_task.state, boris_task.verdict, boris_task.channel) == (
        "decided", "approve", "email")
    with read_session(db) as session:
        [reply] = session.exec(select(InboundMessage)).all()
        [event] = session.exec(select(AuditEvent).where(AuditEvent.task_id == boris_task.id,
                                                        AuditEvent.kind == "decided")).all()
        tokens = session.exec(select(ReplyToken).where(
            ReplyToken.task_id == boris_task.id)).all()
    assert (reply.channel, reply.outcome, reply.task_id, reply.sender) == (
        "smtp", "decided", boris_task.id, WHO["boris"])
    assert event.data["evidence"]["message_id"] == reply.message_id
    assert [token.used_by_inbound_id for token in tokens] == [reply.id]

    # Olga's task is open now, and her mail appears on her /dev/mail, not on Boris's.
    olga_task = task_of(db, instance_id, "olga")
    assert olga_task.state == "open"
    _olga_context, olga = log_in(chromium, site, "olga", locale="ru-RU")
    reload_until(olga, f"{site}/dev/mail", task_mail_row(WHO["olga"]), worker,
                 "Olga's task mail")
    expect(olga.locator("tr.caught", has_text=WHO["boris"])).to_have_count(0)
    boris.goto(f"{site}/dev/mail")
    expect(task_mail_row(WHO["boris"])(boris)).to_have_count(1)
    expect(task_mail_row(WHO["olga"])(boris)).to_have_count(0)
    # the decision by email is acknowledged to Boris, with a way to say it was not him
    expect(boris.locator("tr.caught", has_text=WHO["boris"]).filter(
        has_text=f"Ваше решение записано: «{TITLE}»")).to_have_count(1)
    worker.join()  # nothing left half done: every queue drains without an actor failing
