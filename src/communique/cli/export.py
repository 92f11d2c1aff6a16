"""`communique export`: articles, documents or points, streamed row by row for other programs."""

from __future__ import annotations

from typing import Any

import click

from communique.cli.context import AppContext
from communique.cli.options import (
    Integer,
    filter_options,
    filters_from,
    formula_guard_option,
    stdout_for,
    vocabularies_from,
    vocabulary_options,
)


@click.command()
@click.option(
    "--what",
    type=click.Choice(["articles", "documents", "declarations", "points"]),
    default="articles",
    show_default=True,
)
@click.option("--article", type=Integer(), help="Only what belongs to this article.")
@click.option("--declaration", type=Integer(), help="Only what belongs to this published document.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "json"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to FILE instead of standard output; it appears only once complete.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the --output file if it exists, or write into a device or named pipe.",
)
@formula_guard_option
@filter_options
@vocabulary_options
@click.pass_obj
def export(
    app: AppContext,
    /,
    what: str,
    article: int | None,
    declaration: int | None,
    fmt: str,
    output: str | None,
    force: bool,
    formula_guard: bool,
    **options: Any,
) -> None:
    """Export articles, documents, declarations or points, row by row, for other programs.

    Exported articles (JSON Lines) load back with `communique seed`: each line is a record
    with headline, story_text, date_str, topic and link. An --output file is never the
    database nor one of its -wal, -shm or -journal files, and never replaces an existing
    file without --force.

    \b
    Example:
        communique export --what points --topic sanctions --format csv -o sanctions.csv
    """
    from communique.cli.output import stream_rows
    from communique.read import listings
    from communique.read.export import export as run

    filters, vocabularies = filters_from(options), vocabularies_from(options)
    with app.reader() as connection:
        resolved = listings.resolve(connection, filters, vocabularies)
        if output is None:
            columns, rows = run(
                connection, what, resolved, article=article, declaration=declaration
            )
            stream_rows(columns, rows, fmt, stdout_for(fmt), formula_guard=formula_guard)
            return
        from pathlib import Path

        from communique.db.paths import text_output

        with text_output(Path(output), app.database, force=force) as out:
            columns, rows = run(
                connection, what, resolved, article=article, declaration=declaration
            )
            count = stream_rows(columns, rows, fmt, out, formula_guard=formula_guard)
    app.notice(f"exported {count} {what} to {output}")
