"""``signoff people``: the directory of people (import, passwords, API tokens: ``token``,
``tokens``, ``token-revoke``)."""

from __future__ import annotations

from pathlib import Path

import click

from approvals.clock import utcnow
from approvals.core.errors import NotFound
from approvals.store import db, departments, directory
from approvals.store.models import Person
from approvals.texts.formats import format_time
from signoff.cli.base import main, read_csv_text, settings_engine


@main.group()
def people() -> None:
    """The directory of people: import, passwords, API tokens."""


@people.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def people_import(file: Path) -> None:
    """Create or update people from a CSV file; all rows or none.

    Columns: email,name,locale,manager_email,department,roles,aliases (roles and aliases are
    separated by ";"), then optionally any of hire_date (YYYY-MM-DD or DD.MM.YYYY), position,
    employment (starting, active, on_leave, dismissed), time_zone (IANA, e.g. Europe/Moscow).
    Importing the same file again updates the people in it.
    """
    text = read_csv_text(file)
    with settings_engine() as engine, db.write_session(engine) as session:
        report = directory.import_people(session, text)
    click.echo(f"created {report.created}, updated {report.updated}")


@people.command("departments")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def people_departments(file: Path) -> None:
    """Name departments' heads and parents from a CSV file; all rows or none.

    Columns: department,head_email,parent. The head is whom a process's ``department_head``
    names (before anyone in the department holding the role ``head``).
    """
    text = read_csv_text(file)
    with settings_engine() as engine, db.write_session(engine) as session:
        report = departments.import_departments(session, text)
    click.echo(f"created {report.created}, updated {report.updated}")


@people.command("token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for (shown in the list).")
@click.option("--days", type=click.IntRange(1, directory.TOKEN_MAX_DAYS),
              default=directory.TOKEN_DAYS, show_default=True,
              help="How many days the token works.")
def people_token(email: str, label: str, days: int) -> None:
    """Issue an API token for EMAIL and print it alone (for ``Authorization: Bearer``).

    Only its SHA-256 is stored: the token is shown this once. It stops working after --days
    days, or when revoked (``signoff people token-revoke ID``).
    """
    if len(" ".join(label.split())) > directory.TOKEN_LABEL_MAX:
        raise click.BadParameter(f"at most {directory.TOKEN_LABEL_MAX} characters",
                                 param_hint="--label")
    with settings_engine() as engine, db.write_session(engine) as session:
        person = _active_person(session, email)
        token = directory.issue_token(session, person, utcnow(), days=days, label=label)
    click.echo(token)


@people.command("tokens")
@click.argument("email")
def people_tokens(email: str) -> None:
    """List EMAIL's API tokens: id, label, when made, last used and expiring, and whether it
    works (the tokens themselves are never stored, so never shown)."""
    now = utcnow()
    with settings_engine() as engine, db.read_session(engine) as session:
        try:
            person = directory.find_person(session, email)
        except NotFound:
            raise click.ClickException(f"no person with the address {email.strip().lower()}") \
                from None
        rows = directory.tokens_of(session, person.id)
    if not rows:
        click.echo(f"{person.email} has no API tokens")
        return
    table = [("id", "label", "created", "last used", "expires", "state")]
    for row in rows:
        state = directory.token_state(row, now)
        if state == "revoked":
            state = f"revoked {format_time(row.revoked_at)}"
        table.append((str(row.id), row.label or "-", format_time(row.created_at),
                      format_time(row.last_used_at) or "never",
                      format_time(directory.token_expires_at(row)), state))
    widths = [max(len(cell) for cell in column) for column in zip(*table, strict=True)]
    for line in table:
        click.echo("  ".join(f"{cell:<{width}}" for cell, width in zip(line, widths,
                                                                       strict=True)).rstrip())


@people.command("token-revoke")
@click.argument("token_id", metavar="ID", type=click.IntRange(min=1))
def people_token_revoke(token_id: int) -> None:
    """Revoke API token ID (from ``signoff people tokens EMAIL``): it stops working at once."""
    with settings_engine() as engine, db.write_session(engine) as session:
        try:
            row = directory.revoke_token(session, token_id, utcnow())
        except NotFound as error:
            raise click.ClickException(str(error)) from None
        holder = session.get(Person, row.person_id)
        revoked_at = row.revoked_at
    click.echo(f"token {token_id} of {holder.email} revoked at {format_time(revoked_at)}")


@people.command("password")
@click.argument("email")
@click.option("--password", help="The new password (for scripts); prompted for otherwise.")
def people_password(email: str, password: str | None) -> None:
    """Set the password EMAIL signs in to the web pages with."""
    with settings_engine() as engine:
        with db.read_session(engine) as session:
            _active_person(session, email)  # refuse before asking for a password
        if password is None:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        if not password:
            raise click.ClickException("the password must not be empty")
        with db.write_session(engine) as session:
            person = _active_person(session, email)
            directory.set_password(person, password)
            session.add(person)
    click.echo(f"password set for {person.email}")


@people.command("deactivate")
@click.argument("emails", metavar="EMAIL...", nargs=-1, required=True)
def people_deactivate(emails: tuple[str, ...]) -> None:
    """Deactivate people: they can no longer log in (their sessions end), their API tokens stop
    working, and no new task goes to them. Importing them again re-activates them."""
    with settings_engine() as engine, db.write_session(engine) as session:
        people = []
        for email in emails:
            try:
                people.append(directory.find_person(session, email))
            except NotFound:
                raise click.ClickException(f"no person with the address "
                                           f"{email.strip().lower()}; nobody was "
                                           "deactivated") from None
        for person in people:
            if person.active:
                person.active = False
                directory.end_sessions(person)
                session.add(person)
        done = [p.email for p in people]
    click.echo(f"deactivated {', '.join(done)}")


def _active_person(session, email: str):
    try:
        person = directory.find_person(session, email)
    except NotFound:
        raise click.ClickException(f"no person with the address {email.strip().lower()} "
                                   "(import them with `signoff people import`)") from None
    if not person.active:
        raise click.ClickException(f"{person.email} is not active")
    return person
