"""``signoff people away``: a person's days away and their deputy, as an administrator sets them
(the same records and refusals as the ``/away`` page and ``/api/me/absences``)."""

from __future__ import annotations

import click

from approvals import service
from approvals.clock import utcnow
from approvals.core.errors import FormInvalid, NotFound
from approvals.core.policy import Actor
from approvals.dispatch import kick
from approvals.records import deputies
from approvals.store import db
from approvals.store.directory import People, find_person
from approvals.texts import field_error
from signoff.cli.base import settings_engine
from signoff.cli.people import people


@people.command("away")
@click.argument("email")
@click.option("--deputy", "deputy_email", metavar="EMAIL",
              help="Who decides meanwhile (default: EMAIL's manager).")
@click.option("--from", "first", metavar="YYYY-MM-DD", help="The first day away.")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="The last day away (included).")
@click.option("--reason", default="", help="Why (shown with the dates).")
@click.option("--handover", is_flag=True,
              help="Also hand EMAIL's open tasks to the deputy now.")
@click.option("--list", "listing", is_flag=True, help="List EMAIL's current and future days "
                                                      "away, and those EMAIL deputises in.")
@click.option("--cancel", "cancel_id", metavar="ID", type=click.IntRange(min=1),
              help="Cancel EMAIL's days away ID (from --list).")
def people_away(email: str, deputy_email: str | None, first: str | None, last: str | None,
                reason: str, handover: bool, listing: bool, cancel_id: int | None) -> None:
    """Set, list or cancel EMAIL's days away: while they last, every new task meant for EMAIL
    goes to the deputy, who decides it on EMAIL's behalf.

    Whoever runs this holds the database, so it acts for EMAIL: a cancellation and a
    hand-over are recorded as EMAIL's (a hand-over's events with the channel "cli"); days
    away set here are marked as set by an administrator."""
    if listing + (cancel_id is not None) + bool(first or last) > 1:
        raise click.UsageError("give either --from and --to, or --list, or --cancel ID")
    now = utcnow()
    with settings_engine() as engine:
        with db.read_session(engine) as session:
            person = _person(session, email)
            deputy = _person(session, deputy_email) if deputy_email else None
        if listing:
            return _list(engine, person.id, now)
        if cancel_id is not None:
            with db.read_session(engine) as session:
                if deputies.get(session, cancel_id).person_id != person.id:
                    raise click.ClickException(f"days away {cancel_id} are not {person.email}'s")
            absence = deputies.cancel(engine, cancel_id, Actor.of(person.id), now)
            click.echo(f"cancelled {absence.id}: {person.email} away {absence.starts_on} to "
                       f"{absence.ends_on}")
            return None
        errors: dict[str, tuple[str, dict]] = {}
        start, end = deputies.days(first, last, errors)
        try:
            if errors:
                raise FormInvalid(errors)
            absence = deputies.set_away(engine, person.id, start, end,
                                        deputy.id if deputy else None, now=now,
                                        source="admin", reason=reason)
        except FormInvalid as refusal:
            raise click.ClickException("nothing was stored: " + "; ".join(
                f"--{name}: {field_error(code, params, 'en')}"
                for name, (code, params) in refusal.errors.items())) from None
        with db.read_session(engine) as session:
            named = People(session).get(absence.deputy_id)
        click.echo(f"{absence.id}: {person.email} away {absence.starts_on} to "
                   f"{absence.ends_on}, deputy {named.email}")
        if handover:
            done = service.hand_over(engine, absence.id, person.id, now, channel="cli")
            kick(done.outbox_ids)
            click.echo(f"handed over {len(done.handed)} open task(s) to {named.email}")
            for task, refusal in done.refused.items():
                click.echo(f"task {task} not handed over: {refusal}", err=True)
    return None


def _list(engine, person_id: int, now) -> None:
    today = now.date()
    with db.read_session(engine) as session:
        mine = deputies.absences(session, today, person_id)
        standing_in = deputies.deputising(session, person_id, today)
        names = People(session)
        names.load(ids=[i for a in (*mine, *standing_in) for i in (a.person_id, a.deputy_id)])
        rows = [("id", "away", "from", "to", "deputy", "state", "source", "reason")]
        for absence in (*mine, *standing_in):
            rows.append((str(absence.id), names.get(absence.person_id).email,
                         str(absence.starts_on), str(absence.ends_on),
                         names.get(absence.deputy_id).email, absence.state(today),
                         absence.source, absence.reason or "-"))
    if len(rows) == 1:
        click.echo("no current or future days away")
        return
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    for line in rows:
        click.echo("  ".join(f"{cell:<{width}}" for cell, width in zip(line, widths,
                                                                       strict=True)).rstrip())


def _person(session, email: str):
    try:
        person = find_person(session, email)
    except NotFound:
        raise click.ClickException(f"no person with the address {email.strip().lower()}") \
            from None
    if not person.active:
        raise click.ClickException(f"{person.email} is not active")
    return person

