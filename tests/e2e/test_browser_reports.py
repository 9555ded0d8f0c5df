"""The reports page in a real Chromium at 1280x800 and on a 390x844 phone (fixtures of
:mod:`tests.e2e.test_browser_contract`).

Twelve weeks of contract approvals and leads are written to the site's database (started,
approved — some late — completed, a few refused), then an administrator opens "Reports" from
the menu: the weekly trend, the stage durations and the overdue share are inline SVG images
with a title, labelled directly (readable without colour), their figures in tables; the
process filter is a GET form whose URL keeps it; on a phone the charts scale to the screen and
nothing scrolls sideways. Screenshots of the viewport land in ``docs/screenshots/``:
reports-desktop.png and reports-phone.png (the issue's closing note shows them).
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store import registry
from approvals.store.db import make_engine, write_session
from approvals.store.models import Instance, Person, Task
from tests.e2e.screenshots import shoot
from tests.e2e.test_browser_contract import PHONE, chromium, log_in, site  # noqa: F401

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def seed(database: Path) -> None:
    """Twelve weeks of work: contracts (approval, then sending to the client) and leads."""
    rng, now = random.Random(17), utcnow()
    engine = make_engine(f"sqlite:///{database}")
    with write_session(engine) as s:
        people = {p.email.split("@")[0]: p.id for p in s.exec(select(Person))}
        version = {row.process_id: row.id for row in registry.latest_versions(s)}
        approvers = [people["anna"], people["boris"], people["olga"]]
        for n in range(70):
            started = now - timedelta(days=rng.uniform(1, 83), hours=rng.uniform(0, 8))
            lead = n % 7 == 0
            process = "lead-handling" if lead else "contract-approval"
            spans = [("assign", [people["boris"]], rng.uniform(0.5, 30))] if lead else [
                ("approval", approvers[:rng.choice((1, 2, 3))], rng.uniform(2, 90)),
                ("send_to_client", [people["ivan"]], rng.uniform(1, 30))]
            opened, tasks, seq = started, [], 0
            for round_, (stage, who, hours) in enumerate(spans, start=1):
                closes = []
                for person in who:
                    took = timedelta(hours=hours * rng.uniform(0.3, 1.0))
                    closed = opened + took if opened + took < now else None
                    seq += 1
                    tasks.append(Task(seq=seq, stage=stage, round=round_, kind="approval",
                                      assignee_id=person, state="decided" if closed else "open",
                                      verdicts="approve,send_back", opened_at=opened,
                                      closed_at=closed,
                                      deadline=opened + timedelta(hours=48),
                                      verdict=("assigned" if lead else "approve")
                                      if closed else None,
                                      decided_by_id=person if closed else None))
                    closes.append(closed)
                if None in closes:
                    break
                opened = max(closes)
            ended = opened if opened < now and all(t.closed_at for t in tasks) else None
            status = "completed" if ended else "running"
            stage = ("refused" if lead else "completed") if ended else tasks[-1].stage
            row = Instance(process_id=process, process_version_id=version[process],
                           title=f"{process} {n}", status=status, stage=stage,
                           initiator_id=people["ivan"], fields={}, started_at=started,
                           ended_at=ended)
            s.add(row)
            s.flush()
            for task in tasks:
                task.instance_id = row.id
                s.add(task)
    engine.dispose()


@pytest.mark.browser
def test_the_reports_page_shows_its_charts_on_a_desktop_and_a_phone(
        site: str, chromium: Browser, tmp_path: Path) -> None:  # noqa: F811
    seed(tmp_path / "signoff.db")
    _context, ada = log_in(chromium, site, "ada", **DESKTOP)
    ada.locator("nav.menu").get_by_role("link", name="Reports").click()
    expect(ada).to_have_url(re.compile(r"/reports$"))
    expect(ada.get_by_role("heading", level=1)).to_have_text("Reports")
    trend = ada.locator("svg#chart-trend")
    expect(trend).to_be_visible()
    expect(trend).to_have_attribute("role", "img")
    expect(trend.locator("title")).to_have_text("Instances by week")
    expect(trend.locator("text.direct-label")).to_have_count(3)  # each line named where it ends
    expect(trend.locator("polyline")).to_have_count(3)
    dashes = [trend.locator("polyline").nth(i).get_attribute("stroke-dasharray")
              for i in range(3)]
    assert dashes == [None, "6 3", "2 3"]  # told apart without colour
    stages = ada.locator("svg#chart-stages")
    expect(stages.locator("title")).to_have_text("Time spent at each stage")
    expect(stages.locator("text.bar-label", has_text="Contract approval · Approval")
           ).to_be_visible()
    assert stages.locator("rect.bar-p90").first.get_attribute("fill") == "url(#hatch-p90)"
    expect(stages.locator("text.value", has_text=re.compile(r"^median "))).to_have_count(3)
    expect(ada.locator("svg#chart-overdue title")).to_contain_text("overdue")
    expect(ada.locator("#table-weeks tbody tr")).to_have_count(12)
    expect(ada.locator("#table-slowest tbody tr").first).to_be_visible()
    started = int(ada.locator("#total-started").inner_text())
    assert started > 0
    ada.screenshot(path=str(tmp_path / "reports-full.png"), full_page=True)
    ada.evaluate("document.getElementById('summary-h').scrollIntoView()")  # the figures
    shoot(ada, "reports-desktop")

    ada.get_by_label("Process").select_option("contract-approval")
    ada.get_by_role("button", name="Show").click()
    expect(ada).to_have_url(re.compile(r"/reports\?process=contract-approval&from="))
    expect(ada.get_by_label("Process")).to_have_value("contract-approval")
    expect(stages.locator("text.bar-label", has_text="Approval")).to_be_visible()
    assert int(ada.locator("#total-started").inner_text()) < started  # the leads left out

    _phone_context, phone = log_in(chromium, site, "ada", **PHONE)
    phone.goto(f"{site}/reports")
    expect(phone.locator("svg#chart-trend")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    box = phone.locator("svg#chart-stages").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.screenshot(path=str(tmp_path / "reports-phone-full.png"), full_page=True)
    phone.evaluate("document.getElementById('trend-h').scrollIntoView()")  # the charts
    shoot(phone, "reports-phone")
