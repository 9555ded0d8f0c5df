"""The absence record (hr/absences.py): a leave across the May holidays charged the right
days, the deputy set through "People away", a cancellation giving the days back, a sick leave
prolonged, time off using overtime hours, and the director's own absence recorded although
nobody can deputise by default."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from approvals.store.db import write_connection
from approvals.store.models import Deputy
from hr import absences, leave_checks, leave_types, ledger
from hr.models import VacationPlanEntry
from tests.integration.hr.leave_support import NOW, hire

SQLITE = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
MAY_1, MAY_14 = date(2026, 5, 1), date(2026, 5, 14)


def deputy(conn, absence) -> Deputy:
    return Deputy(**conn.execute(select(Deputy.__table__).where(
        Deputy.__table__.c.id == absence.deputy_record_id)).one()._mapping)


@SQLITE
def test_a_leave_across_the_may_holidays_counts_twelve_days(db: Engine) -> None:
    """1-14 May 2026: 14 calendar days; 1 May and 9 May (a Saturday) are public holidays and
    are not counted (art. 120); Monday 11 May, the day off moved from 9 May, is a day off but
    no holiday, so it is an ordinary day of leave."""
    with db.connect() as conn:
        cost = absences.charge(conn, leave_types.get("annual"), MAY_1, MAY_14)
        unpaid = absences.charge(conn, leave_types.get("unpaid"), MAY_1, MAY_14)
        overtime = absences.charge(conn, leave_types.get("overtime"), MAY_1, MAY_14)
    assert (cost.calendar_days, cost.holidays, cost.amount) == (
        14, (date(2026, 5, 1), date(2026, 5, 9)), Decimal(12))
    assert date(2026, 5, 11) not in cost.holidays
    assert unpaid.amount == Decimal(14)  # holidays extend only annual and additional leave
    assert (overtime.working_days, overtime.amount) == (8, Decimal(64))  # 8 hours a day


@SQLITE
def test_recording_charges_the_ledger_and_sets_the_deputy_and_cancelling_gives_it_back(
        db: Engine, org) -> None:
    hire(db, org.initiator, date(2025, 3, 10))
    with write_connection(db) as conn:
        before = ledger.balance(conn, org.initiator, "annual", MAY_1, now=NOW)
        absence = absences.record(conn, org.initiator, "annual", MAY_1, MAY_14, now=NOW)
        assert ledger.balance(conn, org.initiator, "annual", MAY_1, now=NOW) == before - 12
        [use] = [line for line in ledger.entries(conn, org.initiator, "annual")
                 if line.kind == "use"]
        assert (use.amount, use.on, use.absence_id) == (Decimal(-12), MAY_1, absence.id)
        assert use.reason == "holidays not counted: 2026-05-01, 2026-05-09"
        away = deputy(conn, absence)
        assert (away.deputy_id, away.starts_on, away.ends_on, away.source) == (
            org.manager, MAY_1, MAY_14, "hr")
        assert absences.overlapping(conn, org.initiator, MAY_14, date(2026, 6, 1)) == [absence]
        assert [a.id for a in absences.away(conn, "Sales", MAY_14, MAY_14)] == [absence.id]

        cancelled = absences.cancel(conn, absence.id, NOW, org.admin)
        assert cancelled.cancelled_at is not None
        assert ledger.balance(conn, org.initiator, "annual", MAY_1, now=NOW) == before
        assert deputy(conn, absence).cancelled_at is not None
        assert absences.overlapping(conn, org.initiator, MAY_1, MAY_14) == []
        absences.cancel(conn, absence.id, NOW, org.admin)  # again: nothing more comes back
        assert ledger.balance(conn, org.initiator, "annual", MAY_1, now=NOW) == before


@SQLITE
def test_a_prolonged_sick_leave_moves_its_end_and_the_deputys(db: Engine, org) -> None:
    with write_connection(db) as conn:
        sick = absences.record(conn, org.initiator, "sick", date(2026, 4, 13),
                               date(2026, 4, 17), now=NOW, deputy_id=org.approvers[0])
        longer = absences.extend(conn, sick.id, date(2026, 4, 22), NOW)
        assert longer.ends_on == date(2026, 4, 22)
        assert deputy(conn, sick).ends_on == date(2026, 4, 22)
        assert deputy(conn, sick).deputy_id == org.approvers[0]
        assert absences.net_use(conn, sick.id) == []  # a sick leave costs no balance


@SQLITE
def test_an_annual_leave_made_longer_or_shorter_charges_the_difference(db: Engine,
                                                                       org) -> None:
    hire(db, org.initiator, date(2025, 3, 10))
    with write_connection(db) as conn:
        before = ledger.balance(conn, org.initiator, "annual", MAY_1, now=NOW)
        leave = absences.record(conn, org.initiator, "annual", MAY_1, date(2026, 5, 7),
                                now=NOW)  # 7 days, 1 May not counted: 6
        absences.extend(conn, leave.id, MAY_14, NOW)  # 12
        assert ledger.balance(conn, org.initiator, "annual", MAY_1, now=NOW) == before - 12
        absences.extend(conn, leave.id, date(2026, 5, 4), NOW)  # 3
        assert ledger.balance(conn, org.initiator, "annual", MAY_1, now=NOW) == before - 3


@SQLITE
def test_time_off_uses_the_overtime_hours(db: Engine, org) -> None:
    with write_connection(db) as conn:
        ledger.add(conn, org.initiator, "overtime", "overtime", Decimal(12), date(2026, 4, 4),
                   "Inventory on Saturday", org.admin, now=NOW)
        absences.record(conn, org.initiator, "time_off", date(2026, 4, 20), date(2026, 4, 20),
                        now=NOW)
        short = absences.record(conn, org.initiator, "overtime", date(2026, 4, 21),
                                date(2026, 4, 21), now=NOW, hours=3)
        assert ledger.balance(conn, org.initiator, "overtime", NOW.date(), now=NOW) == 12
        assert ledger.balance(conn, org.initiator, "overtime", date(2026, 4, 21),
                              now=NOW) == 1  # 12 - 8 - 3
        assert (short.kind, short.hours, short.deputy_record_id) == ("time_off", 3, None)


@SQLITE
def test_the_directors_absence_is_recorded_with_why_no_deputy_was_set(db: Engine,
                                                                      org) -> None:
    with write_connection(db) as conn:
        trip = absences.record(conn, org.manager, "trip", MAY_1, date(2026, 5, 3), now=NOW)
        assert trip.deputy_record_id is None
        assert trip.note == "deputy_not_set:deputy_required"
        remote = absences.record(conn, org.initiator, "remote", MAY_1, MAY_1, now=NOW)
        assert remote.deputy_record_id is None and remote.note == ""


@SQLITE
def test_a_fourteen_day_part_stops_being_possible_when_the_plan_spends_the_days(
        db: Engine, org) -> None:
    """Art. 125: hired on 1 April 2026, Ivan earns 21 days by the year's end; two planned
    parts of a week leave 7, so no part of 14 days can be taken any more."""
    hire(db, org.initiator, date(2026, 4, 1))
    with write_connection(db) as conn:
        assert leave_checks.fourteen_day_part_possible(conn, org.initiator, 2026, NOW)
        for start in (date(2026, 7, 6), date(2026, 8, 3)):
            conn.execute(insert(VacationPlanEntry.__table__), {
                "person_id": org.initiator, "year": 2026, "starts_on": start,
                "ends_on": start + timedelta(days=6), "state": "approved", "note": "",
                "created_at": NOW})
        assert not leave_checks.fourteen_day_part_possible(conn, org.initiator, 2026, NOW)
        absences.record(conn, org.initiator, "annual", date(2026, 9, 1), date(2026, 9, 14),
                        now=NOW)  # a recorded part of 14 days: done
        assert leave_checks.fourteen_day_part_possible(conn, org.initiator, 2026, NOW)
