"""The dateline's own date, kept as a fact of the text beside the publication date.

`articles.dateline_year`, `dateline_month` and `dateline_day` hold the date the dateline
gives ("Pyongyang, March 3 (KCNA)"; a year only when the dateline states one), whatever date a
page header or archive record gives the publication. `article_overview` gains `dateline_date`,
in the reduced ISO 8601 forms of its `published` column (`----03-03` without a year). Rows
already stored get NULL until `communique reparse` derives them from the documents. Added
columns only; no table is rebuilt.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("dateline_year", "dateline_month", "dateline_day")


def _partial_date(table: str) -> str:
    """The article's date in ISO 8601's reduced forms, as revision 0003's views give it."""
    y, m, d = (f"{table}.published_{part}" for part in ("year", "month", "day"))
    return f"""CASE
        WHEN {table}.published_on IS NOT NULL THEN {table}.published_on
        WHEN {y} IS NOT NULL AND {m} IS NOT NULL THEN printf('%04d-%02d', {y}, {m})
        WHEN {y} IS NOT NULL THEN printf('%04d', {y})
        WHEN {m} IS NOT NULL AND {d} IS NOT NULL THEN printf('----%02d-%02d', {m}, {d})
        WHEN {m} IS NOT NULL THEN printf('----%02d', {m})
    END"""


_DATELINE_DATE = """CASE
        WHEN a.dateline_month IS NULL OR a.dateline_day IS NULL THEN NULL
        WHEN a.dateline_year IS NOT NULL
          THEN printf('%04d-%02d-%02d', a.dateline_year, a.dateline_month, a.dateline_day)
        ELSE printf('----%02d-%02d', a.dateline_month, a.dateline_day)
    END"""


def _article_overview(dateline_date: bool) -> str:
    extra = f"\n       {_DATELINE_DATE} AS dateline_date," if dateline_date else ""
    return f"""
CREATE VIEW article_overview AS
SELECT a.id,
       {_partial_date("a")} AS published,
       a.published_on,
       s.slug AS source,
       a.dateline_place,{extra}
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


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("articles", sa.Column(column, sa.Integer(), nullable=True))
    op.execute("DROP VIEW article_overview")
    op.execute(_article_overview(dateline_date=True))


def downgrade() -> None:
    op.execute("DROP VIEW article_overview")
    op.execute(_article_overview(dateline_date=False))
    for column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE articles DROP COLUMN {column}")
