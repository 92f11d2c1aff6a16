"""Full-text indexing during bulk loads: the batch indexes its new rows in one statement.

The FTS5 indexes are kept by triggers, and every other writer (reparse, a user's own
INSERT in sqlite3) relies on them. During a load they are costly: FTS5 flushes its pending
terms to a new segment at every savepoint, and the loader opens one per document, so the
index would grow one tiny segment per document and spend the load merging them. A batch
therefore drops the insert triggers inside its own write transaction, and before it commits
indexes every row it added with one INSERT ... SELECT and recreates the triggers from their
stored SQL. Other connections never see the schema without them: the drop and the recreation
commit together, and a rollback or a crash undoes both.

Each batch still leaves a segment, and FTS5 merges them only a few at a time, so after a bulk
load a search reads a dozen segments for every word. A load that made most of an index merges
it into one segment at the end (`merge_if_mostly_new`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from communique.db.database import begin_immediate
from communique.db.schema import FULL_TEXT

__all__ = ["DeferredIndex", "indexed_rows", "merge_if_mostly_new"]


@dataclass(frozen=True)
class _Held:
    index: str
    table: str
    columns: tuple[str, ...]
    trigger_sql: str
    last_id: int
    """Every row with a higher id was added by this transaction (ids only grow)."""


class DeferredIndex:
    """The insert triggers held back for one write transaction, and how to catch up."""

    def __init__(self, held: list[_Held]) -> None:
        self._held = held

    @classmethod
    def hold(cls, cursor: sqlite3.Cursor) -> DeferredIndex:
        """Drop the insert triggers; must run inside the write transaction that loads."""
        held = []
        for index, table, columns in FULL_TEXT:
            name = f"{index}_insert"
            row = cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]
            ).fetchone()
            if row is None:
                continue
            last_id = cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            cursor.execute(f"DROP TRIGGER {name}")
            held.append(_Held(index, table, columns, row[0], int(last_id)))
        return cls(held)

    def catch_up(self, cursor: sqlite3.Cursor) -> None:
        """Index the rows added since `hold` and put the triggers back, before the commit."""
        for held in self._held:
            listed = ", ".join(held.columns)
            cursor.execute(
                f"INSERT INTO {held.index}(rowid, {listed}) "
                f"SELECT id, {listed} FROM {held.table} WHERE id > ?",
                [held.last_id],
            )
            cursor.execute(held.trigger_sql)
        self._held = []


def indexed_rows(cursor: sqlite3.Cursor) -> dict[str, int]:
    """How many rows each full-text index holds (one size row per indexed row)."""
    return {
        index: int(cursor.execute(f"SELECT count(*) FROM {index}_docsize").fetchone()[0])
        for index, _, _ in FULL_TEXT
    }


def merge_if_mostly_new(connection: sqlite3.Connection, before: Mapping[str, int]) -> None:
    """Merge into one segment each index that has at least doubled since `before` counted
    it. Merging rewrites the whole index, so it is worth it after a load that wrote most of
    the index anyway (searches then read one segment per word, not a dozen), and not after a
    few documents added to a large store, which FTS5's own merging looks after."""
    begin_immediate(connection)
    try:
        cursor = connection.cursor()
        for index, rows in indexed_rows(cursor).items():
            added = rows - before.get(index, 0)
            if added > 0 and 2 * added >= rows:
                cursor.execute(f"INSERT INTO {index}({index}) VALUES ('optimize')")
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
