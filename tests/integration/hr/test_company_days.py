"""The company's own days through ``signoff calendar``: a day off imported from a CSV moves a
deadline in working days by one day on the next command; a CSV with a bad line changes
nothing; removing the day brings the deadline back; ``list`` shows the year."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from approvals import service
from approvals.store.models import Task, Timer
from hr.models import CompanyDay
from signoff.cli import main
from tests.integration.flows import load_process, rows

PROCESS = """\
id: three-days
name: {en: Three days, ru: Три дня}
fields:
  - {name: title, type: text, required: true, label: Title}
stages:
  - key: check
    name: Check
    assignees: [{person: anna@example.com}]
    deadline: {working_days: 3}
"""
MONDAY = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # Wednesday 17 June is an ordinary day


@pytest.fixture
def cli(db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def due(db: Engine, org) -> datetime:
    """Start the three-day check on Monday 15 June 2026: when its deadline falls."""
    started = service.start(db, "three-days", org.initiator, {"title": "Contract"}, MONDAY)
    [task] = rows(db, Task, Task.instance_id == started.instance_id)
    [timer] = rows(db, Timer, Timer.task_id == task.id, Timer.kind == "deadline")
    return timer.due_at.replace(tzinfo=None)


def csv(tmp_path: Path, *lines: str, name: str = "days.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join(["date,kind,reason", *lines]) + "\n", encoding="utf-8")
    return str(path)


def test_a_company_day_off_moves_a_deadline_and_removing_it_brings_it_back(
        db, org, now, tmp_path, cli) -> None:
    load_process(db, tmp_path, PROCESS, now)
    assert due(db, org) == datetime(2026, 6, 18, 10, 0)  # Tue 16, Wed 17, Thu 18

    result = cli("calendar", "import", csv(tmp_path, "17.06.2026,выходной,День компании",
                                          "2026-12-31,day_off,"),
                 "--by", org.email(org.admin))
    assert result.exit_code == 0, result.output
    assert "2 day(s) added, 0 updated, 0 unchanged" in result.output
    assert due(db, org) == datetime(2026, 6, 19, 10, 0)  # Tue 16, Thu 18, Fri 19

    listed = cli("calendar", "list", "--year", "2026")
    assert listed.exit_code == 0, listed.output
    assert "  2026-06-17 Wed  day_off  День компании" in listed.output
    assert "  2026-06-12 Fri  russia day" in listed.output
    assert "(year 246)" in listed.output  # 247 published, less 17 June (31 December is off already)

    # a bad line: nothing is stored, not even the good line before it
    bad = cli("calendar", "import", csv(tmp_path, "2026-06-18,day_off,", "2026-06-19,holiday,",
                                        name="bad.csv"))
    assert bad.exit_code == 1
    assert "nothing was changed" in bad.output
    assert "Line 3: “holiday” is not a kind of day" in bad.output
    assert {row.day for row in rows(db, CompanyDay)} == {date(2026, 6, 17), date(2026, 12, 31)}
    assert due(db, org) == datetime(2026, 6, 19, 10, 0)

    # the same date again takes the file's kind: 17 June a working day as it was
    again = cli("calendar", "import", csv(tmp_path, "2026-06-17,working_day,", name="w.csv"))
    assert "0 day(s) added, 1 updated, 0 unchanged" in again.output
    assert due(db, org) == datetime(2026, 6, 18, 10, 0)
    cli("calendar", "import", csv(tmp_path, "2026-06-17,day_off,", name="off.csv"))
    assert due(db, org) == datetime(2026, 6, 19, 10, 0)

    removed = cli("calendar", "remove", "2026-06-17")
    assert removed.exit_code == 0, removed.output
    assert "removed 2026-06-17 (day_off)" in removed.output
    assert due(db, org) == datetime(2026, 6, 18, 10, 0)
    assert cli("calendar", "remove", "17.06.2026").exit_code == 1
    assert cli("calendar", "remove", "someday").exit_code == 2
