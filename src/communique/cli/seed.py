"""`communique seed`: load captures into the database."""

from __future__ import annotations

import click

from communique.cli.main import AppContext, ExitStatus


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.pass_obj
def seed(app: AppContext, paths: tuple[str, ...]) -> None:
    """Load text captures: files, directories (every *.txt below them) or - for stdin.

    With no PATH, loads the seed texts that ship with communique. Each document is stored
    whole or not at all; loading the same bytes again adds nothing. A manifest.toml beside
    the texts may give each file's capture URL and publication year.

    \b
    Example:
        communique seed captures/ article.txt
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
    summary = load(app.database, inputs, report)
    click.echo(summary.line())
    if not summary.ok:
        raise SystemExit(ExitStatus.FAILURE)
