"""The command group's class: how every failure reaches the user, as one line on stderr.

Ctrl-C and SIGTERM, a closed pipe, a full disk, a database error and our own errors each end
in one line and a status a script can test; the traceback only with -v.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from communique.cli.context import AppContext, ExitStatus
from communique.errors import CommuniqueError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["CommuniqueGroup"]


_SQLITE_CANTOPEN, _SQLITE_READONLY = 14, 8
"""SQLite's "unable to open database file" and "attempt to write a readonly database", whose
reason lies in the file system."""

_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def _database_error(error: BaseException, database: Path) -> str | None:
    """SQLite's own message when the error came from the database file (possibly wrapped by
    SQLAlchemy), else None. A file SQLite cannot open or write gets the reason the file
    system gives, when it gives one."""
    original = getattr(error, "orig", None) or error
    # sqlite3's errors, recognised without importing sqlite3 at start-up.
    if type(original).__module__ != "sqlite3" or not isinstance(original, Exception):
        return None
    if getattr(original, "sqlite_errorcode", 0) & 0xFF in (_SQLITE_CANTOPEN, _SQLITE_READONLY):
        from communique.db.paths import file_system_reason

        reason = file_system_reason(database)
        if reason is not None:
            return reason
    from communique.cli.display import quoted

    return f"{quoted(str(database))}: database error: {original}"


def _discard_stdout() -> None:
    """Point standard output at the null device, so that the interpreter does not fail again
    flushing what could not be written when it exits."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:  # not a file descriptor (output captured in-process): nothing to flush
        pass


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


def _escape_unencodable() -> None:
    """Text the locale's encoding cannot hold (Korean under LC_ALL=POSIX, a dash under
    PYTHONIOENCODING=latin-1) is written as backslash escapes instead of stopping the output
    half-way with UnicodeEncodeError. Data formats switch standard output to UTF-8 instead
    (options.stdout_for). Done when a command runs, not at start-up."""
    import codecs
    import io

    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(errors="backslashreplace")


_GLOBAL_FLAGS = frozenset(["-v", "--verbose"])
_GLOBAL_VALUED = "--db"


def global_options_first(args: list[str], commands: Iterable[str]) -> list[str]:
    """The arguments with `--db FILE` and `-v` moved before the command when a user typed
    them after it (`communique articles --db archive.db`), as the README's "every command
    takes --db" reads. Nothing after `--` moves: it is the command's own."""
    names = set(commands)
    start = 0
    while start < len(args) and args[start] not in names:
        if args[start] == "--":
            return args
        start += 1 + (args[start] == _GLOBAL_VALUED)
    if start >= len(args):
        return args
    moved: list[str] = []
    kept: list[str] = []
    index = start + 1
    while index < len(args):
        arg = args[index]
        if arg == "--":
            kept.extend(args[index:])
            break
        if arg in _GLOBAL_FLAGS or arg.startswith(f"{_GLOBAL_VALUED}="):
            moved.append(arg)
        elif arg == _GLOBAL_VALUED:
            moved.extend(args[index : index + 2])  # alone when last: click says it needs a value
            index += 1
        else:
            kept.append(arg)
        index += 1
    return [*args[:start], *moved, args[start], *kept]


class CommuniqueGroup(click.Group):
    """Turns every failure into one line on stderr; the traceback only with -v. Every line
    is printable: a message that quotes a file name or captured text cannot forge a line or
    send an escape sequence to the terminal. `--db` and `-v` may follow the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, global_options_first(args, self.commands))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """A full disk or quota while writing standard output is one line wherever it happens,
        even while click writes help or the version before any command runs."""
        try:
            return super().main(*args, **kwargs)
        except OSError as error:
            if error.errno not in _NO_SPACE:
                raise
            from communique.db.paths import no_space

            _discard_stdout()
            click.echo(f"Error: {no_space(error)}", err=True)
            raise SystemExit(ExitStatus.FAILURE) from None

    def invoke(self, ctx: click.Context) -> Any:
        from communique.cli.display import printable

        _escape_unencodable()
        try:
            with _terminate_as_interrupt():
                result = super().invoke(ctx)
                if sys.stdout is not None:  # None when started with standard output closed
                    sys.stdout.flush()  # a full disk or a closed pipe is reported here, not at exit
                return result
        except click.ClickException as error:
            # Ours quote paths and values as they are; click's own (usage) errors quote them
            # with repr, and carry the usage line, so they go on as they are.
            if type(error) is click.ClickException:
                raise click.ClickException(printable(error.message)) from None
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except _Terminated:
            click.echo("Terminated", err=True)
            raise SystemExit(ExitStatus.TERMINATED) from None
        except BrokenPipeError:
            # The reader went away (`communique points | head`): stop quietly, and keep the
            # interpreter from failing again when it flushes stdout at exit.
            _discard_stdout()
            raise SystemExit(ExitStatus.FAILURE) from None
        except Exception as error:
            app = ctx.obj
            if isinstance(error, OSError) and error.errno in _NO_SPACE:
                _discard_stdout()
                if not (isinstance(app, AppContext) and app.verbose):
                    from communique.db.paths import no_space

                    raise click.ClickException(no_space(error)) from None
            if isinstance(app, AppContext) and app.verbose:
                raise
            if isinstance(error, CommuniqueError):
                raise click.ClickException(printable(str(error))) from None
            if isinstance(error, OSError) and error.errno == errno.ENAMETOOLONG and error.filename:
                from communique.db.paths import too_long

                long_name = too_long(os.fsdecode(error.filename))
                raise click.ClickException(printable(long_name)) from None
            database_error = (
                _database_error(error, app.database) if isinstance(app, AppContext) else None
            )
            if database_error is not None:
                raise click.ClickException(printable(database_error)) from None
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise click.ClickException(
                printable(
                    f"unexpected {type(error).__name__}: {first_line}"
                    " (run with -v for the traceback)"
                )
            ) from None
