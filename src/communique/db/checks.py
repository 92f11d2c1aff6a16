"""Checking a database file end to end, and copying it safely: `check` and `backup`.

Both work on the stdlib sqlite3 driver. `check` changes nothing: the FTS5 integrity check is
an INSERT in form only, and runs in a transaction that is rolled back.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from communique.db.database import connect
from communique.db.interrupts import watched
from communique.db.schema import FULL_TEXT, HEAD_REVISION, current_revision

__all__ = ["CheckFindings", "check"]

_TRIGGERS = tuple(
    f"{index}_{event}" for index, _, _ in FULL_TEXT for event in ("insert", "delete", "update")
)


@dataclass
class CheckFindings:
    problems: list[str] = field(default_factory=list)
    documents: int = 0
    revision: str | None = None
    skipped: str | None = None
    """A check that could not run (not a problem of the file), said beside the summary."""
    notes: list[str] = field(default_factory=list)
    """What is worth doing though nothing is wrong with the file, said beside the summary."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"ok: integrity, foreign keys, full-text indexes, schema at revision {self.revision},"
            f" sha256 of {self.documents} documents"
        )


def check(path: Path) -> CheckFindings:
    """Every check, each independent of the others' outcome, so one run lists every problem.

    All but one read through a read-only connection. FTS5's own integrity check, which also
    compares each index with the rows of its table, is written as an INSERT and so needs the
    write lock; it runs last, briefly, and is skipped (the rows are still compared) when the
    file cannot be written or a load holds the lock.
    """
    findings = CheckFindings(revision=current_revision(path))
    if findings.revision is None:
        findings.problems.append("no communique schema in it: not a communique database yet")
        return findings
    if findings.revision != HEAD_REVISION:
        newer = findings.revision > HEAD_REVISION
        findings.problems.append(
            f"schema is at revision {findings.revision}, not {HEAD_REVISION}: "
            + ("made by a newer communique" if newer else "run `communique db upgrade`")
        )
    at_head = findings.revision == HEAD_REVISION
    triggers: list[str] = []
    rows: list[str] = []
    mismatched: list[str] = []
    with closing(connect(path, readonly=True)) as connection, watched(connection):
        findings.problems += _guarded("integrity", _integrity, connection)
        findings.problems += _guarded("foreign keys", _foreign_keys, connection)
        if at_head:
            triggers = _guarded("full-text", _full_text_triggers, connection)
            rows = _guarded("full-text", _full_text_rows, connection)
        mismatched = _guarded("documents", lambda c: _digests(c, findings), connection)
        if at_head:
            findings.notes += _untagged(connection)
    if at_head and not rows:  # words are worth comparing
        rows = _full_text_contents(path, findings)
    findings.problems += triggers + rows + mismatched
    return findings


def _guarded(
    what: str, step: Callable[[sqlite3.Connection], list[str]], connection: sqlite3.Connection
) -> list[str]:
    """A check that the damage it looks for stops half-way is a problem of its own, and the
    other checks still run."""
    try:
        return step(connection)
    except sqlite3.DatabaseError as error:
        return [f"{what}: could not be read to the end ({error})"]


def _integrity(connection: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else [f"integrity: {row}" for row in rows]


def _foreign_keys(connection: sqlite3.Connection) -> list[str]:
    return [
        f"foreign key: {table} row {rowid} names a missing {parent} row"
        for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
    ]


def _full_text_triggers(connection: sqlite3.Connection) -> list[str]:
    present = {
        name
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    return [
        f"full-text: trigger {name} is missing, so changed rows go unindexed"
        for name in _TRIGGERS
        if name not in present
    ]


def _full_text_rows(connection: sqlite3.Connection) -> list[str]:
    """Each index holds exactly the rows of its table."""
    problems = []
    for index, table, _ in FULL_TEXT:
        missing, extra = connection.execute(
            f"SELECT (SELECT count(*) FROM {table} WHERE id NOT IN"
            f" (SELECT id FROM {index}_docsize)),"
            f" (SELECT count(*) FROM {index}_docsize WHERE id NOT IN (SELECT id FROM {table}))"
        ).fetchone()
        if missing or extra:
            problems.append(
                f"full-text: {index} lacks {missing} and has {extra} extra of the rows of"
                f" {table}; {_REBUILD.format(index=index)}"
            )
    return problems


_REBUILD = "rebuild it with: INSERT INTO {index}({index}) VALUES ('rebuild')"


def _full_text_contents(path: Path, findings: CheckFindings) -> list[str]:
    """FTS5's own check, words included, in a transaction that is rolled back."""
    problems = []
    with closing(connect(path)) as connection, watched(connection):
        connection.execute("PRAGMA busy_timeout = 2000")
        for index, table, _ in FULL_TEXT:
            try:
                connection.execute("BEGIN IMMEDIATE")
                # rank 1: compare the index with the rows of its table, not only with itself.
                connection.execute(
                    f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"
                )
            except sqlite3.OperationalError as error:  # read-only file, or a load under way
                findings.skipped = f"words of the full-text indexes not compared ({error})"
                break
            except sqlite3.DatabaseError as error:
                problems.append(
                    f"full-text: {index} does not match {table} ({error});"
                    f" {_REBUILD.format(index=index)}"
                )
            finally:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
    return problems


def _untagged(connection: sqlite3.Connection) -> list[str]:
    """Points none of which has a topic: topics are derived by extraction, so a file upgraded
    through revision 0003 (again after a downgrade, which drops them) has none until
    `reparse`. Two lookups of a row each; a taxonomy that tags no point at all is the one
    other cause, hence a note rather than a problem."""
    try:
        points, tagged = connection.execute(
            "SELECT EXISTS (SELECT 1 FROM declaration_points), EXISTS (SELECT 1 FROM point_topics)"
        ).fetchone()
    except sqlite3.DatabaseError:  # damage is reported by the checks above
        return []
    if points and not tagged:
        return ["no point has topics: run `communique reparse` to derive them"]
    return []


def _digests(connection: sqlite3.Connection, findings: CheckFindings) -> list[str]:
    """Each document's text, encoded as it was decoded, must give back the stored sha256.
    The text is read as SQLite holds it (UTF-8 bytes), so damaged text is reported, not
    raised."""
    problems = []
    rows = connection.execute(
        "SELECT id, CAST(raw_text AS BLOB), encoding, sha256 FROM documents ORDER BY id"
    )
    for document_id, stored, encoding, digest in rows:
        findings.documents += 1
        try:
            actual = hashlib.sha256(bytes(stored).decode("utf-8").encode(encoding)).hexdigest()
        except (LookupError, UnicodeError, TypeError) as error:
            problems.append(f"document {document_id}: raw text cannot be read back ({error})")
            continue
        if actual != digest:
            problems.append(f"document {document_id}: raw text does not match its sha256")
    return problems
