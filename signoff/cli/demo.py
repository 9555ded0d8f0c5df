"""``signoff demo``: the demo organisation."""

from __future__ import annotations

import sys

import click

from approvals.store import db
from signoff import demo
from signoff.cli.base import main, settings_engine
from signoff.cli.processes import load_processes


@main.group("demo")
def demo_group() -> None:
    """The demo organisation (every demo person's password is "demo")."""


@demo_group.command("load")
@click.option("--force", is_flag=True,
              help="Also into a directory that holds people: add the demo people that are "
                   "missing (never re-activating anyone, never changing a password).")
def demo_load(force: bool) -> None:
    """Load the shipped processes, and the demo people into an empty directory.

    A directory that holds anyone already is left as it is (the demo people hold real roles
    and share a published password): the command says so and exits 0, so that ``make run``
    goes on. ``--force`` adds only the demo people that are missing.
    """
    with settings_engine() as engine:
        ok = load_processes(engine)
        with db.write_session(engine) as session:
            report = demo.load_people(session, force=force)
    if report.skipped == "not_empty":
        click.echo(f"demo people: not loaded, the directory already has {report.present} "
                   f"{'person' if report.present == 1 else 'people'} (demo people hold real "
                   "roles and the password \"demo\", so they only go into an empty one; "
                   "`signoff demo load --force` adds the missing ones without re-activating "
                   "anyone or changing a password)")
    elif report.skipped == "complete":
        click.echo("demo people: none added, every demo address is in the directory already "
                   "(nobody was re-activated and no password was changed)")
    else:
        click.echo(f"demo people: created {len(report.created)}")
        print_logins(report.created)
    if not ok:
        sys.exit(1)


def print_logins(only: list[str] | None = None) -> None:
    click.echo(f'Demo logins (password "{demo.PASSWORD}"):')
    for line in demo.describe_logins():
        if only is None or line.split()[0] in only:
            click.echo(line)
