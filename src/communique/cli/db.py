"""`communique db`: the schema's migrations, for when a user wants to steer them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from communique.cli.main import AppContext

if TYPE_CHECKING:
    from pathlib import Path


@click.group()
def db() -> None:
    """Inspect and move the database schema between revisions.

    Other commands upgrade the database to the newest revision by themselves.

    \b
    Example:
        communique db current
    """


def _require(app: AppContext) -> None:
    """Commands that only read or take away refuse a file that does not exist."""
    from communique.errors import DatabaseMissing

    if not app.database.exists():
        raise DatabaseMissing(f"{app.database}: no such database")


def _move(app: AppContext, step: Callable[[Path, str], None], revision: str) -> None:
    """Migrate and say from which revision to which."""
    from communique import migrate

    before = migrate.current(app.database)
    step(app.database, revision)
    after = migrate.current(app.database)
    click.echo(f"{app.database}: {before or 'empty'} -> {after or 'empty'}")


@db.command()
@click.argument("revision", default="head")
@click.pass_obj
def upgrade(app: AppContext, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head), creating the file if needed."""
    from communique import migrate

    _move(app, migrate.upgrade, revision)


@db.command()
@click.argument("revision")
@click.pass_obj
def downgrade(app: AppContext, revision: str) -> None:
    """Downgrade the schema to REVISION ("base" removes every table communique made)."""
    from communique import migrate

    _require(app)
    _move(app, migrate.downgrade, revision)


@db.command()
@click.pass_obj
def current(app: AppContext) -> None:
    """Print the database's schema revision, and whether it is the newest."""
    from communique import migrate

    _require(app)
    revision = migrate.current(app.database)
    state = "(head)" if revision == migrate.head_revision() else "(upgrade available)"
    click.echo(f"{revision or 'empty'} {state}")


@db.command()
def history() -> None:
    """List the schema's revisions, newest first."""
    from communique import migrate

    for revision, down, message in migrate.history():
        click.echo(f"{down or '<base>'} -> {revision}: {message.strip().splitlines()[0]}")
