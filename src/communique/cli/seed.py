"""`communique seed`: load captures into the database."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import click

from communique.cli.context import AppContext, ExitStatus
from communique.cli.options import Integer, extractor_for, vocabulary_options

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from communique.inputs.files import Capture, InputProblem
    from communique.load.snapshots import SnapshotRecords


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, even on a terminal.")
@click.option(
    "--jobs",
    "-j",
    type=Integer(minimum=1),
    help="Processes extracting in parallel on loads of more than a few hundred documents"
    " (default: one per core; 1 extracts in the loading process).",
)
@click.option(
    "--max-size",
    type=Integer(minimum=1),
    default=16,
    show_default=True,
    metavar="MIB",
    help="Refuse a text file larger than this many MiB (an article is a few KiB).",
)
@click.option(
    "--snapshot",
    is_flag=True,
    help="Load one JSON archive as the complete contents of its archive on --as-of, and work"
    " out what changed (see `communique changes` and `communique history`).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="With --snapshot: the day the snapshot shows.",
)
@click.option(
    "--archive",
    metavar="NAME",
    help="With --snapshot: the archive's name (default: the site of its records' links,"
    " such as kcna.kp).",
)
@vocabulary_options
@click.pass_obj
def seed(
    app: AppContext,
    paths: tuple[str, ...],
    quiet: bool,
    jobs: int | None,
    max_size: int,
    snapshot: bool,
    as_of: dt.datetime | None,
    archive: str | None,
    gazetteer: str | None,
    taxonomy: str | None,
) -> None:
    """Load captures: text files, JSON archives (*.json arrays, *.jsonl lines), directories
    (every *.txt, *.json and *.jsonl below them) or - for a text on stdin.

    With no PATH, loads the seed texts that ship with communique. Each document (each record
    of an archive) is stored whole or not at all; loading the same bytes again adds nothing.
    A manifest.toml beside the texts may give each file's capture URL and publication year.

    With --snapshot --as-of DATE, the one FILE (a JSON archive) is what its archive held that
    day: its records are loaded as usual, then the items that are new, edited, retitled,
    withdrawn or restored since the archive's previous snapshot are recorded. Snapshots may
    come in any order; the same snapshot again changes nothing.

    \b
    Example:
        communique seed captures/ kcna-2024.json article.txt
        communique seed --snapshot --as-of 2024-08-05 headlines_2024-08-05.json
    """
    from communique.cli.display import printable, quoted
    from communique.inputs.files import captures, packaged_captures
    from communique.load.seeding import seed as load
    from communique.load.store import LoadResult, Outcome
    from communique.load.workers import default_jobs

    def report(origin: str, message: str, result: LoadResult | None) -> None:
        # One line each, whatever the file is called or the text holds.
        origin, message = quoted(origin), printable(message)
        if result is None or result.outcome is Outcome.FAILED:
            click.echo(f"error: {origin}: {message}", err=True)
        elif message:
            click.echo(f"warning: {origin}: {message}", err=True)
        elif app.verbose:
            click.echo(
                f"{result.outcome.value}: {origin} (document {result.document_id})", err=True
            )

    if (as_of is not None or archive is not None) and not snapshot:
        raise click.UsageError("--as-of and --archive go with --snapshot")
    if snapshot and (as_of is None or len(paths) != 1 or paths[0] == "-"):
        raise click.UsageError("--snapshot loads one FILE and needs --as-of YYYY-MM-DD")
    if as_of is not None and as_of.date() > dt.date.today():
        raise click.UsageError(
            f"--as-of {as_of.date().isoformat()} is after today: a snapshot shows a day that has"
            " been"
        )
    read: SnapshotRecords | None = None
    inputs: Iterable[Capture | InputProblem]
    if snapshot and as_of is not None:
        # Read before the database is made: a snapshot that cannot be read whole is refused
        # with nothing written.
        read, inputs = _snapshot_inputs(app, paths[0], as_of.date(), archive)
    else:
        inputs = captures(list(paths), max_size << 20) if paths else packaged_captures()
    app.prepare(create=True)
    with _progress_bar(paths, quiet) as progress:
        summary = load(
            app.database,
            inputs,
            report,
            extractor_for(gazetteer, taxonomy),
            progress,
            jobs=jobs or default_jobs(),
        )
    if read is not None:
        # Records stored already were not read again: they are as unchanged as ever.
        summary.unchanged += len(read.records) - len(read.unstored)
    if summary.stopped is not None:
        app.stopped(summary.stopped)
    click.echo(summary.line())
    if read is not None and as_of is not None:
        _record(app, read, paths[0], as_of.date(), archive)
    if not summary.ok:
        raise SystemExit(ExitStatus.FAILURE)


def _record(
    app: AppContext, read: SnapshotRecords, given: str, as_of: dt.date, archive: str | None
) -> None:
    """Record the snapshot once each of its records is stored (one whose extraction failed
    is stored too, for a later `reparse`); else say it is not recorded."""
    from pathlib import Path

    from communique.cli.display import printable
    from communique.db.database import fold_log, stored_documents, write_connection
    from communique.load.snapshots import record_snapshot

    try:
        with closing(write_connection(app.database)) as connection:
            shas = [sha for _, sha, _, _ in read.unstored]
            missing = len(set(shas) - set(stored_documents(connection.cursor(), shas)))
            if missing:
                app.notice(
                    f"the snapshot is not recorded: {missing} of its records could not be"
                    " stored; load it again"
                )
                raise SystemExit(ExitStatus.FAILURE)
            origin = str(Path(given).resolve())
            recorded = record_snapshot(connection, read, origin, as_of, archive)
    finally:
        fold_log(app.database)
    click.echo(printable(recorded.line()))


def _snapshot_inputs(
    app: AppContext, given: str, as_of: dt.date, archive: str | None
) -> tuple[SnapshotRecords, list[Capture]]:
    """The snapshot read once, and captures of its records not stored yet: a daily snapshot
    of an archive already loaded costs little more than reading the file."""
    from pathlib import Path

    from communique.cli.display import printable, quoted
    from communique.db.database import connect, stored_documents
    from communique.db.schema import current_revision
    from communique.inputs.files import archive_record_capture
    from communique.load.snapshots import archive_of, clash, clash_message, read_snapshot

    path = Path(given)
    # An empty file, or none, holds no documents yet; snapshots are kept since revision 0010.
    revision = current_revision(app.database) if app.database.exists() else None
    try:
        with (
            closing(connect(app.database, readonly=True)) if revision else nullcontext()
        ) as connection:
            if connection is None:
                read = read_snapshot(path)
            else:
                cursor = connection.cursor()
                read = read_snapshot(path, lambda shas: set(stored_documents(cursor, shas)))
                if read.records and revision is not None and revision >= "0010":
                    name = archive_of(read, archive)
                    other = clash(cursor, read, name, as_of.isoformat())
                    if other is not None:
                        raise click.ClickException(
                            printable(
                                clash_message(str(path.resolve()), name, as_of.isoformat(), other)
                            )
                        )
    except OSError as error:
        raise click.ClickException(f"{quoted(given)}: {error.strerror or error}") from None
    origin = str(path.resolve())
    return read, [
        archive_record_capture(origin, index, text, link) for index, _, text, link in read.unstored
    ]


_BAR_AFTER = 300
"""Loads of fewer documents than this finish before a bar would help."""


@contextmanager
def _progress_bar(paths: tuple[str, ...], quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar by bytes of input, on a terminal only, shown once a load has passed a
    few hundred documents; nothing when piped, with --quiet, or for standard input."""
    terminal = sys.stderr.isatty()
    if quiet or not terminal or not paths or "-" in paths:
        yield None
        return
    from pathlib import Path

    total = sum(_size(Path(path)) for path in paths)
    seen = {"documents": 0, "bytes": 0}
    with ExitStack() as stack:
        bar: Any = None

        def advance(size: int) -> None:
            nonlocal bar
            seen["documents"] += 1
            seen["bytes"] += size
            if bar is None and seen["documents"] >= _BAR_AFTER:
                bar = stack.enter_context(
                    click.progressbar(length=total, label="loading", file=sys.stderr)
                )
                bar.update(seen["bytes"])
            elif bar is not None:
                bar.update(size)

        yield advance
        if bar is not None:
            bar.update(max(total - seen["bytes"], 0))  # array brackets and the like


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return 0
