"""The `communique` command group: its global options, and the commands it holds.

Only click is imported at start-up; each command imports what it needs when it runs, so that
`communique --help` stays light.
"""

from __future__ import annotations

import click

from communique import __version__
from communique.cli import (
    db,
    export,
    forget,
    history,
    listings,
    maintenance,
    query,
    search,
    seed,
    serve,
)
from communique.cli.context import AppContext
from communique.cli.group import CommuniqueGroup

__all__ = ["main"]


@click.group(cls=CommuniqueGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "database",
    type=click.Path(dir_okay=False),
    envvar="COMMUNIQUE_DB",
    default="communique.db",
    show_default=True,
    help="SQLite file to use (environment: COMMUNIQUE_DB).",
)
@click.option("-v", "--verbose", is_flag=True, help="Say more; show tracebacks on errors.")
@click.version_option(__version__, prog_name="communique")
@click.pass_context
def main(ctx: click.Context, database: str, verbose: bool) -> None:
    """Keep state-media news articles, and the declarations they publish, as rows in SQLite.

    \b
    Example:
        communique seed && communique show 1
    """
    ctx.obj = AppContext(database=database, verbose=verbose)


for command in (
    seed.seed,
    listings.articles,
    listings.show,
    listings.points,
    listings.declarations,
    listings.sources,
    listings.parties,
    query.query,
    search.search,
    export.export,
    maintenance.reparse,
    maintenance.report,
    maintenance.check,
    maintenance.backup,
    forget.forget,
    history.changes,
    history.history,
    serve.serve,
    db.db,
):
    main.add_command(command)
