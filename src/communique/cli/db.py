"""`communique db`: the schema's migrations, for when a user wants to steer them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from communique.cli.context import AppContext

if TYPE_CHECKING:
    pass


@click.group()
def db() -> None:
    """Inspect and move the database schema between revisions.

    Other commands upgrade the database to the newest revision by themselves. Before a
    database that holds documents is upgraded or downgraded, it is copied beside itself,
    named after its revision (communique.db.0003.bak), unless --no-backup is given.

    \b
    Example:
        communique db current
    """


def _move(app: AppContext, step: Callable[..., None], revision: str, *, no_backup: bool) -> None:
    """Migrate and say from which revision to which."""
    from communique.db import migrate

    before = migrate.current(app.database)
    step(app.database, revision, notice=app.notice, backup=not no_backup)
    after = migrate.current(app.database)
    from communique.cli.display import quoted

    click.echo(f"{quoted(str(app.database))}: {before or 'empty'} -> {after or 'empty'}")


_no_backup = click.option(
    "--no-backup",
    is_flag=True,
    help="Do not copy the database beside itself first (for those who keep their own copies).",
)


@db.command()
@click.argument("revision", default="head")
@_no_backup
@click.pass_obj
def upgrade(app: AppContext, revision: str, no_backup: bool) -> None:
    """Upgrade the schema to REVISION (default: head), creating the file if needed.

    A database that holds documents is first copied beside itself (communique.db.0003.bak
    for one at revision 0003; a name already taken gets a number, never replaced).

    \b
    Example:
        communique --db archive.db db upgrade
    """
    from communique.db import migrate

    _move(app, migrate.upgrade, revision, no_backup=no_backup)


@db.command()
@click.argument("revision")
@_no_backup
@click.option(
    "--yes", is_flag=True, help="Drop tables that hold rows without asking (off a terminal)."
)
@click.pass_obj
def downgrade(app: AppContext, revision: str, no_backup: bool, yes: bool) -> None:
    """Downgrade the schema to REVISION ("base" removes every table communique made).

    A database that holds documents is first copied beside itself, as by `db upgrade`. A
    downgrade that drops tables holding rows asks first on a terminal, and needs --yes
    otherwise.

    \b
    Example:
        communique db downgrade 0003
    """
    import sys

    from communique.db import migrate
    from communique.db.schema import existing

    existing(app.database)
    lost = migrate.rows_dropped(app.database, revision)
    if lost and not yes:
        listed = ", ".join(
            f"{table} ({count} {'row' if count == 1 else 'rows'})" for table, count in lost.items()
        )
        dropped = f"downgrading to {revision} drops tables that hold rows: {listed}"
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise click.ClickException(f"{dropped}; give --yes to go on")
        kept = "" if no_backup else " (a copy is taken first)"
        click.confirm(f"{dropped}{kept}. Go on?", abort=True, err=True)
    _move(app, migrate.downgrade, revision, no_backup=no_backup)


@db.command()
@click.pass_obj
def current(app: AppContext) -> None:
    """Print the database's schema revision, and whether it is the newest.

    \b
    Example:
        communique db current
    """
    from communique.db import migrate
    from communique.db.schema import existing

    existing(app.database)
    revision = migrate.current(app.database)
    state = "(head)" if revision == migrate.head_revision() else "(upgrade available)"
    click.echo(f"{revision or 'empty'} {state}")


@db.command()
def history() -> None:
    """List the schema's revisions, newest first.

    \b
    Example:
        communique db history
    """
    from communique.db import migrate

    for revision, down, message in migrate.history():
        click.echo(f"{down or '<base>'} -> {revision}: {message.strip().splitlines()[0]}")
