"""Parties with kinds and allegiance: who an organisation is, and whom it speaks for.

`parties.kind` says what a party is (state, international-organisation, state-body,
political-party, civil-organisation, media, person); `parties.state_id` the state an
organisation or person belongs to; `parties.speaks_for_state` whether what it says is that
state's position (a foreign ministry's is, an opposition party's is not). Every party stored
before this revision was a state or an organisation of states, named as such, so existing rows
become states; `communique reparse --stale` then stores the most specific party each text names
and corrects the kind of organisations of states.

`point_overview` gains `speaks_for`: the states the point's holders speak for, beside
`parties`, the holders as stored. Added columns only; no table is rebuilt.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
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


def _point_overview(speaks_for: bool) -> str:
    extra = (
        """
       (SELECT group_concat(short_name, ', ') FROM (
           SELECT DISTINCT st.short_name, st.id FROM point_parties pp
           JOIN parties pa ON pa.id = pp.party_id
           JOIN parties st ON st.id = CASE
               WHEN pa.kind IN ('state', 'international-organisation') THEN pa.id
               WHEN pa.speaks_for_state THEN pa.state_id END
           WHERE pp.point_id = p.id ORDER BY st.id)) AS speaks_for,"""
        if speaks_for
        else ""
    )
    return f"""
CREATE VIEW point_overview AS
SELECT p.id,
       p.ordinal,
       p.label,
       p.text,
       p.subject,
       (SELECT group_concat(short_name, ', ') FROM (
           SELECT pa.short_name FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id
           WHERE pp.point_id = p.id ORDER BY pa.id)) AS parties,{extra}
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


def upgrade() -> None:
    op.add_column(
        "parties",
        sa.Column("kind", sa.String(length=32), nullable=False, server_default="state"),
    )
    # SQLite adds a column with its reference in one statement; Alembic would want a rebuild.
    op.execute("ALTER TABLE parties ADD COLUMN state_id INTEGER REFERENCES parties (id)")
    op.add_column(
        "parties",
        sa.Column("speaks_for_state", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index(op.f("ix_parties_state_id"), "parties", ["state_id"], unique=False)
    op.execute("DROP VIEW point_overview")
    op.execute(_point_overview(speaks_for=True))


def downgrade() -> None:
    op.execute("DROP VIEW point_overview")
    op.execute(_point_overview(speaks_for=False))
    op.drop_index(op.f("ix_parties_state_id"), table_name="parties")
    op.execute("ALTER TABLE parties DROP COLUMN speaks_for_state")
    op.execute("ALTER TABLE parties DROP COLUMN state_id")
    op.execute("ALTER TABLE parties DROP COLUMN kind")
