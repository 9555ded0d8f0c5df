"""``signoff people``: the directory of people (import, passwords, API tokens)."""

from __future__ import annotations

from pathlib import Path

import click

from approvals.clock import utcnow
from approvals.core.errors import NotFound
from approvals.store import db, directory
from signoff.cli.base import main, settings_engine


@main.group()
def people() -> None:
    """The directory of people: import, passwords, API tokens."""


@people.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def people_import(file: Path) -> None:
    """Create or update people from a CSV file; all rows or none.

    Columns: email,name,locale,manager_email,department,roles,aliases (roles and aliases are
    separated by ";"). Importing the same file again updates the people in it.
    """
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file} is not UTF-8 text ({error.reason} at byte "
                                   f"{error.start}); save it as CSV UTF-8") from None
    with settings_engine() as engine, db.write_session(engine) as session:
        report = directory.import_people(session, text)
    click.echo(f"created {report.created}, updated {report.updated}")


@people.command("token")
@click.argument("email")
def people_token(email: str) -> None:
    """Issue an API token for EMAIL and print it alone (for ``Authorization: Bearer``)."""
    with settings_engine() as engine, db.write_session(engine) as session:
        person = _active_person(session, email)
        token = directory.issue_token(session, person, utcnow())
    click.echo(token)


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


def _active_person(session, email: str):
    try:
        person = directory.find_person(session, email)
    except NotFound:
        raise click.ClickException(f"no person with the address {email.strip().lower()} "
                                   "(import them with `signoff people import`)") from None
    if not person.active:
        raise click.ClickException(f"{person.email} is not active")
    return person
