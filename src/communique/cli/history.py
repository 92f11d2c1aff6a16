"""`communique changes` and `communique history`: what snapshots of an archive show changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from communique.cli.context import AppContext
from communique.cli.options import PartialDate, check_range, format_option, stdout_for

if TYPE_CHECKING:
    from communique.read.filters import DateBound

_KINDS = ("new", "edited", "retitled", "withdrawn", "restored")
"""extract.snapshots.CHANGE_KINDS, spelled here so that `--help` imports no extraction code
(a test keeps the two equal)."""


@click.command()
@click.option("--since", type=PartialDate(), help="Snapshots as of DATE or later.")
@click.option("--until", type=PartialDate(), help="Snapshots as of DATE or earlier.")
@click.option("--change", type=click.Choice(_KINDS), help="Only changes of this kind.")
@click.option("--archive", metavar="NAME", help="Only this archive (kcna.kp).")
@format_option
@click.pass_obj
def changes(
    app: AppContext,
    since: DateBound | None,
    until: DateBound | None,
    change: str | None,
    archive: str | None,
    fmt: str,
    formula_guard: bool,
) -> None:
    """List what changed between consecutive snapshots of each archive, oldest first: items
    new, edited, retitled, withdrawn or restored, with the item's current article and
    headline. `alternating` marks an item whose text went back to an earlier version;
    `withdrawn` one absent from its archive's latest snapshot.

    \b
    Example:
        communique changes --since 2024-08-05 --change edited
    """
    from communique.cli.output import write_rows
    from communique.read.history import changes as listed

    check_range(since, until)
    with app.reader() as connection:
        listing = listed(connection, since=since, until=until, change=change, archive=archive)
    rows = [[row[column] for column in listing.columns] for row in listing.rows]
    write_rows(listing.columns, rows, fmt, stdout_for(fmt), formula_guard=formula_guard)


@click.command()
@click.argument("key", metavar="URL|ARTICLE_ID")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def history(app: AppContext, key: str, fmt: str) -> None:
    """Show an item's versions, by its link or by the id of an article that is one of its
    versions: the snapshots that saw each version and its headlines, the item's changes,
    and between consecutive versions the words deleted [-like this-] and inserted
    {+like this+}, with the points of published documents that changed. JSON gives the
    word-level operations.

    \b
    Example:
        communique history 68
    """
    from communique.cli.output import reading_width, write_json
    from communique.cli.render import render_history
    from communique.read.history import item_history

    with app.reader() as connection:
        found: list[dict[str, Any]] = item_history(connection, key)
    if fmt == "json":
        write_json(found, stdout_for(fmt))
    else:
        click.echo(render_history(found, reading_width()), file=stdout_for(fmt))
