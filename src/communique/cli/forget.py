"""`communique forget`: take a load back."""

from __future__ import annotations

import sys

import click

from communique.cli.context import AppContext
from communique.cli.options import extractor_for, vocabulary_options


@click.command()
@click.argument("names", nargs=-1, required=True, metavar="ORIGIN...")
@click.option("--yes", "-y", is_flag=True, help="Do not ask (needed when not on a terminal).")
@click.option("--dry-run", "-n", is_flag=True, help="Only say what would be removed.")
@click.option(
    "--no-backup",
    is_flag=True,
    help="Do not copy the database beside itself first (for those who keep their own copies).",
)
@vocabulary_options
@click.pass_obj
def forget(
    app: AppContext,
    names: tuple[str, ...],
    yes: bool,
    dry_run: bool,
    no_backup: bool,
    gazetteer: str | None,
    taxonomy: str | None,
) -> None:
    """Remove the documents loaded from ORIGIN..., and every article, declaration and point
    that only they supported; the full-text indexes follow. Sources, parties and topics stay.

    ORIGIN is a file or folder as it was given to `seed` (an archive's path names all its
    records), or an origin as stored in documents.origin (`<stdin>` or -,
    communique:seed/NAME, PATH#INDEX for one record). It says what it would remove and asks
    first; off a terminal it needs --yes. The database is copied beside itself first
    (communique.db.before-forget.bak) unless --no-backup is given; then everything is removed
    in one transaction, or nothing. A file forgotten can be loaded again with `seed`. An
    article another capture still supports is rewritten from it with the vocabularies given
    (--gazetteer, --taxonomy), as `reparse` would.

    \b
    Example:
        communique forget --dry-run captures/kcna-2024-08.json
    """
    from communique.cli.display import quoted
    from communique.load.forget import forget as run
    from communique.load.forget import plan

    with app.reader() as connection:
        found = plan(connection, names)
    terminal = sys.stdin is not None and sys.stdin.isatty()  # None: started with it closed
    if not (yes or dry_run or terminal):
        raise click.ClickException(
            f"{found.line('would forget')}: not on a terminal to confirm; add --yes to go on"
            " (nothing forgotten)"
        )
    click.echo(f"{found.line('would forget')}, loaded from:")
    for origin, count in found.origins.items():
        click.echo(f"  {quoted(origin)}" + (f" ({count:,} records)" if count > 1 else ""))
    kept = len(found.handed_over)
    if kept:
        click.echo(
            f"{kept:,} article{'' if kept == 1 else 's'} also captured by other documents"
            " will stay, rewritten from those"
        )
    if dry_run:
        return
    if not yes:
        click.confirm("Forget them?", abort=True)
    notes = run(
        app.database,
        found,
        backup=not no_backup,
        notice=app.notice,
        extractor=extractor_for(gazetteer, taxonomy),
    )
    for note in notes:
        app.notice(note)
    click.echo(found.line("forgot"))
