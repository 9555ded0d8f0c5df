"""The reports' figures from hand-built rows (approvals.core.reports): nearest-rank
percentiles, the counts of a period, stage rounds added up per instance, the overdue share, the
slowest assignees and the ISO weeks. Which rounds, decisions and deadlines the database sums up
from the tasks is tested on both databases (tests/integration/approvals/store/test_reports.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from approvals.core.reports import (
    Deadlines,
    DecidedRow,
    InstanceRow,
    RoundRow,
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
    rounds = [  # the stage rounds the database found finished in the period
        RoundRow(1, "p", "review", 4 * H), RoundRow(1, "p", "sign", 2 * H),
        RoundRow(2, "p", "review", 1 * H), RoundRow(2, "p", "revision", 1 * H),
        RoundRow(2, "p", "review", 3 * H),  # sent back and reviewed again: 1 h + 3 h
        RoundRow(3, "p", "review", 11 * H), RoundRow(5, "p", "review", 8 * H),
    ]
    decided = [DecidedRow(10, h * H) for h in (2, 1, 3, 10, 8)] + [DecidedRow(11, 4 * H)]
    f = compute(instances, rounds, decided, Deadlines(6, 2), START, END)
    assert (f.started, f.completed, f.rejected, f.withdrawn) == (4, 2, 1, 1)
    # durations of those completed or rejected in the period: 24 h, 200 h, 10 h + 72 h
    assert f.duration_median == 82 * H
    stages = {s.stage: s for s in f.stages}
    assert set(stages) == {"review", "sign", "revision"}
    # review per instance: 1 -> 4 h, 2 -> 1 h + 3 h = 4 h, 3 -> 11 h, 5 -> 8 h
    review = stages["review"]
    assert (review.instances, review.median, review.p90) == (4, 4 * H, 11 * H)
    assert (stages["sign"].instances, stages["sign"].median) == (1, 2 * H)
    assert stages["revision"].median == 1 * H
    assert (f.with_deadline, f.overdue) == (6, 2)
    assert f.overdue_share == 2 / 6
    # 10 decided five (median 3 h); 11 only one: not ranked
    assert [(a.person_id, a.tasks, a.median) for a in f.slowest] == [(10, 5, 3 * H)]
    assert [w.label for w in f.weeks] == ["2026-W10", "2026-W11"]
    first, second = f.weeks
    assert (first.started, first.completed, first.rejected) == (3, 2, 0)
    assert first.median == 24 * H  # 24 h and 82 h: the lower middle
    assert (second.started, second.completed, second.rejected, second.median) == (1, 0, 1,
                                                                                 200 * H)
    assert compute([], [], [], Deadlines(), START, END).overdue_share is None
    assert [w.partial for w in f.weeks] == [False, False]  # two whole ISO weeks


def test_a_week_only_partly_in_the_period_is_marked() -> None:
    """From a Wednesday to the next week's Tuesday (today, say): both weeks are partial; in
    Moscow the same UTC moments make other days."""
    start = START + timedelta(days=2)  # Wednesday 4 March
    f = compute([], [], [], Deadlines(), start, start + timedelta(days=7))
    assert [(w.label, w.partial) for w in f.weeks] == [("2026-W10", True), ("2026-W11", True)]
    whole = compute([], [], [], Deadlines(), START, START + timedelta(days=7))
    assert [(w.label, w.partial) for w in whole.weeks] == [("2026-W10", False)]


def test_the_slowest_are_ranked_by_median_with_at_least_three_tasks() -> None:
    decided = []
    for person in range(1, 14):  # 13 people, person n takes n hours, 3 tasks each
        decided += [DecidedRow(person, person * H)] * 3
    decided += [DecidedRow(99, 300 * H)] * 2
    f = compute([], [], decided, Deadlines(), START, END)
    assert [a.person_id for a in f.slowest] == list(range(13, 3, -1))  # ten, slowest first
    assert all(a.tasks == 3 for a in f.slowest)
