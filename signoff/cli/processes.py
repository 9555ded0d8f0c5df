"""``signoff processes``: checking and loading process files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import exc, inspect
from sqlalchemy.engine import Engine, make_url

from approvals.clock import utcnow
from approvals.config import Settings
from approvals.core.errors import DefinitionError
from approvals.definitions import load_file
from approvals.store import db, registry
from approvals.store.models import PersonRole
from signoff.cli.base import main, settings_engine


@main.group()
def processes() -> None:
    """Process files: check them, load them into the database."""


@processes.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def processes_check(files: tuple[Path, ...]) -> None:
    """Check process FILES (by default every file Signoff loads) and name each problem's file,
    line and field."""
    paths = list(files) or registry.process_files()
    if not paths:
        raise click.ClickException("no process files found")
    failed = 0
    ids: dict[str, Path] = {}
    for path in paths:
        try:
            process = load_file(path)
            if process.id in ids:
                raise DefinitionError(str(path), None, "id", f"process id {process.id!r} is "
                                      f"already defined in {ids[process.id]}")
        except DefinitionError as error:
            failed += 1
            click.echo(str(error), err=True)
            continue
        ids[process.id] = path
        click.echo(f"OK {path} ({process.id})")
        for where, line, role in _unheld(process):
            at = f"{path}:{line}" if line else str(path)
            click.echo(f"warning: {at}: {where}: nobody holds the role {role!r}; its tasks "
                       "will go to the administrators", err=True)
    if failed:
        click.echo(f"{failed} of {len(paths)} process files failed", err=True)
        sys.exit(1)


def _unheld(process) -> list[tuple[str, int | None, str]]:
    """Roles the process assigns that nobody holds, when the database is there to ask (a
    check never creates one, and works without one)."""
    url = Settings.from_env().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return []
    database = db.make_engine(url)
    try:
        with database.connect() as connection:
            if not inspect(connection).has_table(PersonRole.__tablename__):
                return []
            return registry.unheld_roles(connection, process)
    except exc.SQLAlchemyError:
        return []
    finally:
        database.dispose()


@processes.command("load")
def processes_load() -> None:
    """Store a new version of every changed process file; running instances keep theirs."""
    with settings_engine() as engine:
        ok = load_processes(engine)
    if not ok:
        sys.exit(1)


def load_processes(engine: Engine) -> bool:
    """Load and sync every process file, print what changed; False if a file is broken."""
    found, errors = registry.load_all()
    with db.write_session(engine) as session:
        added = registry.sync(session, found, utcnow())
        lines = [f"loaded {row.process_id} version {row.version} from {row.path}"
                 for row in added]
    for line in lines:
        click.echo(line)
    unchanged = len(found) - len(added)
    if unchanged:
        click.echo(f"{unchanged} process{'es' if unchanged != 1 else ''} unchanged")
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} process file{'s' if len(errors) != 1 else ''} not loaded; "
                   "the others were", err=True)
    return not errors
