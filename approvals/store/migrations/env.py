"""Alembic environment: migrations run against the URL given by ``approvals.store.db.upgrade``."""

from alembic import context
from sqlmodel import SQLModel

import approvals.store.models  # noqa: F401 - registers the tables on SQLModel.metadata
from approvals import extensions
from approvals.store.db import make_engine

extensions.load()  # the domain packages' own tables (accounting.models) join the metadata

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    db = make_engine(config.get_main_option("sqlalchemy.url"))
    with db.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    db.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
