"""``signoff hr``: HR's periodic work by hand — ``run-daily [--now]`` runs the job the
scheduler runs every few minutes (:mod:`hr.jobs`: leavers dismissed on their last day, their
tasks handed on; newcomers active from their start date), for an operator catching up or a
test at a moment of its choosing."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from approvals.clock import utcnow
from hr import jobs
from signoff.cli.base import main, settings_engine


@main.group("hr")
def hr_group() -> None:
    """HR's periodic work."""


@hr_group.command("run-daily")
@click.option("--now", "at", metavar="TIME", help="The moment to run for (ISO 8601, UTC "
              "unless it says otherwise; default: now), e.g. 2026-03-16T16:00.")
def run_daily(at: str | None) -> None:
    """Dismiss the leavers whose last day has come (from 15:00 UTC that day) and start the
    newcomers whose start date has; safe to run again."""
    try:
        now = datetime.fromisoformat(at) if at else utcnow()
    except ValueError:
        raise click.BadParameter(f"{at!r} is not a moment such as 2026-03-16T16:00",
                                 param_hint="--now") from None
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    with settings_engine() as engine:
        done = jobs.daily(engine, now)
    click.echo(f"{len(done.dismissed)} dismissed, {len(done.started)} started, "
               f"{len(done.moved)} task(s) handed on, {len(done.kept)} left in place")
    for task_id, why in sorted(done.kept.items()):
        click.echo(f"task {task_id} not handed on: {why}")
