"""Writing captures to the database: the raw document first, then what extraction found.

Documents are written in batches, one write transaction per batch, and each document in a
savepoint of its own: its row (the verbatim text and its sha256) goes in first, and the
derived rows (article, declarations, signatories, points, parties) in a nested savepoint.
If extraction or writing fails, only the nested savepoint is rolled back and the document
stays, marked failed, with the reason. Extraction may have run ahead in a worker process
(see `workers`); a worker's failure is recorded the same way. A crash before a batch commits
leaves nothing of its documents at all, and no result is reported before its commit.

Rows are written on the driver's cursor inside SQLAlchemy's transaction, one statement per
row, with no ORM bookkeeping; the full-text indexes catch up once per batch (`indexing`).
"""

from __future__ import annotations

import datetime as dt
import enum
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table

from communique.decoding import DecodedText
from communique.errors import failure_reason
from communique.extract import extract
from communique.extract.records import (
    ArticleRecord,
    CaptureHints,
    DeclarationRecord,
    Extraction,
    PartyRef,
    SourceRef,
    TopicRef,
)
from communique.indexing import DeferredIndex
from communique.models import (
    Article,
    Declaration,
    DeclarationParty,
    DeclarationPoint,
    Document,
    Party,
    PointParty,
    PointTopic,
    Signatory,
    Source,
    Topic,
)
from communique.workers import Extracted, Extractor, Failed

__all__ = ["LoadResult", "Outcome", "Store", "Writer", "document_status"]

documents = cast(Table, Document.__table__)
articles = cast(Table, Article.__table__)
sources = cast(Table, Source.__table__)
parties = cast(Table, Party.__table__)
declarations = cast(Table, Declaration.__table__)
declaration_parties = cast(Table, DeclarationParty.__table__)
signatories = cast(Table, Signatory.__table__)
points = cast(Table, DeclarationPoint.__table__)
point_parties = cast(Table, PointParty.__table__)
topics = cast(Table, Topic.__table__)
point_topics = cast(Table, PointTopic.__table__)


class Outcome(enum.Enum):
    ADDED = "added"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class LoadResult:
    outcome: Outcome
    document_id: int | None = None
    article_id: int | None = None
    reason: str | None = None
    warnings: tuple[str, ...] = field(default=())
    joined: bool = False
    """The capture's article was already stored (from another capture) and was joined."""
    no_text: bool = False
    """The input carried no article text (a photo or video record): stored, not an error."""


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
def _insert_sql(table: str, columns: tuple[str, ...], tail: str) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {tail}"


def _sql_value(value: Any) -> Any:
    """Dates as SQLAlchemy's Date and DateTime types store them in SQLite."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _unchanged(document_id: int, status: str, error: str | None) -> LoadResult:
    """Already stored; a document that did not load cleanly the first time says so again."""
    warnings: tuple[str, ...] = ()
    if status in ("failed", "incomplete"):
        warnings = (f"already stored as document {document_id}, {status}: {error}",)
    return LoadResult(Outcome.UNCHANGED, document_id=document_id, warnings=warnings)


class Writer:
    """Maps extraction records to rows on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._ids: dict[tuple[str, str], int] = {}
        # The hot path runs on the driver's own cursor, in the same transaction: statement by
        # statement, SQLAlchemy's execution machinery would cost more than SQLite itself.
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def insert(self, table: Table, values: Mapping[str, Any]) -> int:
        """Insert one row and return its new id; values go to the driver as they are (dates
        as `_sql_value` makes them)."""
        self.cursor.execute(_insert_sql(table.name, tuple(values), ""), list(values.values()))
        return int(self.cursor.lastrowid or 0)

    def link(self, table: Table, values: Mapping[str, Any]) -> None:
        """Insert one row of a table without ids of its own (point_parties...)."""
        self.cursor.execute(_insert_sql(table.name, tuple(values), ""), list(values.values()))

    @contextmanager
    def savepoint(self, name: str) -> Iterator[None]:
        """A savepoint on the driver's cursor: its rows are undone if the block raises."""
        self.cursor.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.cursor.execute(f"ROLLBACK TO {name}")
            self.cursor.execute(f"RELEASE {name}")
            raise
        self.cursor.execute(f"RELEASE {name}")

    def update(self, table: Table, row_id: int, values: Mapping[str, Any]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.cursor.execute(
            f"UPDATE {table.name} SET {assignments} WHERE id = ?",
            [*(_sql_value(v) for v in values.values()), row_id],
        )

    def forget(self) -> None:
        """Drop remembered ids: a rolled-back savepoint may have made some of them."""
        self._ids.clear()

    def _upsert(self, table: Table, slug: str, values: Mapping[str, object]) -> int:
        """The id of the row with this slug, inserting it first when new. Existing rows are
        left as they are: a user may have corrected a name by hand."""
        key = (table.name, slug)
        if key in self._ids:
            return self._ids[key]
        columns = ("slug", *values)
        self.cursor.execute(
            _insert_sql(table.name, columns, "ON CONFLICT (slug) DO NOTHING"),
            [slug, *values.values()],
        )
        row = self.cursor.execute(f"SELECT id FROM {table.name} WHERE slug = ?", [slug])
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
        return self._upsert(
            parties, party.slug, {"name": party.name, "short_name": party.short_name}
        )

    def topic_id(self, topic: TopicRef) -> int:
        return self._upsert(topics, topic.slug, {"name": topic.name})

    def document_values(self, extraction: Extraction) -> dict[str, Any]:
        status, error = document_status(extraction)
        return {
            "status": status,
            "error": error,
            "carrier_id": self.source_id(extraction.carrier),
            "distributor_id": self.source_id(extraction.distributor),
            "section": extraction.section,
        }

    def article_values(self, article: ArticleRecord) -> dict[str, Any]:
        return {
            "source_id": self.source_id(article.source),
            "headline": article.headline,
            "dateline_place": article.dateline_place,
            "published_year": article.published_year,
            "published_month": article.published_month,
            "published_day": article.published_day,
            "published_on": published_on(article),
            "published_from": article.published_from,
            "lead": article.lead,
            "body": article.body,
            "fingerprint": article.fingerprint,
        }

    def existing_article(self, fingerprint: str) -> int | None:
        row = self.cursor.execute("SELECT id FROM articles WHERE fingerprint = ?", [fingerprint])
        found = row.fetchone()
        return int(found[0]) if found else None

    def insert_article(self, article: ArticleRecord) -> int:
        values = self.article_values(article)
        values["published_on"] = _sql_value(values["published_on"])
        article_id = self.insert(articles, values)
        self.insert_declarations(article_id, article.declarations)
        return article_id

    def insert_declarations(self, article_id: int, found: tuple[DeclarationRecord, ...]) -> None:
        for declaration in found:
            self._insert_declaration(article_id, declaration)

    def _insert_declaration(self, article_id: int, declaration: DeclarationRecord) -> None:
        declaration_id = self.insert(
            declarations,
            {
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
        for party in declaration.parties:
            self.link(
                declaration_parties,
                {"declaration_id": declaration_id, "party_id": self.party_id(party)},
            )
        for signatory in declaration.signatories:
            self.link(
                signatories,
                {
                    "declaration_id": declaration_id,
                    "name": signatory.name,
                    "title": signatory.title,
                    "party_id": self.party_id(signatory.party),
                },
            )
        for point in declaration.points:
            point_id = self.insert(
                points,
                {
                    "declaration_id": declaration_id,
                    "ordinal": point.ordinal,
                    "text": point.text,
                    "subject": point.subject,
                    "label": point.label,
                },
            )
            for party in point.parties:
                self.link(point_parties, {"point_id": point_id, "party_id": self.party_id(party)})
            for topic in point.topics:
                self.link(point_topics, {"point_id": point_id, "topic_id": self.topic_id(topic)})


class _WorkerFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Store:
    """Loads decoded captures into one database, many documents per transaction.

    Each document is loaded inside a savepoint of its own, its derived rows inside a nested
    one, so a failure undoes exactly that document's rows. The transaction commits every
    `batch_size` documents or `batch_seconds` seconds, and results are handed back only once
    they are committed: nothing is reported stored that is not.
    """

    def __init__(
        self,
        engine: Engine,
        extractor: Extractor = extract,
        *,
        batch_size: int = 500,
        batch_seconds: float = 2.0,
    ) -> None:
        self._engine = engine
        self._extract = extractor
        self._batch_size = batch_size
        self._batch_seconds = batch_seconds
        self._connection: Connection | None = None
        self._writer: Writer | None = None
        self._index: DeferredIndex | None = None
        self._stored_before = 0
        """The highest document id committed before the open batch began."""
        self._opened = 0.0
        self._pending: list[tuple[str, LoadResult]] = []

    def load(self, origin: str, decoded: DecodedText, hints: CaptureHints) -> LoadResult:
        """Load one document in a transaction of its own."""
        committed = [*self.add(origin, decoded, hints), *self.flush()]
        ((_, result),) = committed
        return result

    def add(
        self,
        origin: str,
        decoded: DecodedText,
        hints: CaptureHints,
        extracted: Extracted | None = None,
    ) -> list[tuple[str, LoadResult]]:
        """Load a document into the open batch; returns the results committed by it, if any.
        `extracted` is its extraction when a worker has done it already."""
        if self._connection is None:
            self._connection = self._engine.connect()
            self._connection.begin()
            self._writer = Writer(self._connection)
            self._index = DeferredIndex.hold(self._writer.cursor)
            row = self._writer.cursor.execute("SELECT coalesce(max(id), 0) FROM documents")
            self._stored_before = int(row.fetchone()[0])
            self._opened = time.monotonic()
        assert self._writer is not None
        self._pending.append((origin, self._load(self._writer, origin, decoded, hints, extracted)))
        full = len(self._pending) >= self._batch_size
        if full or time.monotonic() - self._opened >= self._batch_seconds:
            return self.flush()
        return []

    def flush(self) -> list[tuple[str, LoadResult]]:
        """Commit the open batch and return its results."""
        connection, pending, writer, index = (
            self._connection,
            self._pending,
            self._writer,
            self._index,
        )
        self._connection, self._writer, self._index, self._pending = None, None, None, []
        if connection is None:
            return pending
        try:
            if writer is not None and index is not None:
                index.catch_up(writer.cursor)
            connection.commit()
        except Exception as error:  # noqa: BLE001 - the batch is lost; say so for each document
            connection.rollback()
            reason = f"not stored: {failure_reason(error).removeprefix('extraction failed: ')}"
            return [
                (origin, result)  # a repeat of a document committed earlier: still stored
                if result.outcome is Outcome.UNCHANGED
                and (result.document_id or 0) <= self._stored_before
                else (origin, LoadResult(Outcome.FAILED, reason=reason))
                for origin, result in pending
            ]
        finally:
            connection.close()
        return pending

    def close(self) -> None:
        """Give up an open batch (after an interruption): none of its rows stay."""
        connection, self._connection, self._writer, self._pending = self._connection, None, None, []
        self._index = None
        if connection is not None:
            connection.rollback()
            connection.close()

    def _load(
        self,
        writer: Writer,
        origin: str,
        decoded: DecodedText,
        hints: CaptureHints,
        extracted: Extracted | None,
    ) -> LoadResult:
        existing = writer.cursor.execute(
            "SELECT id, status, error FROM documents WHERE sha256 = ?", (decoded.sha256,)
        ).fetchone()
        if existing is not None:
            return _unchanged(*existing)
        try:
            with writer.savepoint("document"):
                document_id = self._insert_document(writer, origin, decoded, hints)
                try:
                    with writer.savepoint("derived"):
                        extraction = self._extraction(decoded.text, hints, extracted)
                        return self._derive(writer, document_id, extraction)
                except Exception as error:  # noqa: BLE001 - recorded with the document
                    writer.forget()
                    reason = (
                        error.reason if isinstance(error, _WorkerFailed) else failure_reason(error)
                    )
                    writer.update(documents, document_id, {"status": "failed", "error": reason})
                    return LoadResult(Outcome.FAILED, document_id=document_id, reason=reason)
        except Exception as error:  # noqa: BLE001 - the document itself could not be stored
            writer.forget()
            reason = f"not stored: {failure_reason(error).removeprefix('extraction failed: ')}"
            return LoadResult(Outcome.FAILED, reason=reason)

    def _insert_document(
        self, writer: Writer, origin: str, decoded: DecodedText, hints: CaptureHints
    ) -> int:
        return writer.insert(
            documents,
            {
                "origin": origin,
                "url": hints.url,
                "sha256": decoded.sha256,
                "raw_text": decoded.text,
                "encoding": decoded.encoding,
                "format": hints.format,
                "given_year": hints.published_year,
                "received_at": _sql_value(dt.datetime.now(dt.UTC).replace(tzinfo=None)),
                "status": "failed",
                "error": "extraction did not finish",
            },
        )

    def _extraction(
        self, text: str, hints: CaptureHints, extracted: Extracted | None
    ) -> Extraction:
        if extracted is None:
            return self._extract(text, hints)
        if isinstance(extracted, Failed):
            raise _WorkerFailed(extracted.reason)
        return extracted

    def _derive(self, writer: Writer, document_id: int, extraction: Extraction) -> LoadResult:
        article_id, joined = None, False
        if extraction.article is not None:
            article_id = writer.existing_article(extraction.article.fingerprint)
            joined = article_id is not None
            if article_id is None:
                article_id = writer.insert_article(extraction.article)
        writer.update(
            documents, document_id, {"article_id": article_id, **writer.document_values(extraction)}
        )
        if extraction.no_text:
            return LoadResult(Outcome.ADDED, document_id, no_text=True)
        warnings = extraction.warnings
        if not extraction.recognised:
            reason = f"no headline or dateline recognised; kept as document {document_id}"
            return LoadResult(Outcome.FAILED, document_id, article_id, reason, warnings)
        return LoadResult(Outcome.ADDED, document_id, article_id, None, warnings, joined)
