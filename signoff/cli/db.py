"""``signoff db``: the database schema."""

from __future__ import annotations

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from approvals.config import Settings
from approvals.store import db
from signoff.cli.base import main, settings_engine


@main.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Create the tables, or bring them to the newest migration."""
    url = Settings.from_env().database_url
    shown = make_url(url).render_as_string(hide_password=True)
    head = ScriptDirectory.from_config(db.alembic_config(url)).get_current_head()
    with settings_engine() as engine, engine.connect() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
    if before == head:
        click.echo(f"database {shown} is already at the newest schema ({head})")
        return
    db.upgrade(url)
    click.echo(f"database {shown} upgraded from {before or 'an empty database'} to {head}")
