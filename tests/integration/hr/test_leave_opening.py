"""A company moving to Signoff brings in each person's leave balance from the previous system:
the ledger, which counts the months accrued since the hire date, gets one carry-over line that
makes the balance on that day the one stated, and explains both figures; a bad file is named
line by line and nothing is written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from approvals.store.db import write_connection
from hr import ledger
from hr import opening_balances as opening
from hr.models import LeaveEntry
from signoff.cli import main
from tests.integration.flows import rows
from tests.integration.hr.leave_support import hire

SQLITE = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
FILE = """email,leave_type,balance,as_of,source
ivan@example.com,annual,"16,67",30.11.2026,1C:ZUP
"""


@SQLITE
def test_a_balance_brought_in_is_the_balance_on_its_day_and_its_line_explains_it(
        db: Engine, org) -> None:
    hire(db, org.initiator, date(2021, 2, 15))
    with write_connection(db) as conn:
        counted = ledger.balance(conn, org.initiator, "annual", date(2026, 11, 30), now=NOW)
        assert counted > 150  # five years and more of months accrued, none used here
        [(line, difference)] = opening.bring_in(conn, FILE, org.admin, NOW)
        assert difference == Decimal("16.67") - counted
        assert ledger.balance(conn, org.initiator, "annual", date(2026, 11, 30),
                              now=NOW) == Decimal("16.67")
        # the month ending 14 December is still earned after the day brought in
        assert ledger.balance(conn, org.initiator, "annual", date(2026, 12, 14),
                              now=NOW) == Decimal("16.67") + ledger.monthly_amount(
                                  Decimal(28), 10)
        [carried] = [entry for entry in ledger.entries(conn, org.initiator, "annual")
                     if entry.kind == "carry_over"]
        assert carried.reason == (f"1C:ZUP: 16.67 on 2026-11-30 (counted here "
                                  f"{ledger.number(counted)})")
        assert carried.author_id == org.admin
        # the same file again changes nothing: the ledger already agrees
        assert opening.bring_in(conn, FILE, org.admin, NOW)[0][1] == 0


@SQLITE
def test_a_bad_file_names_each_line_and_writes_nothing(db: Engine, org, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "balances.csv"
    bad.write_text("email,leave_type,balance,as_of,source\n"
                   "ivan@example.com,annual,12.5,2026-11-30,\n"
                   "nobody@example.com,annual,3,2026-11-30,\n"
                   "anna@example.com,unpaid,3,2026-11-30,\n"
                   "boris@example.com,annual,3.333,31.11.2026,\n"
                   "ivan@example.com,annual,4,2099-01-01,\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    done = CliRunner().invoke(main, ["hr", "opening-balances", str(bad), "--by",
                                     "ada@example.com"])
    assert done.exit_code == 1
    assert "nothing was written" in done.output
    assert "line 3: nobody has the address 'nobody@example.com'" in done.output
    assert "line 4: 'unpaid' is not a leave type with a balance" in done.output
    assert "line 5: the balance '3.333' has more than two decimals" in done.output
    assert "line 5: '31.11.2026' is not a date" in done.output
    assert "line 6: the day 2099-01-01 is after today" in done.output
    assert "line 6: ivan@example.com and annual were given on line 2 already" in done.output
    assert "line 2" not in done.output.replace("on line 2 already", "")
    assert rows(db, LeaveEntry, LeaveEntry.kind == "carry_over") == []
    good = tmp_path / "good.csv"
    good.write_text("email;leave_type;balance;as_of\nivan@example.com;annual;7;2026-11-30\n",
                    encoding="utf-8")
    done = CliRunner().invoke(main, ["hr", "opening-balances", str(good), "--by",
                                     "ada@example.com"])
    assert done.exit_code == 0, done.output
    assert "ivan@example.com annual: 7 on 2026-11-30 (previous system)" in done.output
    assert "1 balance(s) brought in" in done.output
