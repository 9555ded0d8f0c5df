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
def demo_load() -> None:
    """Load the shipped processes and the demo people; running it again updates them."""
    with settings_engine() as engine:
        ok = load_processes(engine)
        with db.write_session(engine) as session:
            report = demo.load_people(session)
    click.echo(f"demo people: created {report.created}, updated {report.updated}")
    print_logins()
    if not ok:
        sys.exit(1)


def print_logins() -> None:
    click.echo(f'Demo logins (password "{demo.PASSWORD}"):')
    for line in demo.describe_logins():
        click.echo(line)
