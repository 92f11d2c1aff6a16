"""Full-text indexing during bulk loads: the batch indexes its new rows in one statement.

The FTS5 indexes are kept by triggers, and every other writer (reparse, a user's own
INSERT in sqlite3) relies on them. During a load they are costly: FTS5 flushes its pending
terms to a new segment at every savepoint, and the loader opens one per document, so the
index would grow one tiny segment per document and spend the load merging them. A batch
therefore drops the insert triggers inside its own write transaction, and before it commits
indexes every row it added with one INSERT ... SELECT and recreates the triggers from their
stored SQL. Other connections never see the schema without them: the drop and the recreation
commit together, and a rollback or a crash undoes both.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

__all__ = ["FULL_TEXT", "DeferredIndex"]

FULL_TEXT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("articles_fts", "articles", ("headline", "body")),
    ("declaration_points_fts", "declaration_points", ("text",)),
)
"""Each full-text index, the table it indexes and its columns (migration 0003)."""


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
