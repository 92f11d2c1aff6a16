"""`communique reparse` and `communique report`: redo extraction, and see what it found."""

from __future__ import annotations

import sys

import click

from communique.cli.main import AppContext, ExitStatus
from communique.cli.options import vocabulary_options


@click.command()
@vocabulary_options
@click.pass_obj
def reparse(app: AppContext, gazetteer: str | None, taxonomy: str | None) -> None:
    """Run extraction again over every stored document and update what it derived.

    Use it after upgrading communique: each document is redone in its own transaction, only
    rows that differ are written, and running it twice changes nothing the second time.

    \b
    Example:
        communique reparse
    """
    from communique.database import finish_writing, write_engine
    from communique.reparse import reparse as run

    app.prepare()
    engine = write_engine(app.database)
    try:
        summary = run(
            engine, lambda document, message: app.report(f"document {document}: {message}")
        )
    finally:
        finish_writing(engine)
    click.echo(summary.line())
    if summary.failed:
        raise SystemExit(ExitStatus.FAILURE)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def report(app: AppContext, fmt: str) -> None:
    """Print coverage: documents by status, articles with dateline and full date, published
    documents by kind, points, and points by party.

    \b
    Example:
        communique report --format json
    """
    from communique import queries
    from communique.output import write_json
    from communique.rendering import render_report

    with app.reader() as connection:
        found = queries.report(connection)
    if fmt == "json":
        write_json(found, sys.stdout)
    else:
        click.echo(render_report(found))
