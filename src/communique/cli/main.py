"""The command group, its global options, and how failures reach the user.

Only click is imported at start-up; each command imports what it needs when it runs, so that
`communique --help` stays light.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from communique import __version__
from communique.errors import CommuniqueError

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path


class ExitStatus(enum.IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    TERMINATED = 143
    """128 + SIGTERM: what a shell reports for a process ended by SIGTERM, which scripts test
    for."""


class AppContext:
    """What every command shares: the database file and how chatty to be.

    A plain class rather than a dataclass, and the path built only when a command runs:
    `communique --help` should import nothing click does not.
    """

    def __init__(self, database: str, verbose: bool) -> None:
        self._database = database
        self.verbose = verbose

    @property
    def database(self) -> Path:
        from pathlib import Path

        return Path(self._database)

    def report(self, message: str) -> None:
        click.echo(f"communique: {message}", err=True)

    def prepare(self, *, create: bool = False) -> None:
        """Bring the database to the current schema; only loading commands create it."""
        from communique.database import prepare

        prepare(self.database, create=create, report=self.report)

    @contextmanager
    def reader(
        self, *, seconds: float | None = None, what: str = "statement"
    ) -> Iterator[sqlite3.Connection]:
        """A connection whose statements Ctrl-C and SIGTERM stop at once, and a time limit
        (`seconds`, None for none) stops with one line naming `what`; closed after."""
        from communique.database import connect
        from communique.interrupts import watched

        self.prepare()
        connection = connect(self.database)
        try:
            with watched(connection, seconds=seconds, what=what):
                yield connection
        finally:
            connection.close()


def _database_error(error: BaseException) -> str | None:
    """SQLite's own message when the error came from the database file (possibly wrapped by
    SQLAlchemy), else None."""
    original = getattr(error, "orig", None) or error
    # sqlite3's errors, recognised without importing sqlite3 at start-up.
    if type(original).__module__ == "sqlite3" and isinstance(original, Exception):
        return f"database error: {original}"
    return None


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so that the same clean-up
    runs on the way out."""


def _terminate(_signal: int, _frame: FrameType | None) -> None:
    raise _Terminated


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (`kill`, `timeout`, a service manager stopping a job) stops a command as Ctrl-C
    does: a load rolls back its open batch and its workers end. By default the process would
    vanish between two statements, and multiprocessing would warn of leaked semaphores on
    the way out."""
    import signal  # not at start-up: `--help` never gets here

    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (called from a program's own thread): as it is
        installed = False
    else:
        installed = True
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


class CommuniqueGroup(click.Group):
    """Turns every failure into one line on stderr; the traceback only with -v."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _terminate_as_interrupt():
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except _Terminated:
            click.echo("Terminated", err=True)
            raise SystemExit(ExitStatus.TERMINATED) from None
        except BrokenPipeError:
            # The reader went away (`communique points | head`): stop quietly, and keep the
            # interpreter from failing again when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(ExitStatus.FAILURE) from None
        except Exception as error:
            app = ctx.obj
            if isinstance(app, AppContext) and app.verbose:
                raise
            if isinstance(error, CommuniqueError):
                raise click.ClickException(str(error)) from None
            database_error = _database_error(error)
            if database_error is not None and isinstance(app, AppContext):
                raise click.ClickException(f"{app.database}: {database_error}") from None
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise click.ClickException(
                f"unexpected {type(error).__name__}: {first_line} (run with -v for the traceback)"
            ) from None


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


def _register() -> None:
    from communique.cli import db, finding, listings, maintenance, query, seed

    for command in (
        seed.seed,
        listings.articles,
        listings.show,
        listings.points,
        listings.sources,
        listings.parties,
        query.query,
        finding.search,
        finding.export,
        maintenance.reparse,
        maintenance.report,
        maintenance.check,
        maintenance.backup,
        db.db,
    ):
        main.add_command(command)


_register()
