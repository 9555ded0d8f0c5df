"""``signoff calendar``: the working-day calendar every deadline counts with — Russia's
production calendar (hr/calendar.py) and the company's own days over it (hr/company_days.py):
``import FILE`` (all or nothing), ``list [--year Y]`` and ``remove DATE``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from approvals.clock import utcnow
from approvals.store import db
from approvals.store.directory import find_person
from hr import calendar as production
from hr import company_days
from signoff.cli.base import main, read_csv_text, settings_engine


@main.group("calendar")
def calendar_group() -> None:
    """The working-day calendar: Russia's production calendar and the company's own days."""


@calendar_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by_email", metavar="EMAIL", help="Who set these days (recorded).")
def calendar_import(file: Path, by_email: str | None) -> None:
    """Add the company's own days in FILE (CSV: date,kind,reason; the date as YYYY-MM-DD or
    DD.MM.YYYY; the kind day_off, working_day or shortened, or выходной, рабочий,
    сокращённый). A date already set takes the file's kind and reason. A bad line is named
    with its number and nothing is stored."""
    text = read_csv_text(file)
    entries = company_days.parse(text)  # CalendarFileInvalid: its lines, exit status 1
    with settings_engine() as engine:
        person_id = None
        if by_email:
            with db.read_session(engine) as session:
                person_id = find_person(session, by_email).id
        done = company_days.add(engine, entries, person_id, utcnow())
    click.echo(f"{len(done.added)} day(s) added, {len(done.updated)} updated, "
               f"{len(entries) - len(done.added) - len(done.updated)} unchanged")


@calendar_group.command("list")
@click.option("--year", type=click.IntRange(1991, 2100), help="The year (default: this one).")
def calendar_list(year: int | None) -> None:
    """The year's public holidays, days off moved by the law or the decree, working
    weekends, shortened days and the company's own days, with the month totals."""
    year = year or utcnow().year
    with settings_engine() as engine:
        own = company_days.of_year(engine, year)
    shipped = production.default()
    the_year = shipped.year(year)
    calendar = shipped.with_overrides({row.day: row.kind for row in own})
    decree = the_year.decree or "none yet: the Labour Code's rules alone (provisional)"
    click.echo(f"{year}: decree {decree}")
    click.echo("public holidays:")
    for day, name in sorted(the_year.holidays.items()):
        click.echo(f"  {_day(day)}  {name.replace('_', ' ')}")
    click.echo("days off moved:")
    for day, reason in sorted(the_year.moved.items()):
        click.echo(f"  {_day(day)}  {reason}")
    click.echo("working weekend days:")
    for day in sorted(the_year.working_weekend):
        click.echo(f"  {_day(day)}")
    click.echo("shortened days (one hour shorter):")
    for day in sorted(the_year.shortened):
        click.echo(f"  {_day(day)}")
    click.echo("company days:" if own else "company days: none")
    for row in own:
        click.echo(f"  {_day(row.day)}  {row.kind}" + (f"  {row.reason}" if row.reason else ""))
    click.echo("working days by month: " + " ".join(
        str(calendar.working_days(year, month)) for month in range(1, 13))
        + f"  (year {calendar.working_days(year)})")


@calendar_group.command("remove")
@click.argument("day", metavar="DATE")
def calendar_remove(day: str) -> None:
    """Take the company's own DATE (YYYY-MM-DD or DD.MM.YYYY) back: the production
    calendar's day applies again."""
    parsed = company_days.parse_date(day.strip())
    if parsed is None:
        raise click.UsageError(f"{day!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")
    with settings_engine() as engine:
        removed = company_days.remove(engine, parsed)
    if removed is None:
        raise click.ClickException(f"{parsed.isoformat()} is not one of the company's days")
    click.echo(f"removed {parsed.isoformat()} ({removed.kind})")


def _day(day: date) -> str:
    return f"{day.isoformat()} {day.strftime('%a')}"
