"""``signoff hr overtime`` credits hours for time off and ``signoff hr balance`` lists the
ledger; a bad amount is refused with the rule and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from hr.models import LeaveEntry
from signoff.cli import main
from tests.integration.flows import rows

SQLITE = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


@SQLITE
def test_overtime_hours_credited_and_the_balance_listed(db: Engine, org, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    done = runner.invoke(main, ["hr", "overtime", "ivan@example.com", "6,5", "2026-04-04",
                                "Inventory on Saturday", "--by", "ada@example.com"])
    assert done.exit_code == 0, done.output
    assert "6.5 hours of overtime on 2026-04-04; 6.5 hours for time off" in done.output
    refused = runner.invoke(main, ["hr", "overtime", "ivan@example.com", "0", "2026-04-04",
                                   "Oops"])
    assert refused.exit_code == 1 and "amount: 0 does not suit this line" in refused.output
    assert [(line.amount, line.reason) for line in rows(db, LeaveEntry,
                                                        LeaveEntry.kind == "overtime")] == [
        (650, "Inventory on Saturday")]
    listed = runner.invoke(main, ["hr", "balance", "ivan@example.com", "--year", "2026"])
    assert listed.exit_code == 0, listed.output
    assert "Time off against overtime: 6.50 hours today" in listed.output
    assert "overtime" in listed.output and "Inventory on Saturday" in listed.output
