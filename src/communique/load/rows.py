"""Rows from extraction records: which tables a capture's rows go to, and the writer that
gathers them and writes them with one executemany per table.

The table names are the models' own, spelled here so that a load never imports the ORM (a
test holds them to the models). Ids are given out here, the highest so far plus one, which
holds because the caller holds the write lock; sources, parties and topics are few and shared,
and written at once. `store` drives this writer in batches for `seed`, and `reparse` and
`forget` use it to rewrite an article.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from operator import itemgetter
from typing import Any

from communique.db.database import StoredDocument, as_lost, lost_by, rows_in, stored_documents
from communique.extract.records import (
    EXTRACTION_VERSION,
    ArticleRecord,
    DeclarationRecord,
    Extraction,
    PartyRef,
    SourceRef,
    TopicRef,
)

__all__ = ["Writer", "document_status", "published_on", "sql_value"]

# The tables rows are written to, as `models` names them (a test holds them to it).
documents = "documents"
articles = "articles"
sources = "sources"
parties = "parties"
declarations = "declarations"
declaration_parties = "declaration_parties"
signatories = "signatories"
points = "declaration_points"
point_parties = "point_parties"
topics = "topics"
point_topics = "point_topics"


def published_on(article: ArticleRecord) -> dt.date | None:
    year, month, day = article.published_year, article.published_month, article.published_day
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def document_status(extraction: Extraction) -> tuple[str, str | None]:
    """The status and error a document gets from what extraction found in it."""
    if extraction.no_text:
        return "no text", None
    if extraction.warnings:
        return "incomplete", "; ".join(extraction.warnings)
    return "parsed", None


@cache
def _insert_sql(table: str, columns: tuple[str, ...], tail: str = "") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {tail}"


def sql_value(value: Any) -> Any:
    """Dates as SQLAlchemy's Date and DateTime types store them in SQLite."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_WRITE_ORDER = (
    articles,
    declarations,
    declaration_parties,
    signatories,
    points,
    point_parties,
    point_topics,
    documents,
)
"""Tables whose rows are gathered, parents before the rows that refer to them."""


class Writer:
    """Maps extraction records to rows on one connection.

    Rows are gathered (`stage_...`) with their ids given out here, then written together by
    `write`: an id is what SQLite itself would give, the highest so far plus one, which holds
    because the caller holds the write lock. Sources, parties and topics are few, shared, and
    written at once.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        # Rows go straight to sqlite3: statement by statement, SQLAlchemy's execution machinery
        # would cost more than SQLite itself.
        self.cursor = connection.cursor()
        self._next_id: dict[str, int] = {}
        self._staged: dict[str, list[dict[str, Any]]] = {}
        self._documents: dict[str, StoredDocument | None] = {}
        """sha256 → (id, status, error) of its document, or None for none: known so far."""
        self._articles: dict[str, int | None] = {}
        """fingerprint → id of its article, or None for none: known so far."""

    @contextmanager
    def savepoint(self, name: str) -> Iterator[None]:
        """A savepoint on the driver's cursor: its rows are undone if the block raises.

        When the error is one that takes the whole transaction (SQLite rolled it back on its
        own, or the disk is full or the file damaged), TransactionLost is raised instead:
        there is nothing left to undo to, and the caller must not go on writing."""
        self._control(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException as error:
            lost = lost_by(error, self.cursor.connection)
            if lost is not None:
                raise lost from error
            self._control(f"ROLLBACK TO {name}")
            self._control(f"RELEASE {name}")
            raise
        self._control(f"RELEASE {name}")

    def _control(self, statement: str) -> None:
        """Run a savepoint's own statement. Its failure takes the transaction: these write
        nothing of a document's, but FTS5 writes out its pending terms at them."""
        try:
            self.cursor.execute(statement)
        except sqlite3.Error as error:
            raise as_lost(error) from error

    def write(self) -> None:
        """Write every staged row, one executemany per table."""
        staged, self._staged = self._staged, {}
        self._next_id.clear()
        for table in _WRITE_ORDER:
            rows = staged.get(table)
            if not rows:
                continue
            columns = tuple(rows[0])
            values = itemgetter(*columns)  # a tuple of the values: every table has 2 or more
            self.cursor.executemany(_insert_sql(table, columns), [values(row) for row in rows])

    def forget(self) -> None:
        """Drop staged rows and remembered ids: after a rollback some of them are gone."""
        self._ids.clear()
        self._next_id.clear()
        self._staged.clear()
        self._documents.clear()
        self._articles.clear()

    def _new_id(self, table: str) -> int:
        found = self._next_id.get(table)
        if found is None:
            row = self.cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
            found = int(row[0])
        self._next_id[table] = found + 1
        return found

    def _stage(self, table: str, values: dict[str, Any]) -> None:
        self._staged.setdefault(table, []).append(values)

    def _upsert(
        self,
        table: str,
        slug: str,
        values: Mapping[str, object],
        facts: Mapping[str, object] | None = None,
    ) -> int:
        """The id of the row with this slug, inserting it first when new. Existing rows keep
        their `values` (a user may have corrected a name by hand) and take the `facts` the
        vocabularies now give (a party's kind and allegiance), as a fresh load would."""
        key = (table, slug)
        if key in self._ids:
            return self._ids[key]
        facts = facts or {}
        columns = ("slug", *values, *facts)
        updates = ", ".join(f"{column} = excluded.{column}" for column in facts)
        self.cursor.execute(
            _insert_sql(
                table,
                columns,
                f"ON CONFLICT (slug) DO UPDATE SET {updates}"
                if updates
                else "ON CONFLICT (slug) DO NOTHING",
            ),
            [slug, *values.values(), *facts.values()],
        )
        row = self.cursor.execute(f"SELECT id FROM {table} WHERE slug = ?", [slug])
        found = int(row.fetchone()[0])
        self._ids[key] = found
        return found

    def source_id(self, source: SourceRef | None) -> int | None:
        if source is None:
            return None
        values = {"name": source.name, "kind": source.kind, "country": source.country}
        return self._upsert(sources, source.slug, values)

    def party_id(self, party: PartyRef | None) -> int | None:
        if party is None:
            return None
        facts = {
            "kind": party.kind,
            "state_id": self.party_id(party.state),
            "speaks_for_state": party.speaks_for_state,
        }
        return self._upsert(
            parties, party.slug, {"name": party.name, "short_name": party.short_name}, facts
        )

    def topic_id(self, topic: TopicRef) -> int:
        return self._upsert(topics, topic.slug, {"name": topic.name})

    def document_values(self, extraction: Extraction) -> dict[str, Any]:
        status, error = document_status(extraction)
        return {
            "status": status,
            "error": error,
            "extraction_version": EXTRACTION_VERSION,
            "carrier_id": self.source_id(extraction.carrier),
            "distributor_id": self.source_id(extraction.distributor),
            "section": extraction.section,
        }

    def article_values(self, article: ArticleRecord) -> dict[str, Any]:
        return {
            "source_id": self.source_id(article.source),
            "headline": article.headline,
            "dateline_place": article.dateline_place,
            "dateline_year": article.dateline_year,
            "dateline_month": article.dateline_month,
            "dateline_day": article.dateline_day,
            "published_year": article.published_year,
            "published_month": article.published_month,
            "published_day": article.published_day,
            "published_on": published_on(article),
            "published_from": article.published_from,
            "lead": article.lead,
            "body": article.body,
            "fingerprint": article.fingerprint,
        }

    def look_up(self, digests: list[str], fingerprints: list[str]) -> None:
        """Find out at once which of these documents and articles are stored: a batch asks
        two queries instead of two per document."""
        self._documents.update(dict.fromkeys(digests))
        self._documents.update(stored_documents(self.cursor, digests))
        self._articles.update(dict.fromkeys(fingerprints))
        query = "SELECT fingerprint, id FROM articles WHERE fingerprint"
        self._articles.update(
            (row[0], int(row[1])) for row in rows_in(self.cursor, query, fingerprints)
        )

    def stored_document(self, sha256: str) -> StoredDocument | None:
        """(id, status, error) of the document with these bytes, if it is stored or staged."""
        if sha256 not in self._documents:
            self._documents[sha256] = stored_documents(self.cursor, [sha256]).get(sha256)
        return self._documents[sha256]

    def existing_article(self, fingerprint: str) -> int | None:
        """The id of the article with this fingerprint, if it is stored or staged."""
        if fingerprint in self._articles:
            return self._articles[fingerprint]
        row = self.cursor.execute("SELECT id FROM articles WHERE fingerprint = ?", [fingerprint])
        found = row.fetchone()
        self._articles[fingerprint] = int(found[0]) if found else None
        return self._articles[fingerprint]

    def stage_document(self, values: dict[str, Any]) -> int:
        """Gather a document's row (`values` as the documents table names them)."""
        document_id = self._new_id(documents)
        self._stage(documents, {"id": document_id, **values})
        self._documents[values["sha256"]] = (document_id, values["status"], values["error"])
        return document_id

    def stage_article(self, article: ArticleRecord) -> int:
        """Gather an article's row and those of the declarations it publishes."""
        values = self.article_values(article)
        values["published_on"] = sql_value(values["published_on"])
        article_id = self._new_id(articles)
        self._stage(articles, {"id": article_id, **values})
        self._articles[article.fingerprint] = article_id
        self._stage_declarations(article_id, article.declarations)
        return article_id

    def insert_article(self, article: ArticleRecord) -> int:
        """Write an article and its declarations now; returns its id."""
        article_id = self.stage_article(article)
        self.write()
        return article_id

    def insert_declarations(self, article_id: int, found: tuple[DeclarationRecord, ...]) -> None:
        """Write an article's declarations now."""
        self._stage_declarations(article_id, found)
        self.write()

    def _stage_declarations(self, article_id: int, found: tuple[DeclarationRecord, ...]) -> None:
        for declaration in found:
            self._stage_declaration(article_id, declaration)

    def _stage_declaration(self, article_id: int, declaration: DeclarationRecord) -> None:
        declaration_id = self._new_id(declarations)
        self._stage(
            declarations,
            {
                "id": declaration_id,
                "article_id": article_id,
                "kind": declaration.kind,
                "title": declaration.title,
                "signed_place": declaration.signed_place,
                "signed_year": declaration.signed_year,
                "signed_month": declaration.signed_month,
                "signed_day": declaration.signed_day,
                "signed_from": declaration.signed_from,
                "intro": declaration.intro,
                "issuer": declaration.issuer,
                "issuer_party_id": self.party_id(declaration.issuer_party),
            },
        )
        for side in declaration.sides:
            self._stage(
                declaration_parties,
                {
                    "declaration_id": declaration_id,
                    "party_id": self.party_id(side.party),
                    "rule": side.rule,
                },
            )
        for signatory in declaration.signatories:
            self._stage(
                signatories,
                {
                    "declaration_id": declaration_id,
                    "name": signatory.name,
                    "title": signatory.title,
                    "party_id": self.party_id(signatory.party),
                },
            )
        for point in declaration.points:
            point_id = self._new_id(points)
            self._stage(
                points,
                {
                    "id": point_id,
                    "declaration_id": declaration_id,
                    "ordinal": point.ordinal,
                    "text": point.text,
                    "subject": point.subject,
                    "label": point.label,
                },
            )
            for holder in point.holders:
                self._stage(
                    point_parties,
                    {
                        "point_id": point_id,
                        "party_id": self.party_id(holder.party),
                        "rule": holder.rule,
                    },
                )
            for topic in point.topics:
                self._stage(point_topics, {"point_id": point_id, "topic_id": self.topic_id(topic)})
