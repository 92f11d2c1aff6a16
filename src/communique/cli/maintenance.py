"""`communique reparse` and `communique report`: redo extraction, and see what it found."""

from __future__ import annotations

import click

from communique.cli.context import AppContext, ExitStatus
from communique.cli.options import extractor_for, stdout_for, vocabulary_options


@click.command()
@vocabulary_options
@click.option(
    "--stale",
    is_flag=True,
    help="Redo only the documents whose rows an older extraction made.",
)
@click.pass_obj
def reparse(app: AppContext, gazetteer: str | None, taxonomy: str | None, stale: bool) -> None:
    """Run extraction again over every stored document and update what it derived.

    Use it after upgrading communique (--stale redoes just the documents an older extraction
    made, which commands point out), or with --gazetteer/--taxonomy to tag what is stored
    with your own vocabularies: only rows that differ are written, and running it twice
    changes nothing the second time.

    \b
    Example:
        communique reparse --stale
    """
    from communique.load.reparse import reparse as run
    from communique.load.workers import default_jobs

    app.prepare()
    summary = run(
        app.database,
        lambda document, message: app.notice(f"document {document}: {message}"),
        extractor_for(gazetteer, taxonomy),
        jobs=default_jobs(),
        stale=stale,
    )
    if summary.stopped is not None:
        app.stopped(summary.stopped)
    click.echo(summary.line())
    if summary.failed or summary.stopped is not None:
        raise SystemExit(ExitStatus.FAILURE)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def report(app: AppContext, fmt: str) -> None:
    """Print coverage: documents by status, articles with dateline and full date, published
    documents by kind, points (and how many nobody can be said to hold), points by topic and
    by party, attributions by the rule that made them, and documents from an older
    extraction.

    \b
    Example:
        communique report --format json
    """
    from communique.cli.output import write_json
    from communique.cli.render import render_coverage
    from communique.read import listings

    with app.reader() as connection:
        found = listings.coverage(connection)
    if fmt == "json":
        write_json(found, stdout_for(fmt))
    else:
        click.echo(render_coverage(found), file=stdout_for(fmt))


@click.command()
@click.pass_obj
def check(app: AppContext) -> None:
    """Check the database end to end, changing nothing: SQLite's integrity check, foreign
    keys, the full-text indexes against their tables, the schema revision, and every
    document's text against its sha256. Exits 1 and lists the problems when any is found.

    \b
    Example:
        communique check && communique backup archive-copy.db
    """
    from communique.cli.display import printable
    from communique.db.checks import check as run
    from communique.db.schema import existing

    existing(app.database)
    found = run(app.database)
    for note in found.notes:
        click.echo(f"note: {note}", err=True)
    if found.skipped:
        click.echo(f"note: {printable(found.skipped)}", err=True)
    if found.ok:
        click.echo(found.summary())
        return
    for problem in found.problems:
        click.echo(f"problem: {printable(problem)}", file=stdout_for("text"))
    click.echo(f"{len(found.problems)} problem(s) found", err=True)
    raise SystemExit(ExitStatus.FAILURE)


@click.command()
@click.argument("destination", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
@click.pass_obj
def backup(app: AppContext, destination: str, force: bool) -> None:
    """Copy the database to DESTINATION with SQLite's online backup API: a consistent copy,
    safe to take while another process is loading. Never overwrites a file without --force.

    \b
    Example:
        communique backup ~/backups/communique-2026-11-29.db
    """
    from pathlib import Path

    from communique.db.backups import backup as run
    from communique.db.schema import existing

    existing(app.database)
    size = run(app.database, Path(destination), force=force)
    from communique.cli.display import quoted

    click.echo(f"backed up {quoted(str(app.database))} to {quoted(destination)} ({size:,} bytes)")
