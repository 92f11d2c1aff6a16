"""What every command shares: the database it works on, how chatty to be, how to say so, and
the exit statuses.

Only click is imported at start-up: the path is built, and anything else imported, when a
command runs, so that `communique --help` stays light.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

__all__ = ["AppContext", "ExitStatus"]


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
        from communique.db.paths import database_path

        return database_path(self._database)

    def notice(self, message: str) -> None:
        from communique.cli.display import printable

        click.echo(f"communique: {printable(message)}", err=True)

    def stopped(self, reason: object) -> None:
        """One line saying why a command stopped part-way (a full disk), said before the
        summary of what it did."""
        from communique.cli.display import printable, quoted

        click.echo(f"Error: {quoted(str(self.database))}: {printable(str(reason))}", err=True)

    def prepare(self, *, create: bool = False) -> None:
        """Bring the database to the current schema; only loading commands create it."""
        from communique.db.schema import ready

        if ready(self.database, create=create):
            return
        from communique.db.migrate import bring_to_head

        bring_to_head(self.database, self.notice)

    def _say_if_stale(self, connection: sqlite3.Connection) -> None:
        """One line when rows from an older extraction are stored: they may hold what this
        version would no longer find, and the user can redo just those."""
        from communique.read.listings import stale_documents

        stale = stale_documents(connection)
        if stale:
            documents = "document holds" if stale == 1 else "documents hold"
            self.notice(
                f"{stale} {documents} rows from an older extraction than this communique's;"
                " `communique reparse --stale` redoes them"
            )

    @contextmanager
    def reader(
        self, *, seconds: float | None = None, what: str = "statement"
    ) -> Iterator[sqlite3.Connection]:
        """A connection whose statements Ctrl-C and SIGTERM stop at once, and a time limit
        (`seconds`, None for none) stops with one line naming `what`; closed after."""
        from communique.db.database import connect
        from communique.db.interrupts import watched

        self.prepare()
        connection = connect(self.database)
        try:
            self._say_if_stale(connection)
            with watched(connection, seconds=seconds, what=what):
                yield connection
        finally:
            connection.close()
