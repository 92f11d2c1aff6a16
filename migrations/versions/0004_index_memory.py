"""Full-text indexes keep more of a transaction's new terms in memory before writing them out.

FTS5 holds the terms of rows indexed in a transaction in memory and writes them to the index
as a new segment whenever they pass its `hashsize` (1 MiB by default), merging segments as
they pile up. A load indexes a whole batch of articles in one statement, so with the default
each batch wrote a segment for every MiB of new terms and spent much of its indexing time
merging them. The memory is taken only by a transaction that indexes that much text, and given
back at its end.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = ("articles_fts", "declaration_points_fts")
HASHSIZE = 16 * 1024 * 1024
DEFAULT_HASHSIZE = 1024 * 1024
"""FTS5's own, restored on the way down."""


def _set_hashsize(index: str, size: int) -> None:
    # Through FTS5's own command, so that connections holding the index's settings reload them.
    op.execute(f"INSERT INTO {index}({index}, rank) VALUES ('hashsize', {size})")


def upgrade() -> None:
    for index in INDEXES:
        _set_hashsize(index, HASHSIZE)


def downgrade() -> None:
    for index in INDEXES:
        _set_hashsize(index, DEFAULT_HASHSIZE)
        # Back to the settings table 0003 made, which names no size.
        op.execute(f"DELETE FROM {index}_config WHERE k = 'hashsize'")
