"""Checking a database file end to end, and copying it safely: `check` and `backup`.

Both work on the stdlib sqlite3 driver. `check` changes nothing: the FTS5 integrity check is
an INSERT in form only, and runs in a transaction that is rolled back.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from communique.database import BUSY_TIMEOUT_MS, HEAD_REVISION, connect, current_revision
from communique.errors import CommuniqueError
from communique.indexing import FULL_TEXT

__all__ = ["CheckReport", "backup", "check"]

_TRIGGERS = tuple(
    f"{index}_{event}" for index, _, _ in FULL_TEXT for event in ("insert", "delete", "update")
)


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    documents: int = 0
    revision: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"ok: integrity, foreign keys, full-text indexes, schema at revision {self.revision},"
            f" sha256 of {self.documents} documents"
        )


def check(path: Path) -> CheckReport:
    """Every check, each independent of the others' outcome, so one run lists every problem."""
    report = CheckReport(revision=current_revision(path))
    if report.revision != HEAD_REVISION:
        report.problems.append(
            f"schema is at revision {report.revision}, not {HEAD_REVISION}:"
            " run `communique db upgrade`"
        )
    connection = connect(path)
    try:
        report.problems += _integrity(connection)
        report.problems += _foreign_keys(connection)
        if report.revision == HEAD_REVISION:
            report.problems += _full_text(connection)
        report.documents, mismatched = _digests(connection)
        report.problems += mismatched
    finally:
        connection.close()
    return report


def _integrity(connection: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else [f"integrity: {row}" for row in rows]


def _foreign_keys(connection: sqlite3.Connection) -> list[str]:
    return [
        f"foreign key: {table} row {rowid} names a missing {parent} row"
        for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
    ]


def _full_text(connection: sqlite3.Connection) -> list[str]:
    problems = []
    present = {
        name
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    problems += [
        f"full-text: trigger {name} is missing, so new rows go unindexed"
        for name in _TRIGGERS
        if name not in present
    ]
    for index, table, _ in FULL_TEXT:
        connection.execute("BEGIN")
        try:
            # rank 1: compare the index with the rows of its table, not only with itself.
            connection.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as error:
            problems.append(
                f"full-text: {index} does not match {table} ({error});"
                f" rebuild it with: INSERT INTO {index}({index}) VALUES ('rebuild')"
            )
        finally:
            connection.execute("ROLLBACK")
    return problems


def _digests(connection: sqlite3.Connection) -> tuple[int, list[str]]:
    """Each document's text, encoded as it was decoded, must give back the stored sha256."""
    problems, count = [], 0
    rows = connection.execute("SELECT id, raw_text, encoding, sha256 FROM documents ORDER BY id")
    for document_id, raw_text, encoding, digest in rows:
        count += 1
        try:
            actual = hashlib.sha256(raw_text.encode(encoding)).hexdigest()
        except (LookupError, UnicodeError, AttributeError) as error:
            problems.append(f"document {document_id}: raw text cannot be encoded ({error})")
            continue
        if actual != digest:
            problems.append(f"document {document_id}: raw text does not match its sha256")
    return count, problems


def backup(source: Path, target: Path, *, force: bool = False) -> int:
    """Copy the database with SQLite's online backup API, consistent even while another
    process writes; returns the copy's size. The copy is made beside `target` and renamed
    into place, so a failed backup leaves no partial file and `force` replaces atomically."""
    if target.exists() and not force:
        raise CommuniqueError(f"{target}: already exists; use --force to replace it")
    if target.exists() and target.is_dir():
        raise CommuniqueError(f"{target}: is a directory; name the backup file")
    if not target.parent.is_dir():
        raise CommuniqueError(f"{target}: cannot write it, {target.parent} is not a directory")
    if target.resolve() == source.resolve():
        raise CommuniqueError(f"{target}: is the database itself; name another file")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        reader = connect(source, readonly=True)
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
            reader.close()
        if verdict != "ok":
            raise CommuniqueError(f"{target}: the copy failed its check ({verdict})")
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target.stat().st_size
