"""``signoff db upgrade``, and how every database command fails when the store is away."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.integration.signoff.cli import Invoke


def test_db_upgrade_on_fresh_database_creates_tables(cli: Invoke, env: Path) -> None:
    result = cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert "upgraded from an empty database to 0018" in result.stdout
    engine = sa.create_engine(f"sqlite:///{env}/t.db")
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"person", "instance", "task", "auditevent", "outboxitem", "trail", "export",
            "accessdenial", "alembic_version"} <= tables


def test_db_upgrade_twice_says_the_schema_is_already_current(cli: Invoke) -> None:
    cli("db", "upgrade")

    result = cli("db", "upgrade")

    assert result.exit_code == 0
    assert "already at the newest schema (0018)" in result.stdout


def test_db_upgrade_brings_a_0001_database_to_the_newest_keeping_its_rows(cli: Invoke,
                                                                    env: Path) -> None:
    from alembic import command

    from approvals.store.db import alembic_config

    url = f"sqlite:///{env}/t.db"
    command.upgrade(alembic_config(url), "0001")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO person (email, name, locale, department, "
                                       "active) VALUES ('a@example.com', 'A', 'en', '', 1)"))
        result = cli("db", "upgrade")
        assert result.exit_code == 0, result.output
        assert "upgraded from 0001 to 0018" in result.stdout
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM person")).scalar() == 1
            assert connection.execute(sa.text("SELECT count(*) FROM trail")).scalar() == 0
            assert connection.execute(sa.text("SELECT count(*) FROM inboundmessage")
                                      ).scalar() == 0
        command.downgrade(alembic_config(url), "0001")
        tables = sa.inspect(engine).get_table_names()
        assert "trail" not in tables and "inboundmessage" not in tables
    finally:
        engine.dispose()


def test_db_upgrade_against_unreachable_postgresql_exits_1_without_traceback(
        cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@127.0.0.1:1/x")

    result = cli("db", "upgrade")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the database is unavailable: ")
    assert "127.0.0.1" in result.stderr
    assert "Traceback" not in result.output


def test_a_command_before_db_upgrade_says_to_run_it(cli: Invoke, people_csv) -> None:
    result = cli("people", "import", str(people_csv("a@example.com,A,en,,,,")))

    assert result.exit_code == 1
    assert "the database is unavailable; nothing was changed: no such table" in result.stderr
    assert 'run "signoff db upgrade" first' in result.stderr


def test_an_unusable_database_url_is_reported_plainly(cli: Invoke,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://somewhere/x")

    result = cli("people", "token", "a@example.com")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: DATABASE_URL is not usable")
    assert "Traceback" not in result.output


def test_the_migrations_make_exactly_the_tables_the_models_describe(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import approvals.store.models  # noqa: F401 - the tables
    from approvals import extensions
    from approvals.store.db import upgrade

    extensions.load()  # and the domain packages' own (accounting.models)

    url = f"sqlite:///{tmp_path}/m.db"
    upgrade(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []
