"""Leave requests through the service with HR's checks and effects (the process in
``leave_processes/``): a leave across the May holidays approved and recorded with the balance
before and after; not enough balance, an overlap and a leave too long refused with messages
that name the rule and the numbers; the effects that extend and cancel a request's absence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from approvals import extensions, service, texts
from approvals.core.errors import FormInvalid
from approvals.store.db import write_connection
from approvals.store.models import Deputy
from hr import absences, ledger
from tests.integration.flows import open_tasks, rows
from tests.integration.hr.leave_support import NOW, PROCESS, hire, load_leave_request

SQLITE = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


@pytest.fixture
def team(db: Engine, org):
    """Ivan, hired on 1 September 2025: 18.67 days earned by 1 May 2026 (8 months)."""
    load_leave_request(db)
    hire(db, org.initiator, date(2025, 9, 1))
    return org


def leave(kind: str, start: str, end: str, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "period": {"start": start, "end": end}, **more}


def refused(db: Engine, person: int, fields: dict[str, Any]) -> dict[str, tuple[str, dict]]:
    with pytest.raises(FormInvalid) as refusal:
        service.start(db, PROCESS, person, fields, NOW)
    return refusal.value.errors


def balance(db: Engine, person: int, on: date) -> Decimal:
    with write_connection(db) as conn:
        return ledger.balance(conn, person, "annual", on, now=NOW)


@SQLITE
def test_a_leave_across_the_may_holidays_approved_and_recorded(db: Engine, team) -> None:
    assert balance(db, team.initiator, date(2026, 5, 1)) == Decimal("18.67")
    started = service.start(db, PROCESS, team.initiator,
                            leave("annual", "2026-05-01", "2026-05-14"), NOW)
    task = open_tasks(db, started.instance_id)[team.manager]
    assert service.decide(db, task.id, team.manager, "approve", "", NOW).status == "completed"
    with write_connection(db) as conn:
        [absence] = absences.of_instance(conn, started.instance_id)
    assert (absence.kind, absence.starts_on, absence.ends_on) == (
        "annual", date(2026, 5, 1), date(2026, 5, 14))
    assert balance(db, team.initiator, date(2026, 5, 1)) == Decimal("6.67")  # 18.67 - 12
    [away] = rows(db, Deputy, Deputy.person_id == team.initiator)
    assert (away.deputy_id, away.id) == (team.manager, absence.deputy_record_id)


@SQLITE
def test_not_enough_balance_is_refused_naming_the_numbers(db: Engine, team) -> None:
    errors = refused(db, team.initiator, leave("annual", "2026-05-01", "2026-05-21"))
    code, params = errors["period"]
    assert code == "leave_balance_short_holidays"
    assert texts.field_error(code, params, "en") == (
        "You have 18.67 days of Annual paid leave; this leave needs 19 (21 calendar days, "
        "2 public holidays not counted: 01.05, 09.05).")
    assert texts.field_error(code, params, "ru") == (
        "У вас 18.67 дн. («Ежегодный основной оплачиваемый отпуск»); этот отпуск требует 19 "
        "(21 календарных дней, 2 праздничных не считаются: 01.05, 09.05).")
    hours = refused(db, team.initiator, leave("time_off", "2026-04-20", "2026-04-20"))
    assert texts.field_error(*hours["period"], "en") == (
        "You have 0 hours of Time off against overtime; this time off needs 8.")


@SQLITE
def test_a_leave_approved_for_later_days_is_not_spent_again_by_an_earlier_request(
        db: Engine, team) -> None:
    # June: 14 calendar days, 12 June (Russia Day) not counted -> 13 of the 20.67 earned by then
    started = service.start(db, PROCESS, team.initiator,
                            leave("annual", "2026-06-08", "2026-06-21"), NOW)
    task = open_tasks(db, started.instance_id)[team.manager]
    assert service.decide(db, task.id, team.manager, "approve", "", NOW).status == "completed"
    # on 1 May the ledger alone still shows 18.67: the June use is dated in June
    assert balance(db, team.initiator, date(2026, 5, 1)) == Decimal("18.67")
    errors = refused(db, team.initiator, leave("annual", "2026-05-18", "2026-05-27"))
    assert texts.field_error(*errors["period"], "en") == (
        "You have 5.67 days of Annual paid leave; this leave needs 10.")
    # five days still fit
    assert service.start(db, PROCESS, team.initiator,
                         leave("annual", "2026-05-18", "2026-05-22"), NOW).status == "running"


@SQLITE
def test_an_overlap_with_the_persons_own_absence_is_refused(db: Engine, team) -> None:
    with write_connection(db) as conn:
        absences.record(conn, team.initiator, "sick", date(2026, 5, 4), date(2026, 5, 8),
                        now=NOW)
    errors = refused(db, team.initiator, leave("unpaid", "2026-05-06", "2026-05-12"))
    assert texts.field_error(*errors["period"], "en") == (
        "You are already away from 04.05.2026 to 08.05.2026 (sick leave); choose other dates "
        "or cancel that absence first.")
    assert "(больничный)" in texts.field_error(*errors["period"], "ru")
    # someone else's absence is no overlap
    assert service.start(db, PROCESS, team.approvers[0],
                         leave("unpaid", "2026-05-06", "2026-05-12"), NOW).instance_id


@SQLITE
def test_a_leave_longer_than_its_type_allows_is_refused(db: Engine, team) -> None:
    errors = refused(db, team.initiator, leave("unpaid", "2026-05-01", "2026-07-09"))
    assert texts.field_error(*errors["period"], "en") == (
        "Unpaid leave is at most 60 days per request; this one is 70.")
    assert refused(db, team.initiator, leave("unpaid", "2026-05-09", "2026-05-01")) == {
        "period": ("range_reversed", {})}


@SQLITE
def test_the_effects_extend_and_cancel_the_requests_absence(db: Engine, team) -> None:
    started = service.start(db, PROCESS, team.initiator,
                            leave("annual", "2026-05-04", "2026-05-08"), NOW)
    service.decide(db, open_tasks(db, started.instance_id)[team.manager].id, team.manager,
                   "approve", "", NOW)
    assert balance(db, team.initiator, date(2026, 5, 4)) == Decimal("13.67")
    effects = extensions.effects()
    with write_connection(db) as conn:
        [instance] = [started.instance_id]

        def entered(fields: dict[str, Any]) -> extensions.Entered:
            return extensions.Entered(None, instance, "done", fields, team.initiator, NOW,
                                      conn, {"period": "new_period"})

        effects["hr.extend_absence"](entered(
            {"new_period": {"start": "2026-05-04", "end": "2026-05-12"}}))
        [absence] = absences.of_instance(conn, instance)
        assert absence.ends_on == date(2026, 5, 12)
    assert balance(db, team.initiator, date(2026, 5, 4)) == Decimal("10.67")  # 9 days, 9 May free
    with write_connection(db) as conn:
        effects["hr.cancel_absence"](entered({}))
        assert absences.of_instance(conn, instance) == []
    assert balance(db, team.initiator, date(2026, 5, 4)) == Decimal("18.67")
