"""`communique db`: the schema's migrations, for when a user wants to steer them."""

from __future__ import annotations

import click

from communique.cli.main import AppContext


@click.group()
def db() -> None:
    """Inspect and move the database schema between revisions.

    Other commands upgrade the database to the newest revision by themselves.

    \b
    Example:
        communique db current
    """


@db.command()
@click.argument("revision", default="head")
@click.pass_obj
def upgrade(app: AppContext, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head), creating the file if needed."""
    from communique import migrate

    before = migrate.current(app.database)
    migrate.upgrade(app.database, revision)
    after = migrate.current(app.database)
    click.echo(f"{app.database}: {before or 'empty'} -> {after or 'empty'}")


@db.command()
@click.argument("revision")
@click.pass_obj
def downgrade(app: AppContext, revision: str) -> None:
    """Downgrade the schema to REVISION ("base" removes every table communique made)."""
    from communique import migrate
    from communique.errors import DatabaseMissing

    if not app.database.exists():
        raise DatabaseMissing(f"{app.database}: no such database")
    before = migrate.current(app.database)
    migrate.downgrade(app.database, revision)
    after = migrate.current(app.database)
    click.echo(f"{app.database}: {before or 'empty'} -> {after or 'empty'}")


@db.command()
@click.pass_obj
def current(app: AppContext) -> None:
    """Print the database's schema revision, and whether it is the newest."""
    from communique import migrate
    from communique.errors import DatabaseMissing

    if not app.database.exists():
        raise DatabaseMissing(f"{app.database}: no such database")
    revision = migrate.current(app.database)
    state = "(head)" if revision == migrate.head_revision() else "(upgrade available)"
    click.echo(f"{revision or 'empty'} {state}")


@db.command()
def history() -> None:
    """List the schema's revisions, newest first."""
    from communique import migrate

    for revision, down, message in migrate.history():
        click.echo(f"{down or '<base>'} -> {revision}: {message.strip().splitlines()[0]}")
