"""Where processes get stuck: the figures of a period, computed from plain rows.

Pure: the store reads the rows (:mod:`approvals.store.reports`) — the instances, and what the
database sums up from the tasks: each stage round finished in the period with its length, each
decision of the period with its length, the deadlines' counts — and this module counts, adds
up per instance and takes percentiles, so the figures are the same on SQLite and PostgreSQL
and a test can build its rows by hand. The period is ``[start, end)`` (aware UTC moments,
``end`` excluded).

- **started / completed / rejected / withdrawn**: the instances started in the period; those
  that ended in it completed (a final status that is not an ending), at an ending (rejected,
  refused…: the process marks the status ``ending``) or withdrawn.
- **stages**: the time an instance spent at a stage — from the opening of the stage's first
  task to the closing of its last, each round at the stage added up (a stage sent back and
  decided again counts both times) — for every stage round that ended in the period, one
  duration per instance and stage; then the median and the 90th percentile of each stage.
- **overdue**: among the tasks opened in the period that had a deadline, those decided (or
  closed) after it, or still open past it at ``now``.
- **slowest**: the time from a task's opening to its decision, per assignee, over the tasks
  decided in the period; an assignee with at least :data:`MIN_TASKS` of them is ranked, the
  :data:`TOP` slowest medians first.
- **weeks**: per ISO week (Monday to Sunday, in the reader's time zone) of the period:
  started, completed, rejected, and the median time from start to end of the instances that
  ended that week (completed or rejected).

Percentiles are **nearest-rank**: the p-th percentile of n sorted values is the value at rank
⌈p·n/100⌉ (1-based), always a duration that occurred; the median is the 50th (for an even n,
the lower of the two middle values).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import NamedTuple

#: The fewest decided tasks an assignee must have in the period to be ranked among the slowest.
MIN_TASKS = 3
#: How many of the slowest assignees are shown.
TOP = 10
COMPLETED, CANCELLED = "completed", "cancelled"


class InstanceRow(NamedTuple):
    id: int
    process_id: str
    status: str
    ending: bool  # ended at a final status the process marks as an ending (rejected…)
    started_at: datetime
    ended_at: datetime | None


class RoundRow(NamedTuple):
    """A stage round that finished in the period: from its first task's opening to its last
    task's closing (tasks never opened left out), every task of it closed."""

    instance_id: int
    process_id: str
    stage: str
    seconds: float


class DecidedRow(NamedTuple):
    """A task decided in the period: who held it and how long from its opening."""

    assignee_id: int
    seconds: float


class Deadlines(NamedTuple):
    """Among the tasks opened in the period, those with a deadline and those overdue (decided
    or closed after it, or still open past it)."""

    with_deadline: int = 0
    overdue: int = 0


def percentile(values: Sequence[float], p: int) -> float | None:
    """The nearest-rank ``p``-th percentile of ``values`` (any order); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


@dataclass(frozen=True)
class StageFigure:
    process_id: str
    stage: str
    instances: int  # how many durations (one per instance)
    median: float  # seconds
    p90: float


@dataclass(frozen=True)
class AssigneeFigure:
    person_id: int
    tasks: int
    median: float  # seconds from opening to decision


@dataclass(frozen=True)
class WeekFigure:
    year: int
    week: int
    monday: date
    started: int = 0
    completed: int = 0
    rejected: int = 0
    median: float | None = None  # seconds from start to end of those that ended that week
    partial: bool = False  # only some of its days are in the period (e.g. this week so far)

    @property
    def label(self) -> str:
        """``2026-W09``, as ISO 8601 writes a week."""
        return f"{self.year}-W{self.week:02d}"


@dataclass
class Figures:
    started: int = 0
    completed: int = 0
    rejected: int = 0
    withdrawn: int = 0
    duration_median: float | None = None  # start to end of those completed or rejected
    with_deadline: int = 0
    overdue: int = 0
    stages: list[StageFigure] = field(default_factory=list)
    slowest: list[AssigneeFigure] = field(default_factory=list)
    weeks: list[WeekFigure] = field(default_factory=list)

    @property
    def overdue_share(self) -> float | None:
        """Overdue tasks among those with a deadline (0 to 1); None when none had one."""
        return self.overdue / self.with_deadline if self.with_deadline else None


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def _seconds(later: datetime, earlier: datetime) -> float:
    return max(0.0, (later - earlier).total_seconds())


def weeks_of(start: datetime, end: datetime, zone: tzinfo = UTC
             ) -> list[tuple[int, int, date]]:
    """The ISO weeks (year, week, Monday) the period touches in ``zone``, in order."""
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    first = start.astimezone(zone).date()
    monday = first - timedelta(days=first.weekday())
    found = []
    while monday <= last:
        year, week, _day = monday.isocalendar()
        found.append((year, week, monday))
        monday += timedelta(days=7)
    return found


def compute(instances: Iterable[InstanceRow], rounds: Iterable[RoundRow],
            decided: Iterable[DecidedRow], deadlines: Deadlines, start: datetime,
            end: datetime, zone: tzinfo = UTC) -> Figures:
    """The figures of ``[start, end)`` (see the module's docstring) from the instances that
    started or ended in it, the stage rounds and the decisions of the period, and its
    deadlines' counts; weeks are the reader's, in ``zone``."""
    figures = Figures()
    weeks = {(y, w): [0, 0, 0, []] for y, w, _m in weeks_of(start, end, zone)}

    def week_of(moment: datetime) -> list | None:
        year, week, _day = moment.astimezone(zone).isocalendar()
        return weeks.get((year, week))

    durations = []
    for row in instances:
        if _within(row.started_at, start, end):
            figures.started += 1
            slot = week_of(row.started_at)
            if slot is not None:
                slot[0] += 1
        if not _within(row.ended_at, start, end):
            continue
        if row.status == CANCELLED:
            figures.withdrawn += 1
            continue
        if row.status != COMPLETED:
            continue
        took = _seconds(row.ended_at, row.started_at)
        durations.append(took)
        if row.ending:
            figures.rejected += 1
        else:
            figures.completed += 1
        slot = week_of(row.ended_at)
        if slot is not None:
            slot[2 if row.ending else 1] += 1
            slot[3].append(took)
    figures.duration_median = median(durations)
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    figures.weeks = [WeekFigure(y, w, monday, *weeks[(y, w)][:3], median(weeks[(y, w)][3]),
                                monday < first or monday + timedelta(days=6) > last)
                     for y, w, monday in weeks_of(start, end, zone)]
    _stages(figures, rounds)
    _slowest(figures, decided)
    figures.with_deadline, figures.overdue = deadlines
    return figures


def _stages(figures: Figures, rounds: Iterable[RoundRow]) -> None:
    """Each stage's median and 90th percentile, over one duration per instance: the rounds at
    the stage added up."""
    at_stage: dict[tuple[str, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for row in rounds:
        at_stage[(row.process_id, row.stage)][row.instance_id] += max(0.0, row.seconds)
    figures.stages = [StageFigure(process_id, stage, len(spent), median(list(spent.values())),
                                  percentile(list(spent.values()), 90))
                      for (process_id, stage), spent in sorted(at_stage.items())]


def _slowest(figures: Figures, decided: Iterable[DecidedRow]) -> None:
    """The :data:`TOP` slowest medians of those with at least :data:`MIN_TASKS` decisions."""
    times: dict[int, list[float]] = defaultdict(list)
    for row in decided:
        times[row.assignee_id].append(max(0.0, row.seconds))
    ranked = [AssigneeFigure(person, len(spent), median(spent))
              for person, spent in times.items() if len(spent) >= MIN_TASKS]
    ranked.sort(key=lambda a: (-a.median, -a.tasks, a.person_id))
    figures.slowest = ranked[:TOP]
