"""``signoff audit``: checking an instance's hash-chained audit trail."""

from __future__ import annotations

import sys

import click

from approvals.store import audit, db
from approvals.store.models import Instance
from signoff.cli.base import main, settings_engine


@main.group("audit")
def audit_group() -> None:
    """The hash-chained audit trail."""


@audit_group.command("verify")
@click.argument("instance_id", type=int)
def audit_verify(instance_id: int) -> None:
    """Recompute INSTANCE_ID's audit chain; exit status 0 only if it is intact."""
    with settings_engine() as engine, db.read_session(engine) as session:
        if session.get(Instance, instance_id) is None:
            raise click.ClickException(f"no instance {instance_id}")
        report = audit.verify(session, instance_id)
    click.echo(str(report))
    if not report.ok:
        sys.exit(1)
