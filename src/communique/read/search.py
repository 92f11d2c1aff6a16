"""Full-text search over articles and declaration points, ranked by bm25.

Queries use SQLite FTS5's syntax (phrases in double quotes, prefix*, AND/OR/NOT); the indexes
stem English words, so "missiles" finds "missile". Snippets mark matched words with two
control characters that the caller turns into bold or brackets.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from communique.errors import CommuniqueError
from communique.read.filters import Filters, article_conditions, point_conditions
from communique.read.listings import Listing, partial_date

__all__ = ["MATCH_END", "MATCH_START", "MAX_TERMS", "from_words", "search", "terms"]

MATCH_START = "\x02"
MATCH_END = "\x03"
HEADLINE_WEIGHT = 10.0
"""How much more a headline match weighs than a body match."""
_SNIPPET_TOKENS = 16
MAX_TERMS = 64
"""The most terms a search may have. FTS5's work grows with the square of the terms (each
phrase is scored against every match of the others): on 20,000 articles, 64 terms of common
words take 10-20 s, 200 on a few hundred take minutes. A query typed or built from a sentence
has a handful; 64 leaves room for a pasted sentence of unquoted words."""

_ARTICLE_HITS = f"""
SELECT 'article' AS type, a.id, a.id AS article_id, a.published_year, a.published_month,
       a.published_day, a.headline,
       bm25(articles_fts, {HEADLINE_WEIGHT}, 1.0) AS rank
FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH :query {article_conditions()}
ORDER BY rank LIMIT :limit
"""

_POINT_HITS = f"""
SELECT 'point' AS type, p.id, dc.article_id, a.published_year, a.published_month,
       a.published_day, a.headline,
       bm25(declaration_points_fts) AS rank
FROM declaration_points_fts
JOIN declaration_points p ON p.id = declaration_points_fts.rowid
JOIN declarations dc ON dc.id = p.declaration_id
JOIN articles a ON a.id = dc.article_id
WHERE declaration_points_fts MATCH :query {point_conditions()}
ORDER BY rank LIMIT :limit
"""

# Snippets are made only for the hits shown: snippet() in the ranking query would run for
# every match of a common word before the sort, which at archive scale costs more than the
# ranking itself. A MATCH with a rowid constraint reads just that row's entries.
_SNIPPETS = {
    "article": f"""
SELECT snippet(articles_fts, -1, '{MATCH_START}', '{MATCH_END}', '\u2026', {_SNIPPET_TOKENS})
FROM articles_fts WHERE articles_fts MATCH :query AND rowid = :id
""",
    "point": f"""
SELECT snippet(declaration_points_fts, 0, '{MATCH_START}', '{MATCH_END}', '\u2026',
               {_SNIPPET_TOKENS})
FROM declaration_points_fts WHERE declaration_points_fts MATCH :query AND rowid = :id
""",
}

# Unfiltered searches rank on the index alone and join only the best hits: testing every
# filter's "not set" on every match of a common word costs several times the ranking.
_ARTICLE_TOP = f"""
SELECT 'article' AS type, a.id, a.id AS article_id, a.published_year, a.published_month,
       a.published_day, a.headline, hits.rank
FROM (SELECT rowid AS id, bm25(articles_fts, {HEADLINE_WEIGHT}, 1.0) AS rank
      FROM articles_fts WHERE articles_fts MATCH :query ORDER BY rank LIMIT :limit) AS hits
JOIN articles a ON a.id = hits.id
ORDER BY hits.rank
"""

_POINT_TOP = """
SELECT 'point' AS type, p.id, dc.article_id, a.published_year, a.published_month,
       a.published_day, a.headline, hits.rank
FROM (SELECT rowid AS id, bm25(declaration_points_fts) AS rank
      FROM declaration_points_fts WHERE declaration_points_fts MATCH :query
      ORDER BY rank LIMIT :limit) AS hits
JOIN declaration_points p ON p.id = hits.id
JOIN declarations dc ON dc.id = p.declaration_id
JOIN articles a ON a.id = dc.article_id
ORDER BY hits.rank
"""

COLUMNS = ["type", "id", "article_id", "published", "headline", "rank", "snippet"]


def _hits(connection: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        rows = connection.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        raise CommuniqueError(
            f"cannot search for {params['query']!r} ({error}): put phrases in double quotes"
            ' ("peaceful in its nature"), write AND, OR and NOT in capitals between words,'
            " or quote a word that holds punctuation"
        ) from None
    return [
        {
            "type": row["type"],
            "id": row["id"],
            "article_id": row["article_id"],
            "published": partial_date(
                row["published_year"], row["published_month"], row["published_day"]
            ),
            "headline": row["headline"],
            "rank": row["rank"],
            "snippet": None,
        }
        for row in rows
    ]


# FTS5's query syntax, as its parser splits it: strings (a bareword of letters, digits, _ and
# any non-ASCII character, or a "quoted string" where "" is a quote), and marks of one
# character: ( ) { } : , + * - ^.
_QUERY_TOKEN = re.compile(r'(?P<string>"(?:[^"]|"")*"?|[0-9A-Za-z_\x1a\x80-\U0010ffff]+)|\S')
_OPERATORS = {"AND", "OR", "NOT"}


_WORD_OR_PHRASE = re.compile(r'"(?P<phrase>[^"]*)"|(?P<word>\S+)')
_WORDY = re.compile(r"\w")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def from_words(text: str) -> str:
    """Ordinary words as a full-text query that matches every one of them: each word is
    searched for as written, punctuation and all ("U.S.", "DPRK-Russia", "Kim Jong Un's"),
    a word ending in * as a prefix (reunif*), and words in double quotes as one phrase.
    Nothing in the words is query syntax: AND, OR, NOT and brackets are words too."""
    phrases = []
    for found in _WORD_OR_PHRASE.finditer(text):
        if found["phrase"] is not None:
            if _WORDY.search(found["phrase"]):
                phrases.append(_quoted(found["phrase"].strip()))
            continue
        word = found["word"]
        prefix = len(word) > 1 and word.endswith("*")
        core = word.rstrip("*") if prefix else word
        if _WORDY.search(core):
            phrases.append(_quoted(core) + ("*" if prefix else ""))
    return " ".join(phrases)


def terms(query: str) -> int:
    """How many phrases a full-text query names: each word or prefix* outside quotes and each
    "quoted phrase" (phrases joined by + count one each); operators, column names and NEAR's
    distance are not terms."""
    tokens = [
        (found.group(), found["string"] is not None) for found in _QUERY_TOKEN.finditer(query)
    ]
    count = 0
    in_braces = False
    for index, (token, string) in enumerate(tokens):
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        before = tokens[index - 1][0] if index else ""
        if token in ("{", "}"):
            in_braces = token == "{"
        elif string and not (
            in_braces
            or token in _OPERATORS
            or (token == "NEAR" and following == "(")
            or following == ":"
            or before == ","
        ):
            count += 1
    return count


def _for_snippets(query: str) -> str:
    """The query with each repeated phrase said once, where that cannot change what it
    matches: a plain list of phrases, all joined by AND (or spaces) or all by OR.

    snippet() does work that grows faster than the square of the matches it marks, in one
    call that no signal or time limit can break into: `t* OR t* ...` 64 times made one
    snippet of the longest article of the dev corpus take 16 s. Said once, the same words
    are marked in 40 ms."""
    phrases: list[str] = []
    joins: set[str] = set()
    join: str | None = None
    for found in _QUERY_TOKEN.finditer(query):
        token, string = found.group(), found["string"] is not None
        if token == "*" and phrases and join is None and not phrases[-1].endswith("*"):
            phrases[-1] += "*"
        elif string and token in ("AND", "OR") and phrases and join is None:
            join = token
        elif string and token not in _OPERATORS and token != "NEAR":
            if phrases:
                joins.add(join or "AND")
            join = None
            phrases.append(token)
        else:  # NOT, NEAR, groups, columns: kept as the user wrote them
            return query
    distinct = list(dict.fromkeys(phrases))
    if join is not None or len(joins) > 1 or len(distinct) == len(phrases):
        return query
    return f" {joins.pop()} ".join(distinct) if joins else distinct[0]


def _superseded_stored(connection: sqlite3.Connection) -> bool:
    return (
        connection.execute(
            "SELECT 1 FROM versions v WHERE NOT v.current"
            " AND EXISTS (SELECT 1 FROM sightings s WHERE s.version_id = v.id) LIMIT 1"
        ).fetchone()
        is not None
    )


def search(
    connection: sqlite3.Connection,
    query: str,
    filters: Filters,
    *,
    where: str = "all",
    limit: int = 20,
) -> Listing:
    """The best `limit` hits, best first; in "all", articles and points compete on rank."""
    if not query.strip():
        raise CommuniqueError("give something to search for")
    given = terms(query)
    if given > MAX_TERMS:
        raise CommuniqueError(
            f"cannot search for {given} terms at once: a search takes at most {MAX_TERMS}"
            ' (each word, prefix* and "quoted phrase" is one); quote a passage to search for'
            " it as one phrase"
        )
    params = {**filters.params(), "query": query, "limit": limit}
    hits: list[dict[str, Any]] = []
    # Ranked without conditions only when no condition could drop a hit: no filter, and no
    # text that snapshots superseded (unless --all-versions keeps those too).
    unfiltered = filters.empty and (filters.all_versions or not _superseded_stored(connection))
    # One read transaction: the snippets come from the same state of the file as the ranking,
    # whatever another process writes in between.
    own_transaction = not connection.in_transaction
    if own_transaction:
        connection.execute("BEGIN")
    try:
        if where in ("all", "articles"):
            hits += _hits(connection, _ARTICLE_TOP if unfiltered else _ARTICLE_HITS, params)
        if where in ("all", "points"):
            hits += _hits(connection, _POINT_TOP if unfiltered else _POINT_HITS, params)
        hits.sort(key=lambda hit: hit["rank"])
        shown = hits[:limit]
        marked = _for_snippets(query)
        for hit in shown:
            row = connection.execute(_SNIPPETS[hit["type"]], {"query": marked, "id": hit["id"]})
            hit["snippet"] = row.fetchone()[0]
    finally:
        if own_transaction and connection.in_transaction:
            connection.execute("COMMIT")
    return Listing(COLUMNS, shown)
