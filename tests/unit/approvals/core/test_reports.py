"""The reports' figures from hand-built rows (approvals.core.reports): nearest-rank
percentiles, the counts of a period, stage rounds added up per instance, the overdue share, the
slowest assignees and the ISO weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from approvals.core.reports import (
    InstanceRow,
    TaskRow,
    compute,
    median,
    percentile,
    weeks_of,
)

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday: ISO week 2026-W10
END = START + timedelta(days=14)  # two weeks
NOW = END + timedelta(days=1)
H = 3600


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    values = [5, 1, 4, 2, 3, 10, 6, 9, 8, 7]  # 1..10
    assert median(values) == 5  # rank ceil(5.0) = 5: the lower middle
    assert percentile(values, 90) == 9  # rank 9
    assert percentile(values, 91) == 10
    assert percentile([1, 2, 3], 50) == 2 and percentile([1, 2, 3], 90) == 3
    assert percentile([1, 2, 3, 4], 50) == 2


def test_the_weeks_of_a_period_are_iso_weeks_from_their_monday() -> None:
    weeks = weeks_of(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 13, tzinfo=UTC))
    assert weeks == [(2026, 1, date(2025, 12, 29)), (2026, 2, date(2026, 1, 5)),
                     (2026, 3, date(2026, 1, 12))]


def test_the_figures_of_a_period() -> None:
    before = START - timedelta(days=3)
    instances = [
        InstanceRow(1, "p", "completed", False, at(1), at(25)),  # 24 h, week 10
        InstanceRow(2, "p", "completed", True, at(2), at(2 + 200)),  # rejected, week 11
        InstanceRow(3, "p", "running", False, at(3), None),
        InstanceRow(4, "p", "cancelled", False, before, at(5)),  # withdrawn, started before
        InstanceRow(5, "p", "completed", False, before, at(10)),  # completed, started before
        InstanceRow(6, "p", "completed", False, at(300), END + timedelta(hours=1)),  # ends after
    ]
    tasks = [
        # instance 1 at "review": two tasks of one round, 1 h to 5 h -> 4 h; then "sign" 2 h
        TaskRow(1, "p", "review", 1, 10, at(1), at(3), at(2), "approve"),  # overdue (late)
        TaskRow(1, "p", "review", 1, 11, at(1), at(5), at(9), "approve"),
        TaskRow(1, "p", "sign", 2, 12, at(5), at(7), None, "approve"),
        # instance 2 at "review" twice (sent back): 1 h and 3 h -> 4 h... plus revision
        TaskRow(2, "p", "review", 1, 10, at(2), at(3), at(100), "send_back"),
        TaskRow(2, "p", "revision", 2, 20, at(3), at(4), None, "resubmit"),
        TaskRow(2, "p", "review", 3, 10, at(4), at(7), at(100), "approve"),
        # instance 3: "review" began before the period and ended in it: 10 h counted
        TaskRow(3, "p", "review", 1, 10, at(-5), at(5), None, "approve"),
        TaskRow(3, "p", "review", 1, 11, at(-6), at(4), None, None),  # closed, no verdict
        # instance 3 at "sign" still open past its deadline: overdue, no duration
        TaskRow(3, "p", "sign", 2, 12, at(6), None, at(8), None),
        # a task that never opened (withdrawn while waiting) counts for nothing
        TaskRow(3, "p", "sign", 2, 13, None, at(9), at(8), None),
        # instance 5: "review" of 8 h; a task with a deadline still ahead (open, on time)
        TaskRow(5, "p", "review", 1, 10, at(1), at(9), None, "approve"),
        TaskRow(6, "p", "review", 1, 11, at(300), None, NOW + timedelta(days=1), None),
    ]
    f = compute(instances, tasks, START, END, NOW)
    assert (f.started, f.completed, f.rejected, f.withdrawn) == (4, 2, 1, 1)
    # durations of those completed or rejected in the period: 24 h, 200 h, 10 h + 72 h
    assert f.duration_median == 82 * H
    stages = {s.stage: s for s in f.stages}
    assert set(stages) == {"review", "sign", "revision"}
    # review per instance: 1 -> 4 h, 2 -> 1 h + 3 h = 4 h, 3 -> 11 h (from -6 h), 5 -> 8 h
    review = stages["review"]
    assert (review.instances, review.median, review.p90) == (4, 4 * H, 11 * H)
    assert (stages["sign"].instances, stages["sign"].median) == (1, 2 * H)
    assert stages["revision"].median == 1 * H
    # deadlines: tasks opened in the period with one — 1: late, 1: on time, 2: on time twice,
    # 3/sign: open past it; 6: open, not yet due (instance 3's early task opened before)
    assert (f.with_deadline, f.overdue) == (6, 2)
    assert f.overdue_share == 2 / 6
    # decided in the period: 10 -> 2 h, 1 h, 3 h, 10 h, 8 h (median 3 h); 11 -> 4 h only
    assert [(a.person_id, a.tasks, a.median) for a in f.slowest] == [(10, 5, 3 * H)]
    assert [w.label for w in f.weeks] == ["2026-W10", "2026-W11"]
    first, second = f.weeks
    assert (first.started, first.completed, first.rejected) == (3, 2, 0)
    assert first.median == 24 * H  # 24 h and 82 h: the lower middle
    assert (second.started, second.completed, second.rejected, second.median) == (1, 0, 1,
                                                                                 200 * H)


def test_the_slowest_are_ranked_by_median_with_at_least_three_tasks() -> None:
    tasks = []
    for person in range(1, 14):  # 13 people, person n takes n hours, 3 tasks each
        tasks += [TaskRow(person, "p", "review", 1, person, at(0), at(person), None, "approve")
                  for _ in range(3)]
    tasks += [TaskRow(99, "p", "review", 1, 99, at(0), at(300), None, "approve")] * 2
    f = compute([], tasks, START, END, NOW)
    assert [a.person_id for a in f.slowest] == list(range(13, 3, -1))  # ten, slowest first
    assert all(a.tasks == 3 for a in f.slowest)
