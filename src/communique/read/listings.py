"""The read side: what the listing and `show` commands ask of the database.

Plain SQL through the standard library's sqlite3, with every filter a bound parameter, so
that these commands start fast and a filter value can never change the statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from communique.db.database import STALE_DOCUMENTS
from communique.errors import CommuniqueError
from communique.extract.records import EXTRACTION_VERSION
from communique.read.filters import (
    PARTY_IDS,
    SUPERSEDED,
    Filters,
    article_conditions,
    declaration_conditions,
    point_conditions,
)

if TYPE_CHECKING:
    from communique.extract.gazetteer import Gazetteer
    from communique.extract.vocabularies import Vocabularies

__all__ = [
    "Listing",
    "all_parties",
    "article_detail",
    "articles",
    "dateline_as_said",
    "declarations",
    "kind_name",
    "partial_date",
    "parties",
    "points",
    "sources",
    "speaker",
]

Row = dict[str, Any]


@dataclass(frozen=True)
class Listing:
    """Rows with their column names, which an empty result still has."""

    columns: list[str]
    rows: list[Row]


def partial_date(year: int | None, month: int | None, day: int | None) -> str | None:
    """A date in ISO 8601's reduced forms, never with a made-up part: "2000-07-21",
    "2000-07", "2000", "----07-21" (month and day of an unknown year)."""
    if year is not None:
        if month is None:
            return f"{year:04d}"
        return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    if month is not None:
        return f"----{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return None


_LISTS = frozenset(["parties", "topics"])
"""Columns that hold several names: a list in each row (a JSON array in json and jsonl, the
names joined by commas in a table or csv)."""


def _listing(connection: sqlite3.Connection, sql: str, params: dict[str, Any]) -> Listing:
    import json

    cursor = connection.execute(sql, params)
    columns = [column[0] for column in cursor.description]
    lists = [column for column in columns if column in _LISTS]
    rows = [dict(row) for row in cursor]
    for row in rows:
        for column in lists:
            if isinstance(row[column], str) and row[column].startswith("["):
                row[column] = json.loads(row[column])
    return Listing(columns, rows)


def _rows(connection: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[Row]:
    return _listing(connection, sql, params).rows


_ARTICLES = f"""
SELECT ao.id, ao.published, ao.source, ao.dateline_place AS dateline, ao.headline,
       ao.captures AS documents, ao.points
FROM article_overview ao JOIN articles a ON a.id = ao.id
WHERE 1 {article_conditions()}
ORDER BY a.published_year IS NULL, a.published_year, a.published_month IS NULL,
         a.published_month, a.published_day, a.id
"""


def articles(connection: sqlite3.Connection, filters: Filters) -> Listing:
    """Articles, oldest first; those whose date is unknown last."""
    return _listing(connection, _ARTICLES, filters.params())


_DECLARATIONS = f"""
SELECT do.id, do.article_id, do.published, do.kind, do.title_or_issuer,
       (SELECT json_group_array(short_name) FROM (
           SELECT pa.short_name FROM declaration_parties dp JOIN parties pa ON pa.id = dp.party_id
           WHERE dp.declaration_id = do.id ORDER BY pa.id)) AS parties,
       do.points
FROM declaration_overview do
JOIN declarations dc ON dc.id = do.id
JOIN articles a ON a.id = dc.article_id
WHERE 1 {declaration_conditions()}
ORDER BY a.published_year IS NULL, a.published_year, a.published_month IS NULL,
         a.published_month, a.published_day, dc.article_id, dc.id
"""


def declarations(connection: sqlite3.Connection, filters: Filters) -> Listing:
    """Published documents, as `articles` orders their articles, each with its kind, its
    title or issuer, the parties it speaks for and how many points it has."""
    return _listing(connection, _DECLARATIONS, filters.params())


_POINTS = f"""
SELECT po.id, po.article_id, po.declaration_id, po.ordinal, po.subject,
       (SELECT json_group_array(short_name) FROM (
           SELECT pa.short_name FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id
           WHERE pp.point_id = po.id ORDER BY pa.id)) AS parties,
       (SELECT json_group_array(slug) FROM (
           SELECT t.slug FROM point_topics pt JOIN topics t ON t.id = pt.topic_id
           WHERE pt.point_id = po.id ORDER BY t.id)) AS topics,
       po.text
FROM point_overview po
JOIN declaration_points p ON p.id = po.id
JOIN declarations dc ON dc.id = p.declaration_id
JOIN articles a ON a.id = dc.article_id
WHERE (:article IS NULL OR dc.article_id = :article)
  AND (:declaration IS NULL OR p.declaration_id = :declaration)
  {point_conditions()}
  {{driver}}
ORDER BY dc.article_id, p.declaration_id, p.ordinal
"""

# With a party named, the party's own points (found through the index on point_parties) drive
# the query, instead of every point of the archive being tested for it.
_BY_PARTY = (
    "AND p.id IN (SELECT dp.point_id FROM point_parties dp WHERE dp.party_id IN " + PARTY_IDS + ")"
)


def points(
    connection: sqlite3.Connection,
    filters: Filters,
    *,
    article: int | None = None,
    declaration: int | None = None,
) -> Listing:
    """Declaration points with their parties and topics."""
    params = {**filters.params(), "article": article, "declaration": declaration}
    sql = _POINTS.replace("{driver}", _BY_PARTY if filters.party is not None else "")
    return _listing(connection, sql, params)


def resolve(
    connection: sqlite3.Connection, filters: Filters, vocabularies: Callable[[], Vocabularies]
) -> Filters:
    """The filters with every name turned into the slug stored for it, or failing that the
    slug the vocabularies know it by (built by `vocabularies` only then); unknown names are
    an error, not an empty answer."""
    return replace(
        filters,
        source=source_slug(connection, filters.source) if filters.source else None,
        party=party_slug(connection, filters.party, vocabularies) if filters.party else None,
        topic=topic_slug(connection, filters.topic, vocabularies) if filters.topic else None,
        kind=kind_name(connection, filters.kind) if filters.kind else None,
    )


def kind_name(connection: sqlite3.Connection, name: str) -> str:
    """The document kind `name` means ("Press Statement", "editorial": an article of its
    paper); an unknown kind is an error naming the known ones, not an empty answer."""
    from communique.extract.vocabulary import DOCUMENT_KINDS, KIND_ALIASES

    stored = [str(row[0]) for row in connection.execute("SELECT DISTINCT kind FROM declarations")]
    known = list(dict.fromkeys([*DOCUMENT_KINDS, *sorted(stored)]))
    wanted = " ".join(name.split()).casefold()
    wanted = KIND_ALIASES.get(wanted, wanted)
    if wanted in known:
        return wanted
    raise CommuniqueError(f"no document kind is called {name!r}; the kinds are {', '.join(known)}")


def topic_slug(
    connection: sqlite3.Connection, name: str, vocabularies: Callable[[], Vocabularies]
) -> str:
    row = connection.execute(
        "SELECT slug FROM topics WHERE slug = lower(:name) OR lower(name) = lower(:name)",
        {"name": name.strip()},
    ).fetchone()
    if row is not None:
        return str(row[0])
    if name.strip().lower() in vocabularies().taxonomy.topics:
        return name.strip().lower()
    raise CommuniqueError(f"no topic is called {name!r}; `communique report` lists them")


def party_slug(
    connection: sqlite3.Connection, name: str, vocabularies: Callable[[], Vocabularies]
) -> str:
    """The slug of the stored party `name` means: its slug, name or short name, else any alias
    the gazetteer knows. Unknown names are an error, not an empty answer."""
    row = connection.execute(
        "SELECT slug FROM parties WHERE slug = lower(:name) OR lower(name) = lower(:name)"
        " OR lower(short_name) = lower(:name)",
        {"name": name.strip()},
    ).fetchone()
    if row is not None:
        return str(row[0])
    known = vocabularies().gazetteer.named(name)
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


def all_parties(connection: sqlite3.Connection, gazetteer: Gazetteer) -> Listing:
    """Every party the gazetteer knows, stored or not, with the same columns as `parties`
    (id NULL for a party no row names yet), by slug."""
    listing = parties(connection)
    stored = {str(row["slug"]): row for row in listing.rows}
    rows = []
    for slug in sorted(set(gazetteer.parties) | set(stored)):
        if slug in stored:
            rows.append(stored[slug])
            continue
        party = gazetteer.parties[slug]
        rows.append(
            {
                "id": None,
                "slug": slug,
                "name": party.name,
                "short_name": party.short_name,
                "kind": party.kind,
                "state": party.state.slug if party.state else None,
                "speaks_for_state": int(party.speaks_for_state),
                "points": 0,
                "signatories": 0,
            }
        )
    return Listing(listing.columns, rows)


def parties(connection: sqlite3.Connection) -> Listing:
    return _listing(
        connection,
        """
        SELECT pa.id, pa.slug, pa.name, pa.short_name, pa.kind, st.slug AS state,
               pa.speaks_for_state,
               (SELECT count(*) FROM point_parties pp WHERE pp.party_id = pa.id) AS points,
               (SELECT count(*) FROM signatories sg WHERE sg.party_id = pa.id) AS signatories
        FROM parties pa LEFT JOIN parties st ON st.id = pa.state_id ORDER BY pa.slug
        """,
        {},
    )


_HOLDER = """pa.short_name AS party, pa.slug, rule, pa.kind,
    CASE WHEN pa.kind IN ('state', 'international-organisation') THEN pa.short_name
         ELSE st.short_name END AS for_state"""
"""A holder as `show` gives it: who, why, what kind of party, and the state it speaks for
(itself for a state; None for a party that speaks for none)."""
_STATE_OF = "LEFT JOIN parties st ON st.id = pa.state_id AND pa.speaks_for_state"


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
        sides = _rows(
            connection,
            f"SELECT {_HOLDER} FROM declaration_parties dp JOIN parties pa ON pa.id = dp.party_id"
            f" {_STATE_OF} WHERE dp.declaration_id = :id ORDER BY pa.id",
            {"id": declaration["id"]},
        )
        declaration["parties"] = [side["party"] for side in sides]
        declaration["speaks_for"] = sides
        held: dict[int, list[Row]] = {}
        for holder in _rows(
            connection,
            f"""
            SELECT pp.point_id, {_HOLDER}
            FROM declaration_points po JOIN point_parties pp ON pp.point_id = po.id
            JOIN parties pa ON pa.id = pp.party_id {_STATE_OF}
            WHERE po.declaration_id = :id ORDER BY pp.point_id, pa.id
            """,
            {"id": declaration["id"]},
        ):
            held.setdefault(holder.pop("point_id"), []).append(holder)
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
            {**point, "holders": held.get(point["id"], [])}
            for point in points(
                connection, Filters(all_versions=True), declaration=declaration["id"]
            ).rows
        ]
        for point in declaration["points"]:
            del point["article_id"], point["declaration_id"]
    return found


def speaker(holder: Row) -> str:
    """A holder as readers are shown it: a state or organisation of states by its name, any
    other party with whom it speaks for ("DPRK Foreign Ministry [for DPRK]", "CPRF [for no
    state]")."""
    party: str = holder["party"]
    if holder["for_state"] == party:
        return party
    return f"{party} [for {holder['for_state'] or 'no state'}]"


_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def dateline_as_said(article: Row) -> str | None:
    """An article's dateline as the text gives it ("Pyongyang, March 3", with its year if it
    has one), from `article_detail`'s place and reduced-form date."""
    place: str | None = article["dateline"]
    date: str | None = article["dateline_date"]  # "2005-03-03" or "----03-03"
    if date is None:
        return place
    year, month, day = date[:4].strip("-"), int(date[-5:-3]), int(date[-2:])
    said = f"{_MONTHS[month - 1]} {day}" + (f", {year}" if year else "")
    return f"{place}, {said}" if place else said


def article_detail(connection: sqlite3.Connection, article_id: int) -> Row | None:
    """One article with its source, captures, declarations, signatories and points."""
    found = _rows(
        connection,
        """
        SELECT a.id, a.headline, a.published_year, a.published_month, a.published_day,
               a.dateline_place AS dateline, a.dateline_year, a.dateline_month,
               a.dateline_day, s.slug AS source, s.name AS source_name,
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
    # The dateline's own date: a month and day, with a year only when the dateline gives one.
    month, day = article.pop("dateline_month"), article.pop("dateline_day")
    year = article.pop("dateline_year")
    article["dateline_date"] = partial_date(year, month, day) if month and day else None
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
    # The archive items whose version this text is (snapshot history, revision 0010).
    article["items"] = _rows(
        connection,
        """
        SELECT ar.name AS archive, it.url, v.current,
               it.withdrawn, it.alternating,
               EXISTS (SELECT 1 FROM changes c WHERE c.item_id = it.id) AS followed
        FROM versions v JOIN documents d ON d.id = v.document_id
        JOIN items it ON it.id = v.item_id JOIN archives ar ON ar.id = it.archive_id
        WHERE d.article_id = :id ORDER BY it.id
        """,
        {"id": article_id},
    )
    return article


def _pairs(connection: sqlite3.Connection, sql: str) -> dict[str, int]:
    return {str(key): count for key, count in connection.execute(sql)}


def coverage(connection: sqlite3.Connection) -> Row:
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
        "points_unattributed": connection.execute(
            "SELECT count(*) FROM declaration_points dp"
            " WHERE NOT EXISTS (SELECT 1 FROM point_parties pp WHERE pp.point_id = dp.id)"
        ).fetchone()[0],
        "points_by_topic": _pairs(
            connection,
            "SELECT t.slug, count(*) FROM point_topics pt JOIN topics t ON t.id = pt.topic_id"
            " GROUP BY t.id ORDER BY count(*) DESC, t.slug",
        ),
        "points_by_party": _pairs(
            connection,
            "SELECT pa.short_name, count(*) FROM point_parties pp JOIN parties pa"
            " ON pa.id = pp.party_id GROUP BY pa.id ORDER BY count(*) DESC, pa.short_name",
        ),
        "points_by_rule": _pairs(
            connection,
            "SELECT coalesce(rule, 'not recorded'), count(*) FROM point_parties"
            " GROUP BY rule ORDER BY count(*) DESC, rule",
        ),
        "documents_from_older_extraction": stale_documents(connection),
        **_history_coverage(connection),
    }


def _history_coverage(connection: sqlite3.Connection) -> Row:
    """What snapshots recorded: the archives followed, their items, those withdrawn, and the
    articles they superseded (which listings leave out unless --all-versions)."""
    snapshots, archives = connection.execute(
        "SELECT count(*), count(DISTINCT archive_id) FROM snapshots"
    ).fetchone()
    items, withdrawn, alternating = connection.execute(
        "SELECT count(*), coalesce(sum(withdrawn), 0), coalesce(sum(alternating), 0)"
        " FROM items it WHERE EXISTS (SELECT 1 FROM changes c WHERE c.item_id = it.id)"
    ).fetchone()
    (superseded,) = connection.execute(
        f"SELECT count(*) FROM articles a WHERE {SUPERSEDED}"
    ).fetchone()
    return {
        "snapshots": snapshots,
        "archives_followed": archives,
        "items_followed": items,
        "items_withdrawn": withdrawn,
        "items_alternating": alternating,
        "articles_superseded": superseded,
    }


def stale_documents(connection: sqlite3.Connection) -> int:
    """How many documents hold rows that an older extraction made (or one from before
    versions were recorded): what `reparse --stale` would redo. Found through the index on
    the version, so a database with none answers at once."""
    version = [EXTRACTION_VERSION]
    query = f"SELECT 1 FROM documents WHERE {STALE_DOCUMENTS} LIMIT 1"
    if connection.execute(query, version).fetchone() is None:
        return 0
    query = f"SELECT count(*) FROM documents WHERE {STALE_DOCUMENTS}"
    return int(connection.execute(query, version).fetchone()[0])
