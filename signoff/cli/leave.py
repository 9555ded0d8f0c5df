"""``signoff hr overtime`` and ``signoff hr balance``: the leave ledger (:mod:`hr.ledger`) from
the command line — the overtime hours someone worked, credited for time off (Labour Code
art. 152), and a person's balances with the year's lines, as the statement page shows them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from approvals.clock import utcnow
from approvals.core.errors import FormInvalid, NotFound
from approvals.store import db
from approvals.store.directory import find_person
from approvals.texts import field_error
from hr import leave_types, ledger
from hr import opening_balances as opening
from signoff.cli.base import read_csv_text, settings_engine
from signoff.cli.hr import hr_group


def _person_id(engine, email: str) -> int:
    with db.read_session(engine) as session:
        try:
            return find_person(session, email).id
        except NotFound:
            raise click.ClickException(f"nobody has the address {email}") from None


@hr_group.command("overtime")
@click.argument("email")
@click.argument("hours")
@click.argument("day", metavar="DATE")
@click.argument("reason")
@click.option("--by", "author", metavar="EMAIL", help="Who enters it (HR), for the ledger.")
def overtime(email: str, hours: str, day: str, reason: str, author: str | None) -> None:
    """Credit EMAIL with HOURS of overtime worked on DATE (YYYY-MM-DD), for REASON: time off
    against overtime uses them."""
    try:
        amount = Decimal(hours.replace(",", "."))
        worked = date.fromisoformat(day)
    except (InvalidOperation, ValueError):
        raise click.BadParameter(f"expected HOURS such as 4 or 1.5 and DATE such as "
                                 f"2026-04-04, not {hours!r} {day!r}") from None
    now = utcnow()
    with settings_engine() as engine:
        person = _person_id(engine, email)
        by = _person_id(engine, author) if author else None
        try:
            with db.write_connection(engine) as conn:
                ledger.add(conn, person, "overtime", "overtime", amount, worked, reason, by,
                           now=now)
                left = ledger.balance(conn, person, "overtime", now.date(), now=now)
        except FormInvalid as refused:
            raise click.ClickException("; ".join(
                f"{name}: {field_error(code, params, 'en')}"
                for name, (code, params) in refused.errors.items())) from None
    click.echo(f"{email}: {ledger.number(amount)} hours of overtime on {worked}; "
               f"{ledger.number(left)} hours for time off")


@hr_group.command("balance")
@click.argument("email")
@click.option("--year", type=int, help="The year of the lines (default: this year).")
def balance(email: str, year: int | None) -> None:
    """EMAIL's leave balances today and the year's ledger lines, with the balance after
    each (the months earned since are written first)."""
    now = utcnow()
    year = year or now.year
    with settings_engine() as engine:
        person = _person_id(engine, email)
        with db.write_connection(engine) as conn:
            for kind in leave_types.leave_types().values():
                if not kind.balance:
                    continue
                found = ledger.statement(conn, person, kind.key, year, now=now)
                today = ledger.balance(conn, person, kind.key, now.date(), now=now)
                click.echo(f"{kind.name['en']}: {today} {kind.unit} today")
                click.echo(f"  {'':10}  carried over from {year - 1:<22} {found.opening:>8}")
                for line, running in found.lines:
                    click.echo(f"  {line.on}  {line.kind:<12} {line.amount:>8} -> "
                               f"{running:>8}  {line.reason}")


@hr_group.command("opening-balances")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", "author", metavar="EMAIL", required=True,
              help="Who brings them in (HR), for the ledger.")
def opening_balances(path: str, author: str) -> None:
    """Bring in the leave balances of the previous system from a CSV
    (email,leave_type,balance,as_of[,source]): each becomes a carry-over line that makes the
    ledger's balance on that day the one stated. Every bad line is named; nothing is written
    then."""
    text = read_csv_text(Path(path))
    now = utcnow()
    with settings_engine() as engine:
        by = _person_id(engine, author)
        try:
            with db.write_connection(engine) as conn:
                written = opening.bring_in(conn, text, by, now)
        except opening.OpeningBalancesInvalid as refused:
            raise click.ClickException("nothing was written:\n" + "\n".join(
                f"line {line}: {what}" for line, what in refused.problems)) from None
    for line, difference in written:
        click.echo(f"{line.email} {line.leave_type}: {ledger.number(line.balance)} on "
                   f"{line.as_of} ({line.source}); carry-over {ledger.number(difference)}")
    click.echo(f"{len(written)} balance(s) brought in")
