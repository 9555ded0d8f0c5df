"""``signoff doctor``: the check-up of this installation (:mod:`approvals.config.doctor`), one
line per finding — its level, the check, what was found — and exit status 1 when any is a
warning. Administrators see the same findings on ``/admin/doctor``."""

from __future__ import annotations

import sys

import click

from approvals.config import doctor as checkup
from approvals.store import db
from signoff.cli.base import main, settings_engine


@main.command()
def doctor() -> None:
    """Check the installation: demo accounts, default passwords, the secret key, /dev/mail
    and sender authentication; exit status 1 if anything needs attention."""
    with settings_engine() as engine, db.read_session(engine) as session:
        findings = checkup.examine(session)
    width = max(len(check) for check in checkup.CHECKS)
    for finding in findings:
        click.echo(f"{finding.level:<7}  {finding.check:<{width}}  {finding.text('en')}")
    if checkup.has_warnings(findings):
        sys.exit(1)
