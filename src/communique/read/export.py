"""Exporting articles, documents or points, streamed row by row from the database.

Exported articles are records in the JSON archive shape that `communique seed` reads (headline,
story_text, date_str, topic, link), so an export loads back into an empty store as the same
articles.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from communique.read.filters import (
    Filters,
    article_conditions,
    declaration_conditions,
    point_conditions,
)

__all__ = ["EXPORTS", "export"]

_FIRST_CAPTURE = (
    "(SELECT d.{column} FROM documents d WHERE d.article_id = a.id ORDER BY d.id LIMIT 1)"
)

EXPORTS = {
    "articles": f"""
        SELECT a.id, a.headline, a.body AS story_text, a.published_on AS date_str,
               a.published_year, {_FIRST_CAPTURE.format(column="section")} AS topic,
               {_FIRST_CAPTURE.format(column="url")} AS link, s.slug AS source,
               a.dateline_place AS dateline, a.published_from
        FROM articles a LEFT JOIN sources s ON s.id = a.source_id
        WHERE 1 {article_conditions()}
          AND (:article IS NULL OR a.id = :article)
          AND (:declaration IS NULL
               OR a.id = (SELECT article_id FROM declarations WHERE id = :declaration))
        ORDER BY a.id
    """,
    "documents": f"""
        SELECT d.id, d.origin, d.url, d.sha256, d.encoding, d.format, d.status, d.error,
               c.slug AS carrier, ds.slug AS distributor, d.section, d.received_at,
               d.given_year, d.article_id, d.raw_text
        FROM documents d
        LEFT JOIN sources c ON c.id = d.carrier_id
        LEFT JOIN sources ds ON ds.id = d.distributor_id
        LEFT JOIN articles a ON a.id = d.article_id
        WHERE (:section IS NULL OR d.section = :section)
          AND ((a.id IS NOT NULL {article_conditions(by_section=False)})
               OR (a.id IS NULL AND :since IS NULL AND :until IS NULL AND :source IS NULL
                   AND :party IS NULL AND :kind IS NULL AND :topic IS NULL
                   AND :article IS NULL AND :declaration IS NULL))
          AND (:article IS NULL OR d.article_id = :article)
          AND (:declaration IS NULL
               OR d.article_id = (SELECT article_id FROM declarations WHERE id = :declaration))
        ORDER BY d.id
    """,
    "declarations": f"""
        SELECT do.* FROM declaration_overview do
        JOIN declarations dc ON dc.id = do.id
        JOIN articles a ON a.id = dc.article_id
        WHERE 1 {declaration_conditions()}
          AND (:article IS NULL OR dc.article_id = :article)
          AND (:declaration IS NULL OR dc.id = :declaration)
        ORDER BY dc.article_id, dc.id
    """,
    "points": f"""
        SELECT po.* FROM point_overview po
        JOIN declaration_points p ON p.id = po.id
        JOIN declarations dc ON dc.id = p.declaration_id
        JOIN articles a ON a.id = dc.article_id
        WHERE 1 {point_conditions()}
          AND (:article IS NULL OR po.article_id = :article)
          AND (:declaration IS NULL OR po.declaration_id = :declaration)
        ORDER BY po.article_id, po.declaration_id, po.ordinal
    """,
}
_BATCH = 500


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(_BATCH):
        yield from (tuple(row) for row in batch)


def export(
    connection: sqlite3.Connection,
    what: str,
    filters: Filters,
    *,
    article: int | None = None,
    declaration: int | None = None,
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The columns of `what`, and its rows that pass `filters` (and belong to `article` or
    `declaration`, when given), fetched a few hundred at a time as they are read: an export
    never holds the whole result."""
    params = {**filters.params(), "article": article, "declaration": declaration}
    cursor = connection.execute(EXPORTS[what], params)
    return [column[0] for column in cursor.description], _rows(cursor)
