"""The ``signoff`` command group and what its commands share.

Every command reads its configuration with :meth:`approvals.config.Settings.from_env`. A domain
refusal (:class:`approvals.core.errors.SignoffError`) or a database that cannot be reached ends the
command with its message on stderr and exit status 1, never with a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

from approvals.config import Settings
from approvals.core.errors import SignoffError, StoreUnavailable
from approvals.store import db


class _Cli(click.Group):
    """Turns domain refusals and database failures into a message and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StoreUnavailable as error:
            raise click.ClickException(_unavailable(str(error), error.__cause__)) from None
        except SignoffError as error:
            raise click.ClickException(str(error)) from None
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            # raised outside a session, e.g. by the migrations connecting
            raise click.ClickException(_unavailable("the database is unavailable", error)) \
                from None
        except sa_exc.ArgumentError as error:
            raise click.ClickException(f"DATABASE_URL is not usable: {error}") from None


def _unavailable(message: str, cause: BaseException | None) -> str:
    detail = str(getattr(cause, "orig", None) or cause or "").strip()
    if not detail:
        return message
    hint = ' (run "signoff db upgrade" first)' if "no such table" in detail else ""
    return f"{message}: {detail}{hint}"


@click.group(cls=_Cli)
def main() -> None:
    """Signoff: approval and HR workflows over email, with a signed audit trail."""


@contextmanager
def settings_engine() -> Iterator[Engine]:
    engine = db.make_engine(Settings.from_env().database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def read_csv_text(file: Path) -> str:
    """A CSV file given on the command line, as text: UTF-8 with or without the BOM a
    spreadsheet writes; anything else stops the command with what to do, before anything is
    read into the database."""
    try:
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file} is not UTF-8 text ({error.reason} at byte "
                                   f"{error.start}); save it as CSV UTF-8 — nothing was "
                                   f"stored") from None
