"""Search and analysis: topics of points, full-text indexes, and overview views.

- `topics` and `point_topics`: the taxonomy's themes and the points coded with them (filled by
  `communique reparse` for documents loaded before this revision).
- `articles_fts` (headline, body) and `declaration_points_fts` (text): FTS5 indexes over the
  tables they are named for (Datasette's `<table>_fts` convention), stemmed with the Porter
  stemmer over unicode61 without diacritics, kept in sync by triggers so that rows written by
  any program are indexed. A later revision that recreates `articles` or `declaration_points`
  (Alembic's batch mode does) must recreate their triggers.
- `article_overview` and `point_overview`: one row per article and per point, with the joins
  done, for users of plain sqlite3.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
# (index, table, indexed columns)
INDEXES = (
    ("articles_fts", "articles", ("headline", "body")),
    ("declaration_points_fts", "declaration_points", ("text",)),
)


def _partial_date(table: str) -> str:
    """The article's date in ISO 8601's reduced forms: 2000-07-21, 2000-07, 2000, ----07-21."""
    y, m, d = (f"{table}.published_{part}" for part in ("year", "month", "day"))
    return f"""CASE
        WHEN {table}.published_on IS NOT NULL THEN {table}.published_on
        WHEN {y} IS NOT NULL AND {m} IS NOT NULL THEN printf('%04d-%02d', {y}, {m})
        WHEN {y} IS NOT NULL THEN printf('%04d', {y})
        WHEN {m} IS NOT NULL AND {d} IS NOT NULL THEN printf('----%02d-%02d', {m}, {d})
        WHEN {m} IS NOT NULL THEN printf('----%02d', {m})
    END"""


ARTICLE_OVERVIEW = f"""
CREATE VIEW article_overview AS
SELECT a.id,
       {_partial_date("a")} AS published,
       a.published_on,
       s.slug AS source,
       a.dateline_place,
       a.headline,
       (SELECT group_concat(section, ', ') FROM (
           SELECT DISTINCT d.section FROM documents d
           WHERE d.article_id = a.id AND d.section IS NOT NULL ORDER BY d.section)) AS sections,
       (SELECT count(*) FROM documents d WHERE d.article_id = a.id) AS captures,
       (SELECT count(*) FROM declarations dc WHERE dc.article_id = a.id) AS documents_published,
       (SELECT count(*) FROM declarations dc JOIN declaration_points p
          ON p.declaration_id = dc.id WHERE dc.article_id = a.id) AS points
FROM articles a LEFT JOIN sources s ON s.id = a.source_id
"""

POINT_OVERVIEW = f"""
CREATE VIEW point_overview AS
SELECT p.id,
       p.ordinal,
       p.label,
       p.text,
       p.subject,
       (SELECT group_concat(short_name, ', ') FROM (
           SELECT pa.short_name FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id
           WHERE pp.point_id = p.id ORDER BY pa.id)) AS parties,
       (SELECT group_concat(slug, ', ') FROM (
           SELECT t.slug FROM point_topics pt JOIN topics t ON t.id = pt.topic_id
           WHERE pt.point_id = p.id ORDER BY t.id)) AS topics,
       dc.id AS declaration_id,
       dc.kind AS declaration_kind,
       dc.title AS declaration_title,
       a.id AS article_id,
       a.headline,
       {_partial_date("a")} AS published,
       a.published_on,
       s.slug AS source
FROM declaration_points p
JOIN declarations dc ON dc.id = p.declaration_id
JOIN articles a ON a.id = dc.article_id
LEFT JOIN sources s ON s.id = a.source_id
"""


def _create_index(index: str, table: str, columns: tuple[str, ...]) -> None:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {index} USING fts5({listed}, content='{table}',"
        f" content_rowid='id', tokenize='{TOKENIZE}')"
    )
    op.execute(
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN"
        f" INSERT INTO {index}(rowid, {listed}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN"
        f" INSERT INTO {index}({index}, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {listed} ON {table} BEGIN"
        f" INSERT INTO {index}({index}, rowid, {listed}) VALUES ('delete', old.id, {old});"
        f" INSERT INTO {index}(rowid, {listed}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def upgrade() -> None:
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("slug", name=op.f("uq_topics_slug")),
    )
    op.create_table(
        "point_topics",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["declaration_points.id"],
            name=op.f("fk_point_topics_point_id_declaration_points"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_point_topics_topic_id_topics")
        ),
        sa.PrimaryKeyConstraint("point_id", "topic_id", name=op.f("pk_point_topics")),
    )
    with op.batch_alter_table("point_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_topics_topic_id"), ["topic_id"], unique=False)
    for index, table, columns in INDEXES:
        _create_index(index, table, columns)
    op.execute(ARTICLE_OVERVIEW)
    op.execute(POINT_OVERVIEW)


def downgrade() -> None:
    op.execute("DROP VIEW point_overview")
    op.execute("DROP VIEW article_overview")
    for index, _table, _columns in INDEXES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {index}_{event}")
        op.execute(f"DROP TABLE {index}")
    with op.batch_alter_table("point_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_topics_topic_id"))
    op.drop_table("point_topics")
    op.drop_table("topics")
