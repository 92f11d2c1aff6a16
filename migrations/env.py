"""Alembic environment for communique.

The connection comes from the caller when there is one (`config.attributes["connection"]`: the
CLI and the tests), else from COMMUNIQUE_DB, else ./communique.db, so that plain `alembic
upgrade head` and `alembic check` work from the project root too. No logging ini is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import context
from sqlalchemy import Connection

from communique.db.migrate import write_engine
from communique.db.models import Base, described_by_models

config = context.config
target_metadata = Base.metadata


def _database_path() -> Path:
    return Path(os.environ.get("COMMUNIQUE_DB", "communique.db"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=f"sqlite:///{_database_path()}",
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = write_engine(_database_path(), foreign_keys=False)
    try:
        with engine.connect() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
