"""`communique seed`: load captures into the database."""

from __future__ import annotations

from pathlib import Path

import click

from communique.cli.main import AppContext, ExitStatus
from communique.cli.options import extractor_for, vocabulary_options


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@vocabulary_options
@click.pass_obj
def seed(
    app: AppContext, paths: tuple[str, ...], gazetteer: Path | None, taxonomy: Path | None
) -> None:
    """Load captures: text files, JSON archives (*.json arrays, *.jsonl lines), directories
    (every *.txt, *.json and *.jsonl below them) or - for a text on stdin.

    With no PATH, loads the seed texts that ship with communique. Each document (each record
    of an archive) is stored whole or not at all; loading the same bytes again adds nothing.
    A manifest.toml beside the texts may give each file's capture URL and publication year.

    \b
    Example:
        communique seed captures/ kcna-2024.json article.txt
    """
    from communique.inputs import captures, packaged_captures
    from communique.seeding import seed as load
    from communique.store import LoadResult, Outcome

    def report(origin: str, message: str, result: LoadResult | None) -> None:
        if result is None or result.outcome is Outcome.FAILED:
            click.echo(f"error: {origin}: {message}", err=True)
        elif message:
            click.echo(f"warning: {origin}: {message}", err=True)
        elif app.verbose:
            click.echo(
                f"{result.outcome.value}: {origin} (document {result.document_id})", err=True
            )

    app.prepare(create=True)
    inputs = captures(list(paths)) if paths else packaged_captures()
    summary = load(app.database, inputs, report, extractor_for(gazetteer, taxonomy))
    click.echo(summary.line())
    if not summary.ok:
        raise SystemExit(ExitStatus.FAILURE)
