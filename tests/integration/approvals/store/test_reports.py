"""Reports' figures from hand-built instances and tasks, on SQLite and PostgreSQL alike
(approvals.store.reports): counts, exact medians and 90th percentiles (nearest-rank), the
overdue share, the slowest assignees, the ISO weeks, a process filter — and who sees what: an
administrator everything, a department's head their department and those below it, a member
holding the role ``head`` where HR named nobody, anyone else nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from approvals.core.errors import FormInvalid
from approvals.core.policy import Actor
from approvals.store import registry
from approvals.store import reports as store
from approvals.store.db import read_session, write_session
from approvals.store.models import Department, Instance, PersonRole, Task

H = 3600
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
QUERY = store.Query("", date(2026, 3, 2), date(2026, 3, 15))  # ISO weeks 10 and 11


def t(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def seed(db, org) -> dict[str, int]:
    """Five instances of the contract approval and one lead (see the expectations below)."""
    ivan, (anna, boris, clara), maria = org.initiator, org.approvers, org.manager
    with write_session(db) as s:
        version = {row.process_id: row.id for row in registry.latest_versions(s)}
        s.add_all([Department(name="Sales", head_id=maria),
                   Department(name="Legal", parent="Sales"),
                   Department(name="Finance"),
                   PersonRole(person_id=clara, role="head")])

        def instance(process, who, started, status="completed", stage="completed",
                     ended=None) -> int:
            row = Instance(process_id=process, process_version_id=version[process],
                           title=f"{process} of {who}", status=status, stage=stage,
                           initiator_id=who, fields={}, started_at=started, ended_at=ended)
            s.add(row)
            s.flush()
            return row.id

        def task(instance_id, seq, stage, round_, who, opened, closed=None, deadline=None,
                 verdict="approve") -> None:
            s.add(Task(instance_id=instance_id, seq=seq, stage=stage, round=round_,
                       kind="approval", assignee_id=who, state="decided" if closed else "open",
                       verdicts="approve,send_back", opened_at=opened, closed_at=closed,
                       deadline=deadline, verdict=verdict if closed else None,
                       decided_by_id=who if closed and verdict else None))

        contract = "contract-approval"
        c0 = instance(contract, ivan, t(20, month=2), "cancelled", "approval", t(5))
        c1 = instance(contract, ivan, t(2), ended=t(4))
        task(c1, 1, "approval", 1, anna, t(2), t(2, 13), t(5))  # 4 h
        task(c1, 2, "approval", 1, boris, t(2), t(3), t(5))  # 24 h: the stage took 24 h
        task(c1, 3, "send_to_client", 2, ivan, t(3), t(4), verdict="done")  # 24 h
        c2 = instance(contract, maria, t(3), "running", "approval")
        task(c2, 1, "approval", 1, anna, t(3), t(3, 11), t(6))  # 2 h
        task(c2, 2, "approval", 1, boris, t(3), None, t(6))  # open past its deadline
        c3 = instance(contract, anna, t(9, 10), ended=t(10, 10))
        task(c3, 1, "approval", 1, boris, t(9, 10), t(9, 16), t(12))  # 6 h
        task(c3, 2, "send_to_client", 2, anna, t(9, 16), t(10, 10), verdict="done")  # 18 h
        c4 = instance(contract, boris, t(10, 8), ended=t(12, 8))
        task(c4, 1, "approval", 1, anna, t(10, 8), t(11, 14), t(10, 20))  # 30 h, late
        task(c4, 2, "send_to_client", 2, boris, t(11, 14), t(12, 8), verdict="done")  # 18 h
        lead = instance("lead-handling", ivan, t(11), stage="refused", ended=t(12))
        task(lead, 1, "assign", 1, boris, t(11), t(11, 10), verdict="assigned")  # 1 h
        # outside the period: started after it, and one ended before it
        instance(contract, ivan, t(16), "running", "approval")
        instance(contract, ivan, t(1, month=2), ended=t(27, month=2))
    return {"c0": c0, "c1": c1, "c2": c2, "c3": c3, "c4": c4, "lead": lead}


def test_the_figures_of_a_period_on_both_databases(db, org) -> None:
    seed(db, org)
    with read_session(db) as s:
        scope = store.scope_of(s, Actor.of(org.admin, {"admin"}))
        assert scope == store.Scope(everyone=True)
        found = store.report(s, QUERY, scope, NOW)
    f = found.figures
    assert (f.started, f.completed, f.rejected, f.withdrawn) == (5, 3, 1, 1)
    assert f.duration_median == 24 * H  # 48 h, 24 h, 48 h and the lead's 24 h
    stages = [(s.process_id, s.stage, s.instances, s.median, s.p90) for s in f.stages]
    assert stages == [("contract-approval", "approval", 3, 24 * H, 30 * H),
                      ("contract-approval", "send_to_client", 3, 18 * H, 24 * H),
                      ("lead-handling", "assign", 1, 1 * H, 1 * H)]
    assert found.stage_names[("contract-approval", "approval")] == "Approval"
    assert (f.with_deadline, f.overdue) == (6, 2)
    assert f.overdue_share == pytest.approx(1 / 3)
    anna, boris = org.approvers[0], org.approvers[1]
    # boris: 24 h, 6 h, 18 h, 1 h -> 6 h; anna: 4 h, 2 h, 18 h, 30 h -> 4 h; ivan: one task
    assert [(a.person_id, a.tasks, a.median) for a in f.slowest] == [(boris, 4, 6 * H),
                                                                      (anna, 4, 4 * H)]
    assert found.people[boris] == ("Boris Approver", "boris@example.com")
    weeks = [(w.label, w.started, w.completed, w.rejected, w.median) for w in f.weeks]
    assert weeks == [("2026-W10", 2, 1, 0, 48 * H), ("2026-W11", 3, 2, 1, 24 * H)]

    view = store.view(found)
    assert view["instances"] == {"started": 5, "completed": 3, "rejected": 1, "withdrawn": 1,
                                 "median_seconds": 24 * H}
    assert view["stages"][0]["p90_seconds"] == 30 * H
    assert view["overdue"] == {"tasks_with_deadline": 6, "overdue": 2, "share": 0.3333}
    assert view["percentile"] == "nearest-rank"

    with read_session(db) as s:
        lead = store.report(s, store.Query("lead-handling", QUERY.date_from, QUERY.date_to),
                            scope, NOW).figures
    assert (lead.started, lead.completed, lead.rejected) == (1, 0, 1)
    assert [s.stage for s in lead.stages] == ["assign"] and lead.with_deadline == 0


def test_what_the_database_sums_up_from_the_tasks(db, org) -> None:
    """The rounds, decisions and deadlines the database sums up (approvals.store.reports):
    a round that began before the period and finished in it counts whole; a task never opened
    (withdrawn while it waited) neither starts nor ends a round; a round with a task still
    open is not finished; rounds at one stage add up per instance; a task closed without a
    verdict is no decision; an open task is overdue only once its deadline has passed."""
    anna, boris, clara = org.approvers
    with write_session(db) as s:
        version = {row.process_id: row.id
                   for row in registry.latest_versions(s)}["contract-approval"]
        row = Instance(process_id="contract-approval", process_version_id=version, title="x",
                       status="running", stage="approval", initiator_id=org.initiator,
                       fields={}, started_at=t(27, month=2))
        s.add(row)
        s.flush()

        def task(seq, stage, round_, who, opened, closed=None, deadline=None,
                 verdict="approve") -> None:
            s.add(Task(instance_id=row.id, seq=seq, stage=stage, round=round_,
                       kind="approval", assignee_id=who, state="decided" if closed else "open",
                       verdicts="approve,send_back", opened_at=opened, closed_at=closed,
                       deadline=deadline, verdict=verdict if closed and verdict else None,
                       decided_by_id=who if closed and verdict else None))

        # round 1 of "approval": opened 27 Feb, Anna on 28 Feb (before), Boris on 3 Mar (in)
        task(1, "approval", 1, anna, t(27, month=2), t(28, month=2), verdict="send_back")
        task(2, "approval", 1, boris, t(27, month=2), t(3))
        task(3, "approval", 1, clara, None, t(14))  # never opened: ends nothing
        # round 3, back at "approval": 2 h, decided by Anna; Clara's closed without a verdict
        task(4, "approval", 3, anna, t(5), t(5, 11), deadline=t(5, 10))  # late
        task(5, "approval", 3, clara, t(5), t(5, 10), verdict=None)
        # round 4 still open: Boris decided, Clara has not (past her deadline)
        task(6, "approval", 4, boris, t(6), t(6, 12), deadline=t(9))
        task(7, "approval", 4, clara, t(6), None, deadline=t(7))
        task(8, "approval", 4, anna, t(6), None, deadline=t(30))  # open, not yet due
    with read_session(db) as s:
        f = store.report(s, QUERY, store.Scope(everyone=True), NOW).figures
    [stage] = f.stages
    # round 1: 27 Feb 09:00 to 3 Mar 09:00 = 96 h; round 3: 9:00 to 11:00 = 2 h (Clara's
    # close at 10:00 comes first); round 4 is unfinished
    assert (stage.stage, stage.instances, stage.median) == ("approval", 1, 98 * H)
    # decided in the period: Boris 96 h and 3 h, Anna 2 h - fewer than three each: none ranked
    assert f.slowest == []
    assert (f.with_deadline, f.overdue) == (4, 2)  # Anna late; Clara open past hers


def test_the_days_and_weeks_are_the_readers_in_their_time_zone(db, org) -> None:
    """A reader in Moscow (UTC+3) counts days from their own midnight: a process started on
    Sunday 15 March at 22:30 UTC began on Monday the 16th for them (outside the period), and
    one started on 1 March at 22:00 UTC began on the 2nd (inside it, in week 10)."""
    seed(db, org)
    with write_session(db) as s:
        version = {row.process_id: row.id for row in registry.latest_versions(s)}
        for started in (datetime(2026, 3, 15, 22, 30, tzinfo=UTC),
                        datetime(2026, 3, 1, 22, 0, tzinfo=UTC)):
            s.add(Instance(process_id="contract-approval",
                           process_version_id=version["contract-approval"], title="late",
                           status="running", stage="approval", initiator_id=org.initiator,
                           fields={}, started_at=started))
    moscow = store.Query("", QUERY.date_from, QUERY.date_to, ZoneInfo("Europe/Moscow"))
    assert moscow.start == datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    assert moscow.end == datetime(2026, 3, 15, 21, 0, tzinfo=UTC)
    with read_session(db) as s:
        scope = store.Scope(everyone=True)
        in_utc, in_moscow = (store.report(s, q, scope, NOW).figures for q in (QUERY, moscow))
    assert [(w.label, w.started) for w in in_utc.weeks] == [("2026-W10", 2), ("2026-W11", 4)]
    assert [(w.label, w.started) for w in in_moscow.weeks] == [("2026-W10", 3),
                                                                ("2026-W11", 3)]
    assert in_utc.started == in_moscow.started == 6


def test_a_department_head_sees_their_department_and_those_below_it(db, org) -> None:
    seed(db, org)
    maria, anna, clara = org.manager, org.approvers[0], org.approvers[2]
    with read_session(db) as s:
        scope = store.scope_of(s, Actor.of(maria))
        assert scope == store.Scope(False, frozenset({"sales", "legal"}))
        found = store.report(s, QUERY, scope, NOW)
        # Clara holds the role head in Security, whose row (there is none) names nobody
        assert store.scope_of(s, Actor.of(clara, {"head"})) == store.Scope(
            False, frozenset({"security"}))
        security = store.report(s, QUERY, store.scope_of(s, Actor.of(clara)), NOW).figures
        assert store.scope_of(s, Actor.of(anna)) is None  # heads nothing: no report
        assert store.scope_of(s, Actor.of(anna, {"auditor"})).everyone
    f = found.figures
    # Ivan's, Maria's (Sales) and Anna's (Legal, below Sales); not Boris's (Finance)
    assert (f.started, f.completed, f.rejected, f.withdrawn) == (4, 2, 1, 1)
    approval = next(s for s in f.stages if s.stage == "approval")
    assert (approval.instances, approval.median, approval.p90) == (2, 6 * H, 24 * H)
    assert (f.with_deadline, f.overdue) == (5, 1)
    assert found.departments == ["Legal", "Sales"]
    assert (security.started, security.stages, security.with_deadline) == (0, [], 0)
    with write_session(db) as s:  # once HR names Security's head, the role no longer counts
        s.add(Department(name="security", head_id=maria))
    with read_session(db) as s:
        assert store.scope_of(s, Actor.of(clara)) is None
        assert store.scope_of(s, Actor.of(maria)).departments == {"sales", "legal", "security"}


def test_a_query_is_read_with_the_lists_refusals_and_a_limit() -> None:
    today = date(2026, 3, 18)  # a Wednesday
    default = store.Query.read({}, today)
    assert (default.date_from, default.date_to) == (date(2025, 12, 29), today)  # 12 weeks
    assert (default.date_to - default.date_from).days == 7 * 11 + 2
    assert store.Query.read({"from": "2026-01-01", "to": "2026-01-31", "process": " p "},
                            today) == store.Query("p", date(2026, 1, 1), date(2026, 1, 31))
    cases = {("yesterday", ""): {"from": "not_a_date"},
             ("2026-02-01", "2026-01-01"): {"to": "range_reversed"},
             ("2026-04-01", ""): {"from": "range_reversed"},  # after today
             ("2020-01-01", "2026-01-01"): {"to": "report_period_too_long"},
             ("", "9999-12-31"): {"to": "report_day_out_of_range"}}
    for (first, last), codes in cases.items():
        with pytest.raises(FormInvalid) as refused:
            store.Query.read({"from": first, "to": last}, today)
        assert {k: code for k, (code, _p) in refused.value.errors.items()} == codes
    assert store.Query.read({"from": "2023-03-19", "to": "2026-03-18"}, today)  # 3 years

