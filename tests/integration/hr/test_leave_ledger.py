"""The leave ledger (hr/ledger.py) on a real database: monthly accrual written once however
often it is asked for, a balance that is the sum of its lines (the months still to come on a
later day counted, not written), HR's adjustment refused without a reason, a year's statement
that opens with what was carried over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from approvals.core.errors import FormInvalid
from approvals.store.db import write_connection
from approvals.store.models import Person
from hr import ledger
from hr.models import LeaveEntry
from tests.integration.hr.leave_support import NOW, hire

#: only the accrual's insert differs between the databases (its ON CONFLICT): the rest on SQLite
SQLITE = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


def count(conn) -> int:
    return conn.execute(select(func.count()).select_from(LeaveEntry)).scalar_one()


def test_accrual_is_written_once_however_often_it_is_asked_for(db: Engine, org) -> None:
    hire(db, org.initiator, date(2025, 9, 1))
    with write_connection(db) as conn:
        assert ledger.accrue(conn, org.initiator, NOW.date(), NOW) == 7  # Sep 2025 - Mar 2026
        assert ledger.accrue(conn, org.initiator, NOW.date(), NOW) == 0
        assert ledger.balance(conn, org.initiator, "annual", NOW.date(), now=NOW) == \
            Decimal("16.33")
        assert count(conn) == 7
        keys = [line.key for line in ledger.entries(conn, org.initiator, "annual")]
    assert keys[0] == "accrual:2025-09" and keys[-1] == "accrual:2026-03"
    with write_connection(db) as conn:  # a later command, the next day: nothing new
        assert ledger.accrue(conn, org.initiator, date(2026, 4, 16),
                             NOW.replace(day=16)) == 0


@SQLITE
def test_the_balance_is_the_sum_of_its_lines_and_a_later_day_counts_the_months_to_come(
        db: Engine, org) -> None:
    hire(db, org.initiator, date(2025, 9, 1))
    with write_connection(db) as conn:
        # on 1 May the month ending 30 April is earned: 8 months, 28 * 8 / 12 = 18.67
        assert ledger.balance(conn, org.initiator, "annual", date(2026, 5, 1), now=NOW) == \
            Decimal("18.67")
        assert count(conn) == 7  # counted, not written: it is not May yet
        ledger.add(conn, org.initiator, "annual", "adjustment", Decimal("-1.5"),
                   date(2026, 4, 15), "Two days taken in 2025 on paper", org.admin, now=NOW)
        assert ledger.balance(conn, org.initiator, "annual", date(2026, 5, 1), now=NOW) == \
            Decimal("17.17")
        lines = ledger.entries(conn, org.initiator, "annual")
        assert sum(line.amount for line in lines) == Decimal("14.83")
        assert ledger.balance(conn, org.initiator, "annual", NOW.date(), now=NOW) == \
            Decimal("14.83")


@SQLITE
def test_an_adjustment_needs_a_reason_and_an_author_and_writes_nothing_without(
        db: Engine, org) -> None:
    with write_connection(db) as conn:
        before = count(conn)
        with pytest.raises(FormInvalid) as refused:
            ledger.add(conn, org.initiator, "annual", "adjustment", Decimal(3), NOW.date(),
                       "   ", None, now=NOW)
        assert refused.value.errors == {"reason": ("required", {}), "author": ("required", {})}
        with pytest.raises(FormInvalid) as refused:
            ledger.add(conn, org.initiator, "annual", "use", Decimal("1.234"), NOW.date(),
                       now=NOW)
        assert refused.value.errors["amount"][0] == "leave_amount_precision"
        with pytest.raises(FormInvalid) as refused:
            ledger.add(conn, org.initiator, "holiday", "adjustment", Decimal(1), NOW.date(),
                       "x", org.admin, now=NOW)
        assert refused.value.errors["leave_type"][0] == "leave_type_unknown"
        assert count(conn) == before


@SQLITE
def test_a_year_statement_opens_with_what_was_carried_over(db: Engine, org) -> None:
    hire(db, org.initiator, date(2025, 9, 1))
    with write_connection(db) as conn:
        statement = ledger.statement(conn, org.initiator, "annual", 2026, now=NOW)
    # four months of 2025 (Sep-Dec): 28 * 4 / 12 = 9.33 carried over
    assert statement.opening == Decimal("9.33")
    assert [(line.on, line.amount, running) for line, running in statement.lines] == [
        (date(2026, 1, 31), Decimal("2.34"), Decimal("11.67")),
        (date(2026, 2, 28), Decimal("2.33"), Decimal("14.00")),
        (date(2026, 3, 31), Decimal("2.33"), Decimal("16.33"))]
    assert statement.closing == Decimal("16.33")


@SQLITE
def test_someone_without_a_hire_date_accrues_from_january(db: Engine, org) -> None:
    hire(db, org.initiator, None)
    with write_connection(db) as conn:
        assert ledger.balance(conn, org.initiator, "annual", NOW.date(), now=NOW) == \
            Decimal(7)  # January to March: 2.33 + 2.34 + 2.33
        assert ledger.entries(conn, org.initiator, "annual")[0].on == date(2026, 1, 31)


@SQLITE
def test_a_dismissed_person_earns_no_more_months(db: Engine, org) -> None:
    hire(db, org.initiator, date(2025, 9, 1))
    with write_connection(db) as conn:
        assert ledger.accrue(conn, org.initiator, NOW.date(), NOW) == 7
        conn.execute(Person.__table__.update().where(Person.__table__.c.id == org.initiator)
                     .values(employment="dismissed", active=False))
        later = NOW.replace(month=9)
        assert ledger.accrue(conn, org.initiator, later.date(), later) == 0
        # what they had earned stays: the final settlement compensates it (art. 127)
        assert ledger.balance(conn, org.initiator, "annual", later.date(), now=later) == \
            Decimal("16.33")
