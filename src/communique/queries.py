"""The read side: what the listing and `show` commands ask of the database.

Plain SQL through the standard library's sqlite3, with every filter a bound parameter, so
that these commands start fast and a filter value can never change the statement.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from communique.errors import CommuniqueError

__all__ = [
    "Listing",
    "article_detail",
    "articles",
    "partial_date",
    "parties",
    "points",
    "sources",
]

Row = dict[str, Any]


@dataclass(frozen=True)
class Listing:
    """Rows with their column names, which an empty result still has."""

    columns: list[str]
    rows: list[Row]


def partial_date(year: int | None, month: int | None, day: int | None) -> str | None:
    """An ISO-style date with what is unknown shown as ?: "2000-07-21", "????-07-21"."""
    if year is None and month is None and day is None:
        return None
    parts = [
        f"{year:04d}" if year is not None else "????",
        f"{month:02d}" if month is not None else "??",
    ]
    if day is not None:
        parts.append(f"{day:02d}")
    return "-".join(parts)


def _listing(connection: sqlite3.Connection, sql: str, params: dict[str, Any]) -> Listing:
    cursor = connection.execute(sql, params)
    rows = [dict(row) for row in cursor]
    return Listing([column[0] for column in cursor.description], rows)


def _rows(connection: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[Row]:
    return _listing(connection, sql, params).rows


_ARTICLES = """
SELECT a.id, a.published_year, a.published_month, a.published_day,
       s.slug AS source, a.dateline_place AS dateline, a.headline,
       (SELECT count(*) FROM documents d WHERE d.article_id = a.id) AS documents,
       (SELECT count(*) FROM declarations dc JOIN declaration_points p
          ON p.declaration_id = dc.id WHERE dc.article_id = a.id) AS points
FROM articles a LEFT JOIN sources s ON s.id = a.source_id
WHERE (:source IS NULL OR s.slug = lower(:source))
  AND (:since IS NULL OR a.published_on >= :since)
  AND (:until IS NULL OR a.published_on <= :until)
ORDER BY a.published_on IS NULL, a.published_on, a.id
"""


def articles(
    connection: sqlite3.Connection,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Listing:
    """Articles, oldest first; a date filter leaves out articles whose full date is unknown."""
    if source is not None:
        source = source_slug(connection, source)
    rows = _rows(connection, _ARTICLES, {"source": source, "since": since, "until": until})
    for row in rows:
        published = partial_date(
            row.pop("published_year"), row.pop("published_month"), row.pop("published_day")
        )
        row["published"] = published
    order = ["id", "published", "source", "dateline", "headline", "documents", "points"]
    return Listing(order, [{key: row[key] for key in order} for row in rows])


_POINTS = """
SELECT p.id, dc.article_id, p.declaration_id, p.ordinal, p.subject,
       (SELECT group_concat(short_name, ', ') FROM (
           SELECT pa.short_name FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id
           WHERE pp.point_id = p.id ORDER BY pa.id)) AS parties,
       p.text
FROM declaration_points p JOIN declarations dc ON dc.id = p.declaration_id
WHERE (:article IS NULL OR dc.article_id = :article)
  AND (:declaration IS NULL OR p.declaration_id = :declaration)
  AND (:party IS NULL OR EXISTS (
        SELECT 1 FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id
        WHERE pp.point_id = p.id
          AND (pa.slug = :party OR lower(pa.name) = lower(:party)
               OR lower(pa.short_name) = lower(:party))))
ORDER BY dc.article_id, p.declaration_id, p.ordinal
"""


def points(
    connection: sqlite3.Connection,
    *,
    party: str | None = None,
    article: int | None = None,
    declaration: int | None = None,
) -> Listing:
    """Declaration points; `party` may be a slug, a name, a short name or a known alias."""
    if party is not None:
        party = party_slug(connection, party)
    return _listing(
        connection, _POINTS, {"party": party, "article": article, "declaration": declaration}
    )


def party_slug(connection: sqlite3.Connection, name: str) -> str:
    """The slug of the stored party `name` means: its slug, name or short name, else any alias
    the gazetteer knows. Unknown names are an error, not an empty answer."""
    row = connection.execute(
        "SELECT slug FROM parties WHERE slug = lower(:name) OR lower(name) = lower(:name)"
        " OR lower(short_name) = lower(:name)",
        {"name": name.strip()},
    ).fetchone()
    if row is not None:
        return str(row[0])
    from communique.extract.gazetteer import default_gazetteer

    known = default_gazetteer().named(name)
    if known is not None:
        return known.slug
    raise CommuniqueError(f"no party is called {name!r}; `communique parties` lists them")


def source_slug(connection: sqlite3.Connection, name: str) -> str:
    """The slug of the stored source `name` means (its slug or name), or an error."""
    row = connection.execute(
        "SELECT slug FROM sources WHERE slug = lower(:name) OR lower(name) = lower(:name)",
        {"name": name.strip()},
    ).fetchone()
    if row is None:
        raise CommuniqueError(f"no source is called {name!r}; `communique sources` lists them")
    return str(row[0])


def sources(connection: sqlite3.Connection) -> Listing:
    return _listing(
        connection,
        """
        SELECT s.id, s.slug, s.name, s.kind, s.country,
               (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS articles,
               (SELECT count(*) FROM documents d WHERE d.carrier_id = s.id) AS captures
        FROM sources s ORDER BY s.slug
        """,
        {},
    )


def parties(connection: sqlite3.Connection) -> Listing:
    return _listing(
        connection,
        """
        SELECT pa.id, pa.slug, pa.name, pa.short_name,
               (SELECT count(*) FROM point_parties pp WHERE pp.party_id = pa.id) AS points,
               (SELECT count(*) FROM signatories sg WHERE sg.party_id = pa.id) AS signatories
        FROM parties pa ORDER BY pa.slug
        """,
        {},
    )


def _declarations(connection: sqlite3.Connection, article_id: int) -> list[Row]:
    found = _rows(
        connection,
        "SELECT * FROM declarations WHERE article_id = :id ORDER BY id",
        {"id": article_id},
    )
    for declaration in found:
        declaration["signed"] = partial_date(
            declaration.pop("signed_year"),
            declaration.pop("signed_month"),
            declaration.pop("signed_day"),
        )
        declaration["parties"] = [
            row["short_name"]
            for row in _rows(
                connection,
                "SELECT pa.short_name FROM declaration_parties dp JOIN parties pa"
                " ON pa.id = dp.party_id WHERE dp.declaration_id = :id ORDER BY pa.id",
                {"id": declaration["id"]},
            )
        ]
        declaration["signatories"] = _rows(
            connection,
            """
            SELECT sg.name, sg.title, pa.slug AS party, pa.short_name AS party_name
            FROM signatories sg LEFT JOIN parties pa ON pa.id = sg.party_id
            WHERE sg.declaration_id = :id ORDER BY sg.id
            """,
            {"id": declaration["id"]},
        )
        declaration["points"] = [
            {**point, "parties": point["parties"].split(", ") if point["parties"] else []}
            for point in points(connection, declaration=declaration["id"]).rows
        ]
        for point in declaration["points"]:
            del point["article_id"], point["declaration_id"]
    return found


def article_detail(connection: sqlite3.Connection, article_id: int) -> Row | None:
    """One article with its source, captures, declarations, signatories and points."""
    found = _rows(
        connection,
        """
        SELECT a.id, a.headline, a.published_year, a.published_month, a.published_day,
               a.dateline_place AS dateline, s.slug AS source, s.name AS source_name,
               a.lead, a.body
        FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = :id
        """,
        {"id": article_id},
    )
    if not found:
        return None
    article = found[0]
    article["published"] = partial_date(
        article.pop("published_year"), article.pop("published_month"), article.pop("published_day")
    )
    article["captures"] = _rows(
        connection,
        """
        SELECT d.id AS document_id, c.slug AS carrier, c.name AS carrier_name, d.section,
               d.url, d.origin, d.received_at
        FROM documents d LEFT JOIN sources c ON c.id = d.carrier_id
        WHERE d.article_id = :id ORDER BY d.id
        """,
        {"id": article_id},
    )
    article["declarations"] = _declarations(connection, article_id)
    return article


def _pairs(connection: sqlite3.Connection, sql: str) -> dict[str, int]:
    return {str(key): count for key, count in connection.execute(sql)}


def report(connection: sqlite3.Connection) -> Row:
    """Coverage of the store: what was loaded and how much extraction found in it."""
    articles, with_dateline, with_date = connection.execute(
        "SELECT count(*), count(dateline_place), count(published_on) FROM articles"
    ).fetchone()

    def share(count: int) -> float:
        return round(100 * count / articles, 1) if articles else 0.0

    return {
        "documents": connection.execute("SELECT count(*) FROM documents").fetchone()[0],
        "documents_by_status": _pairs(
            connection, "SELECT status, count(*) FROM documents GROUP BY status ORDER BY status"
        ),
        "articles": articles,
        "articles_with_dateline": with_dateline,
        "articles_with_dateline_percent": share(with_dateline),
        "articles_with_full_date": with_date,
        "articles_with_full_date_percent": share(with_date),
        "published_documents": connection.execute("SELECT count(*) FROM declarations").fetchone()[
            0
        ],
        "published_documents_by_kind": _pairs(
            connection,
            "SELECT kind, count(*) FROM declarations GROUP BY kind ORDER BY count(*) DESC, kind",
        ),
        "points": connection.execute("SELECT count(*) FROM declaration_points").fetchone()[0],
        "points_by_party": _pairs(
            connection,
            "SELECT pa.short_name, count(*) FROM point_parties pp JOIN parties pa"
            " ON pa.id = pp.party_id GROUP BY pa.id ORDER BY count(*) DESC, pa.short_name",
        ),
    }
