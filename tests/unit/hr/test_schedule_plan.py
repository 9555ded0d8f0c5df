"""The vacation plan's checks and warnings (hr/plan.py), on plain entries."""

from __future__ import annotations

from datetime import date

import pytest

from approvals.config.schedule import max_away_share
from approvals.core.policy import Actor, may_decide_vacation_plan, may_see_absence_kind
from hr.models import VacationPlanEntry
from hr.plan import APPROVED, REJECTED, Crowded, Period, crowded, problems, without_long_part


def part(person: int, start: str, end: str, state: str = "proposed") -> VacationPlanEntry:
    return VacationPlanEntry(person_id=person, year=2027, starts_on=date.fromisoformat(start),
                             ends_on=date.fromisoformat(end), state=state,
                             created_at=None)


def test_more_than_the_share_away_at_once_is_one_warning_per_run_of_days():
    entries = [part(1, "2027-07-01", "2027-07-14", APPROVED),
               part(2, "2027-07-05", "2027-07-18"),
               part(3, "2027-07-10", "2027-07-12"),
               part(4, "2027-07-11", "2027-07-11", REJECTED)]  # a rejected part counts not
    # 10 people, 0.3: three away is the limit, more than three would warn — nobody
    assert crowded(entries, 10, 0.3) == []
    # 6 people, 0.3: one may be away (floor of 1.8); two or more warn
    assert crowded(entries, 6, 0.3) == [
        Crowded(date(2027, 7, 5), date(2027, 7, 9), 2, 6, 1),
        Crowded(date(2027, 7, 10), date(2027, 7, 12), 3, 6, 1),
        Crowded(date(2027, 7, 13), date(2027, 7, 14), 2, 6, 1)]


def test_one_person_with_two_parts_on_a_day_counts_once():
    assert crowded([part(1, "2027-01-10", "2027-01-20"), part(1, "2027-01-15", "2027-01-16")],
                   2, 0.5) == []


def test_nobody_has_a_part_of_14_days_is_named():
    entries = [part(1, "2027-06-01", "2027-06-14"), part(1, "2027-09-01", "2027-09-07"),
               part(2, "2027-06-01", "2027-06-13"), part(2, "2027-08-01", "2027-08-13"),
               part(3, "2027-03-01", "2027-03-31", REJECTED), part(3, "2027-05-01",
                                                                   "2027-05-05")]
    assert without_long_part(entries) == [2, 3]


def test_a_part_that_ends_before_it_starts_leaves_the_year_or_overlaps_is_refused():
    own = [part(1, "2027-07-01", "2027-07-14"), part(1, "2027-08-01", "2027-08-05", REJECTED)]
    found = problems(2027, [Period(date(2027, 5, 10), date(2027, 5, 1)),
                            Period(date(2027, 12, 25), date(2028, 1, 10)),
                            Period(date(2027, 7, 10), date(2027, 7, 20)),
                            Period(date(2027, 8, 1), date(2027, 8, 3)),  # the rejected one
                            Period(date(2027, 8, 2), date(2027, 8, 4))], own)
    assert found == {
        "part1": ("plan_end_before_start", {"start": "2027-05-10", "end": "2027-05-01"}),
        "part2": ("plan_outside_year", {"start": "2027-12-25", "end": "2028-01-10",
                                        "year": 2027}),
        "part3": ("plan_overlap", {"start": "2027-07-10", "end": "2027-07-20",
                                   "other_start": "2027-07-01", "other_end": "2027-07-14"}),
        "part5": ("plan_overlap", {"start": "2027-08-02", "end": "2027-08-04",
                                   "other_start": "2027-08-01", "other_end": "2027-08-03"})}
    assert problems(2027, []) == {"part1": ("required", {})}


@pytest.mark.parametrize(("raw", "share"), [("", 0.3), ("0.25", 0.25), ("40%", 0.4),
                                             ("0,5", 0.5), ("1", 1.0)])
def test_the_share_is_read_from_the_environment(monkeypatch, raw, share):
    monkeypatch.setenv("SIGNOFF_HR_MAX_AWAY_SHARE", raw)
    assert max_away_share() == pytest.approx(share)


@pytest.mark.parametrize("raw", ["0", "1.5", "many", "-0.2"])
def test_a_share_that_is_not_one_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SIGNOFF_HR_MAX_AWAY_SHARE", raw)
    with pytest.raises(ValueError, match="SIGNOFF_HR_MAX_AWAY_SHARE"):
        max_away_share()


def test_who_sees_the_kind_of_an_absence_and_who_decides_a_plan_part():
    person, manager, head, colleague = 1, 2, 3, 4
    chain = (manager, 9)
    for who, sees in ((person, True), (manager, True), (9, True), (head, True),
                      (colleague, False)):
        assert may_see_absence_kind(Actor.of(who), person=person, managers=chain,
                                    head=head) is sees, who
    assert may_see_absence_kind(Actor.of(colleague, ["hr"]), person=person)
    assert may_see_absence_kind(Actor.of(colleague, ["admin"]), person=person)
    assert not may_see_absence_kind(Actor.of(colleague, ["auditor"]), person=person)
    # the plan: the chain, the head, administrators — never the person, nor HR as such
    assert may_decide_vacation_plan(Actor.of(manager), person=person, managers=chain)
    assert may_decide_vacation_plan(Actor.of(head), person=person, head=head)
    assert may_decide_vacation_plan(Actor.of(colleague, ["admin"]), person=person)
    assert not may_decide_vacation_plan(Actor.of(person, ["admin"]), person=person)
    assert not may_decide_vacation_plan(Actor.of(colleague, ["hr"]), person=person)
