"""`declaration_overview`: one row per published document, for users of plain sqlite3.

Each declaration with its article's date and source, its kind, title and issuer, a label
(its title, else its issuer), the parties it speaks for as stored and the states they speak
for, and how many points it has. A view only; no table changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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


DECLARATION_OVERVIEW = f"""
CREATE VIEW declaration_overview AS
SELECT dc.id,
       dc.article_id,
       {_partial_date("a")} AS published,
       a.published_on,
       s.slug AS source,
       dc.kind,
       dc.title,
       dc.issuer,
       coalesce(dc.title, dc.issuer) AS title_or_issuer,
       (SELECT group_concat(short_name, ', ') FROM (
           SELECT pa.short_name FROM declaration_parties dp
           JOIN parties pa ON pa.id = dp.party_id
           WHERE dp.declaration_id = dc.id ORDER BY pa.id)) AS parties,
       (SELECT group_concat(short_name, ', ') FROM (
           SELECT DISTINCT st.short_name, st.id FROM declaration_parties dp
           JOIN parties pa ON pa.id = dp.party_id
           JOIN parties st ON st.id = CASE
               WHEN pa.kind IN ('state', 'international-organisation') THEN pa.id
               WHEN pa.speaks_for_state THEN pa.state_id END
           WHERE dp.declaration_id = dc.id ORDER BY st.id)) AS speaks_for,
       (SELECT count(*) FROM declaration_points p WHERE p.declaration_id = dc.id) AS points,
       a.headline
FROM declarations dc
JOIN articles a ON a.id = dc.article_id
LEFT JOIN sources s ON s.id = a.source_id
"""


def upgrade() -> None:
    op.execute(DECLARATION_OVERVIEW)


def downgrade() -> None:
    op.execute("DROP VIEW declaration_overview")
