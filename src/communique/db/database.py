"""Opening the database file: the one function that connects, and the settings of every
connection; whether a write transaction survived an error; the one "is it stored?" look-up.

Read-only commands, loads, `reparse` and `forget` use the standard library's sqlite3, so that
they start without importing SQLAlchemy or Alembic; those are imported only by migrations.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from communique.errors import TransactionLost, first_line

__all__ = [
    "BUSY_TIMEOUT_MS",
    "STALE_DOCUMENTS",
    "StoredDocument",
    "as_lost",
    "begin_immediate",
    "connect",
    "fold_log",
    "lost_by",
    "open_connection",
    "rows_in",
    "set_write_pragmas",
    "signals_held",
    "stored_documents",
    "write_connection",
]

BUSY_TIMEOUT_MS = 30_000
"""How long a connection waits for another writer before giving up."""

STALE_DOCUMENTS = "(extraction_version IS NULL OR extraction_version < ?)"
"""Documents whose rows an older extraction made, given the running one's version (NULL: made
before versions were recorded). Both terms are answered from the index on the version."""

LOCK_WAIT_STEP_MS = 100
"""The length of each of `begin_immediate`'s short waits: how late a stop may be seen."""


_ADVICE = {
    sqlite3.SQLITE_FULL: "free some space on the database's disk and where SQLite keeps its"
    " temporary files (TMPDIR), then run the same command again: what it stored before is kept",
    sqlite3.SQLITE_IOERR: "the disk failed to read or write: run `communique check`, then the"
    " same command again",
    sqlite3.SQLITE_NOMEM: "memory ran out: close other programs and run the same command again",
    sqlite3.SQLITE_CORRUPT: "the file is damaged: run `communique check` to see where",
    sqlite3.SQLITE_NOTADB: "the file is damaged: run `communique check` to see where",
}
"""The errors no document causes, whether or not SQLite rolled the transaction back on its
own, and what the user can do about each."""


def as_lost(error: sqlite3.Error) -> TransactionLost:
    """`error` as the loss of the open write transaction, saying what the user can do."""
    code = getattr(error, "sqlite_errorcode", None)
    advice = _ADVICE.get(code & 0xFF) if code is not None else None
    cause = first_line(error)
    return TransactionLost(cause, advice or "run `communique check`, then the same command again")


def lost_by(
    error: BaseException, connection: sqlite3.Connection | None = None
) -> TransactionLost | None:
    """What an error inside a write transaction means for it: TransactionLost when the
    transaction is gone or has to be given up, None when it stands and a savepoint can undo
    the failed step (a row a constraint refused, an error of Python's).

    SQLite rolls the whole transaction back on its own after some errors (a full disk, an
    I/O error, memory running out, an interrupt), and says so only through the connection
    leaving the transaction: a caller that went on would write one statement at a time,
    each committed at once. So after any SQLite error `connection`, when given, is asked."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, TransactionLost):
        return original
    if not isinstance(original, sqlite3.Error):
        return None
    code = getattr(original, "sqlite_errorcode", None)
    vanished = connection is not None and not connection.in_transaction
    if vanished or (code is not None and code & 0xFF in _ADVICE):
        return as_lost(original)
    return None


_held: list[int] = []
"""The signals `signals_held` received and holds back, in order."""


def _hold(signum: int, _frame: object) -> None:
    _held.append(signum)


def stop_requested() -> bool:
    """Whether Ctrl-C or SIGTERM came while `signals_held` holds them back."""
    return bool(_held)


@contextmanager
def signals_held() -> Iterator[Callable[[], bool]]:
    """Ctrl-C and SIGTERM, held back until the block ends, then acted on as they would have
    been (a KeyboardInterrupt raised, say). The block asks the function it is given whether
    one came, and ends early at a point of its choosing; a wait for another writer's lock
    ends at once (`begin_immediate`).

    Python raises a signal's exception wherever the main thread happens to be: inside the
    closing of a connection or the ending of a transaction or of the worker pool, that would
    leave a half-done clean-up and print a traceback. Outside the main thread, where signals cannot
    be caught, the block runs as it is."""
    import signal

    previous: dict[int, Any] = {}
    try:
        for held in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(held)
            if handler is not None and handler is not signal.SIG_IGN:  # None: not Python's
                previous[held] = signal.signal(held, _hold)
    except ValueError:  # not the main thread
        pass
    _held.clear()
    try:
        yield stop_requested
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        received = _held[:1]
        _held.clear()
        for signum in received:  # the first only: one is enough to stop
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)
            else:  # the default action: end the process as the signal would have
                signal.raise_signal(signum)


def begin_immediate(
    connection: sqlite3.Connection, stopped: Callable[[], bool] = stop_requested
) -> None:
    """Begin a write transaction, waiting up to `BUSY_TIMEOUT_MS` for another writer.

    SQLite's own wait is one call that Python cannot break into, so Ctrl-C during it would go
    unheard until the timeout. This waits in short steps instead: between them Python raises
    KeyboardInterrupt, and a writing thread (which never gets the signal) checks `stopped`,
    as does a block that holds signals back (`signals_held`).
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    (timeout,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_STEP_MS}")
    try:
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or stopped() or time.monotonic() >= deadline:
                    raise
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def open_connection(
    path: Path, *, readonly: bool = False, create: bool = False, timeout_ms: int = BUSY_TIMEOUT_MS
) -> sqlite3.Connection:
    """The one place communique opens an SQLite connection; the caller closes it.

    The file is named by a URI of its resolved path, so that "?" or "%" in a name are the
    name's own; `readonly` opens it read-only, `create` makes it when missing (only schema
    migrations and loads may). Transactions are left to the caller (BEGIN ... COMMIT), and a
    locked file is waited for `timeout_ms`. Opening every connection here lets a test count
    them, and see each one closed when a command ends."""
    mode = "ro" if readonly else "rwc" if create else "rw"
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode={mode}",
        uri=True,
        timeout=timeout_ms / 1000,
        isolation_level=None,
    )


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A stdlib connection with foreign keys enforced (set now: SQLite ignores the pragma
    inside a transaction) and rows addressable by column name."""
    connection = open_connection(path, readonly=readonly)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        connection.close()
        raise
    connection.row_factory = sqlite3.Row
    return connection


IN_LIST_SIZE = 500
"""Values per `IN (...)` list, well under SQLite's limit on parameters."""


def rows_in(cursor: sqlite3.Cursor, query: str, keys: list[str]) -> Iterator[Any]:
    """The rows of `query` + " IN (keys)": one query per few hundred keys, not one per key."""
    for start in range(0, len(keys), IN_LIST_SIZE):
        some = keys[start : start + IN_LIST_SIZE]
        yield from cursor.execute(f"{query} IN ({', '.join('?' for _ in some)})", some)


StoredDocument = tuple[int, str, str | None]
"""A stored document's id, status and error."""


def stored_documents(cursor: sqlite3.Cursor, digests: list[str]) -> dict[str, StoredDocument]:
    """Of these sha256 digests, those of the documents the connection sees stored, each with
    its document's (id, status, error): the one answer to "is this text stored already?",
    asked by the workers before extracting, by the writer before extracting what they did
    not, and by the writer again as it writes."""
    query = "SELECT sha256, id, status, error FROM documents WHERE sha256"
    return {row[0]: (int(row[1]), str(row[2]), row[3]) for row in rows_in(cursor, query, digests)}


def set_write_pragmas(connection: sqlite3.Connection, *, foreign_keys: bool) -> None:
    """The settings of every connection that writes (`write_connection`'s, and those of
    migrations' engine)."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    # In WAL mode NORMAL still never corrupts the file; a power cut may lose only the last
    # commits. The page cache (8 MiB) is a little larger than SQLite's default; a larger one
    # bought no speed on loads of 100,000 articles, only memory that grows with the file.
    # Temporaries go to files (which stay in the system's cache): a batch's full-text
    # catch-up journals every index page it rewrites, more of them the larger the index,
    # and in memory that made a load of 100,000 articles peak 15 MiB higher than one of
    # 10,000, at no gain in speed.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA cache_size = -8192")
    cursor.execute("PRAGMA temp_store = FILE")
    cursor.close()


def write_connection(path: Path) -> sqlite3.Connection:
    """A stdlib connection for loading: the settings of migrations' engine, with transactions
    left to the caller (BEGIN IMMEDIATE ... COMMIT). Loading needs nothing of SQLAlchemy, and
    not importing it saves a quarter of a second at every `seed`."""
    connection = open_connection(path, create=True)
    try:
        set_write_pragmas(connection, foreign_keys=True)
    except BaseException:
        connection.close()
        raise
    return connection


def fold_log(path: Path) -> None:
    """Fold the write-ahead log into the database file, once a load's last writer is done.

    The file stays in WAL mode, where readers never wait for a writer nor a writer for
    readers: a long `backup` or `check`, or a user's open sqlite3 shell, cannot lock a load
    out. The checkpoint leaves everything in the one file once the last writer is done, and
    SQLite removes the -wal and -shm files when the last connection closes.
    """
    try:
        with closing(open_connection(path, timeout_ms=0)) as connection:
            _checkpoint(connection)
    except sqlite3.Error:  # best effort: another process is still at work
        pass


def _checkpoint(connection: sqlite3.Connection) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 0")
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
