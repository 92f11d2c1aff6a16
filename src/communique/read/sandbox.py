"""Running a user's SQL on a connection that cannot change anything.

Three locks, because each alone has a gap: the file is opened read-only (mode=ro), the
connection is put in query_only mode, and an authorizer allows only reading statements. The
authorizer closes what the others leave open: ATTACH of a new file and VACUUM INTO write to
other files, and some PRAGMAs change the connection.

The full-text indexes are connected before the authorizer is set: SQLite asks it for an
update of sqlite_master when it connects a virtual table, which it must refuse to the query
itself. Both happen in one read transaction, so that a load committing a schema change in
between (each batch recreates the index triggers) cannot make SQLite connect them again.
Only communique's own FTS5 indexes are connected: any other virtual table a file may hold
stays refused. Once connected, FTS5 reads its own tables with statements the authorizer lets
through, and its commands, which are INSERTs, stay refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from communique.db.database import connect
from communique.db.interrupts import watched
from communique.db.schema import FULL_TEXT
from communique.errors import CommuniqueError, ReadOnlyViolation

__all__ = ["QueryResult", "run_query"]

QueryResult = tuple[list[str], Iterator[tuple[Any, ...]]]

_ALLOWED_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}
# PRAGMAs that only report, whatever their argument (a table or index name).
_INFO_PRAGMAS = {
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "foreign_key_check",
    "integrity_check",
    "quick_check",
    "database_list",
    "collation_list",
    "function_list",
    "module_list",
    "pragma_list",
    "compile_options",
    "data_version",
}
# PRAGMAs that report a setting when asked without a value, and change it when given one.
_SETTING_PRAGMAS = {
    "user_version",
    "schema_version",
    "application_id",
    "page_count",
    "page_size",
    "freelist_count",
    "encoding",
    "journal_mode",
    "foreign_keys",
}
_FORBIDDEN_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}


def _authorize(
    action: int, arg1: str | None, arg2: str | None, _database: str | None, _trigger: str | None
) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _FORBIDDEN_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        pragma = (arg1 or "").lower()
        if pragma in _INFO_PRAGMAS or (pragma in _SETTING_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _refusal(error: sqlite3.Error | sqlite3.Warning) -> CommuniqueError:
    message = str(error)
    refusals = ("not authorized", "authorization denied", "readonly", "read-only")
    if any(refusal in message for refusal in refusals):
        return ReadOnlyViolation(
            f"query refused: only reading statements are allowed ({message});"
            " change data with communique's own commands"
        )
    if "one statement" in message:
        return ReadOnlyViolation("query refused: give one statement at a time")
    if "vtable constructor failed" in message:
        return ReadOnlyViolation(
            "query refused: of the virtual tables, only communique's full-text indexes can be"
            f" read here ({message}); read others with sqlite3"
        )
    if "cannot VACUUM" in message:  # said before the authorizer is asked, in the transaction
        return ReadOnlyViolation(
            "query refused: VACUUM rewrites the file, and only reading statements are allowed"
        )
    return CommuniqueError(f"query failed: {message}")


def _connect_full_text(connection: sqlite3.Connection) -> None:
    names = [index for index, _, _ in FULL_TEXT]
    marks = ", ".join("?" for _ in names)
    indexes = connection.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({marks})"
        " AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5(%'",
        names,
    ).fetchall()
    for (name,) in indexes:
        with suppress(sqlite3.Error):  # no FTS5 in this SQLite: the query says so itself
            connection.execute(f"SELECT * FROM {name} LIMIT 0").fetchall()


@contextmanager
def run_query(
    path: Path, sql: str, params: dict[str, str], *, seconds: float | None = None
) -> Iterator[QueryResult]:
    """Column names and rows of one reading statement, with named parameters bound. The rows
    come as SQLite makes them, to be written out one by one while the statement runs: a
    result of millions of rows never sits in memory. The statement stops on Ctrl-C and
    SIGTERM, and after `seconds` (None: no limit) of its own running."""
    connection = connect(path, readonly=True)
    connection.row_factory = None  # plain tuples, as they are written out
    try:
        with watched(connection, seconds=seconds, what="query") as watch:
            connection.execute("PRAGMA query_only = ON")
            connection.execute("BEGIN")
            _connect_full_text(connection)
            connection.set_authorizer(_authorize)
            try:
                cursor = connection.execute(sql, params)
            except (sqlite3.Error, sqlite3.Warning) as error:
                raise _refusal(error) from None
            if cursor.description is None:
                raise CommuniqueError("query refused: no statement to run; give one SELECT")
            yield [column[0] for column in cursor.description], _rows(watch.rows(cursor))
    finally:
        connection.close()


def _rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The rows; an error in the course of the statement, in the user's terms."""
    try:
        yield from rows
    except (sqlite3.Error, sqlite3.Warning) as error:
        raise _refusal(error) from None
