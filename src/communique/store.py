"""Writing captures to the database: the raw document first, then what extraction found.

Each capture is one transaction. The document row is written before extraction runs, and the
derived rows (article, declarations, signatories, points, parties) go in a savepoint: if
extraction or writing fails, the savepoint is rolled back and the document stays, marked
failed, with the reason. A crash before commit leaves nothing of the capture at all.

Writes go through SQLAlchemy Core on the model tables rather than the ORM unit of work: one
statement per row, no object bookkeeping, which keeps archive-sized loads fast.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from communique.decoding import DecodedText
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

__all__ = ["LoadResult", "Outcome", "Store", "Writer", "document_status", "failure_reason"]

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

Extractor = Callable[[str, CaptureHints], Extraction]


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


def failure_reason(error: Exception) -> str:
    """One line saying why extraction failed: the database's own message for a rejected row
    (not the statement and its parameters), else the error's first line."""
    original = getattr(error, "orig", None) or error
    message = (str(original).strip().splitlines() or [""])[0]
    return f"extraction failed: {type(original).__name__}: {message}"


def insert_row(connection: Connection, table: Table, values: dict[str, Any]) -> int:
    """Insert one row and return its new id."""
    new_id: int = connection.execute(insert(table).returning(table.c.id), values).scalar_one()
    return new_id


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

    def _upsert(self, table: Table, slug: str, values: Mapping[str, object]) -> int:
        """The id of the row with this slug, inserting it first when new. Existing rows are
        left as they are: a user may have corrected a name by hand."""
        statement = sqlite_insert(table).values(slug=slug, **values)
        self.connection.execute(statement.on_conflict_do_nothing(index_elements=["slug"]))
        found: int = self.connection.execute(
            select(table.c.id).where(table.c.slug == slug)
        ).scalar_one()
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
        found: int | None = self.connection.execute(
            select(articles.c.id).where(articles.c.fingerprint == fingerprint)
        ).scalar()
        return found

    def insert_article(self, article: ArticleRecord) -> int:
        article_id = insert_row(self.connection, articles, self.article_values(article))
        self.insert_declarations(article_id, article.declarations)
        return article_id

    def insert_declarations(self, article_id: int, found: tuple[DeclarationRecord, ...]) -> None:
        for declaration in found:
            self._insert_declaration(article_id, declaration)

    def _insert_declaration(self, article_id: int, declaration: DeclarationRecord) -> None:
        declaration_id = insert_row(
            self.connection,
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
            self.connection.execute(
                insert(declaration_parties),
                {"declaration_id": declaration_id, "party_id": self.party_id(party)},
            )
        for signatory in declaration.signatories:
            self.connection.execute(
                insert(signatories),
                {
                    "declaration_id": declaration_id,
                    "name": signatory.name,
                    "title": signatory.title,
                    "party_id": self.party_id(signatory.party),
                },
            )
        for point in declaration.points:
            point_id = insert_row(
                self.connection,
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
                self.connection.execute(
                    insert(point_parties),
                    {"point_id": point_id, "party_id": self.party_id(party)},
                )
            for topic in point.topics:
                self.connection.execute(
                    insert(point_topics), {"point_id": point_id, "topic_id": self.topic_id(topic)}
                )


class Store:
    """Loads decoded captures into one database."""

    def __init__(self, engine: Engine, extractor: Extractor = extract) -> None:
        self._engine = engine
        self._extract = extractor

    def load(self, origin: str, decoded: DecodedText, hints: CaptureHints) -> LoadResult:
        with self._engine.begin() as connection:
            existing = connection.execute(
                select(documents.c.id, documents.c.status, documents.c.error).where(
                    documents.c.sha256 == decoded.sha256
                )
            ).first()
            if existing is not None:
                return _unchanged(*existing)
            document_id = self._insert_document(connection, origin, decoded, hints)
            try:
                with connection.begin_nested():
                    return self._derive(Writer(connection), document_id, decoded.text, hints)
            except Exception as error:  # noqa: BLE001 - any failure is recorded, never lost
                reason = failure_reason(error)
                connection.execute(
                    update(documents)
                    .where(documents.c.id == document_id)
                    .values(status="failed", error=reason)
                )
                return LoadResult(Outcome.FAILED, document_id=document_id, reason=reason)

    def _insert_document(
        self, connection: Connection, origin: str, decoded: DecodedText, hints: CaptureHints
    ) -> int:
        return insert_row(
            connection,
            documents,
            {
                "origin": origin,
                "url": hints.url,
                "sha256": decoded.sha256,
                "raw_text": decoded.text,
                "encoding": decoded.encoding,
                "format": hints.format,
                "given_year": hints.published_year,
                "received_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "status": "failed",
                "error": "extraction did not finish",
            },
        )

    def _derive(
        self, writer: Writer, document_id: int, text: str, hints: CaptureHints
    ) -> LoadResult:
        extraction = self._extract(text, hints)
        article_id, joined = None, False
        if extraction.article is not None:
            article_id = writer.existing_article(extraction.article.fingerprint)
            joined = article_id is not None
            if article_id is None:
                article_id = writer.insert_article(extraction.article)
        writer.connection.execute(
            update(documents)
            .where(documents.c.id == document_id)
            .values(article_id=article_id, **writer.document_values(extraction))
        )
        if extraction.no_text:
            return LoadResult(Outcome.ADDED, document_id, no_text=True)
        warnings = extraction.warnings
        if not extraction.recognised:
            reason = f"no headline or dateline recognised; kept as document {document_id}"
            return LoadResult(Outcome.FAILED, document_id, article_id, reason, warnings)
        return LoadResult(Outcome.ADDED, document_id, article_id, None, warnings, joined)
