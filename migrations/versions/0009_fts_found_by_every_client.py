"""Full-text indexes declared so that Datasette and sqlite-utils find them.

Revision 0003 declared `articles_fts` and `declaration_points_fts` with `content='articles'`
in single quotes. SQLite reads that as the same name, but Datasette and sqlite-utils look for
`content="articles"` (or `content=[articles]`) in the table's declaration, so `?_search=` and
`sqlite-utils search` ignored the indexes. This revision declares each index again with the
name in double quotes, with the same columns, tokenizer and row ids, restores the memory
setting of revision 0004, and rebuilds it from its table: the same index, the same results.
The triggers of revision 0003 stay as they are (they name the index, which keeps its name).
A rebuild reads every row: on a large archive the upgrade takes as long as indexing it did.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
"""The tokenizer of revision 0003."""
HASHSIZE = 16 * 1024 * 1024
"""The memory setting of revision 0004."""
INDEXES = (
    ("articles_fts", "articles", ("headline", "body")),
    ("declaration_points_fts", "declaration_points", ("text",)),
)


def _declare(index: str, table: str, columns: tuple[str, ...], quote: str) -> None:
    op.execute(f"DROP TABLE {index}")
    op.execute(
        f"CREATE VIRTUAL TABLE {index} USING fts5({', '.join(columns)},"
        f" content={quote}{table}{quote}, content_rowid='id', tokenize='{TOKENIZE}')"
    )
    op.execute(f"INSERT INTO {index}({index}, rank) VALUES ('hashsize', {HASHSIZE})")
    op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def upgrade() -> None:
    for index, table, columns in INDEXES:
        _declare(index, table, columns, '"')


def downgrade() -> None:
    for index, table, columns in INDEXES:
        _declare(index, table, columns, "'")
