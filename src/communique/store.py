"""Writing captures to the database: the raw document first, then what extraction found.

Each capture is one transaction. The document row is written before extraction runs, and the
derived rows (article, declaration, signatories, points, parties) go in a savepoint: if
extraction or writing fails, the savepoint is rolled back and the document stays, marked
failed, with the reason. A crash before commit leaves nothing of the capture at all.

Writes go through SQLAlchemy Core on the model tables rather than the ORM unit of work: one
statement per row, no object bookkeeping, which keeps archive-sized loads fast.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

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
)
from communique.models import (
    Article,
    Declaration,
    DeclarationPoint,
    Document,
    Party,
    PointParty,
    Signatory,
    Source,
)

__all__ = ["LoadResult", "Outcome", "Store"]

_documents = cast(Table, Document.__table__)
_articles = cast(Table, Article.__table__)
_sources = cast(Table, Source.__table__)
_parties = cast(Table, Party.__table__)
_declarations = cast(Table, Declaration.__table__)
_signatories = cast(Table, Signatory.__table__)
_points = cast(Table, DeclarationPoint.__table__)
_point_parties = cast(Table, PointParty.__table__)


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


def _insert_row(connection: Connection, table: Table, values: dict[str, object]) -> int:
    """Insert one row and return its new id."""
    new_id: int = connection.execute(insert(table).returning(table.c.id), values).scalar_one()
    return new_id


def _published_on(article: ArticleRecord) -> dt.date | None:
    if None in (article.published_year, article.published_month, article.published_day):
        return None
    try:
        return dt.date(article.published_year, article.published_month, article.published_day)  # type: ignore[arg-type]
    except ValueError:
        return None


class Store:
    """Loads decoded captures into one database."""

    def __init__(
        self,
        engine: Engine,
        extractor: Callable[[str, CaptureHints], Extraction] = extract,
    ) -> None:
        self._engine = engine
        self._extract = extractor

    def load(self, origin: str, decoded: DecodedText, hints: CaptureHints) -> LoadResult:
        with self._engine.begin() as connection:
            existing = connection.execute(
                select(_documents.c.id).where(_documents.c.sha256 == decoded.sha256)
            ).scalar()
            if existing is not None:
                return LoadResult(Outcome.UNCHANGED, document_id=existing)
            document_id = self._insert_document(connection, origin, decoded, hints)
            try:
                with connection.begin_nested():
                    return self._derive(connection, document_id, decoded.text, hints)
            except Exception as error:
                reason = f"extraction failed: {type(error).__name__}: {error}"
                self._set_status(connection, document_id, "failed", reason)
                return LoadResult(Outcome.FAILED, document_id=document_id, reason=reason)

    def _insert_document(
        self, connection: Connection, origin: str, decoded: DecodedText, hints: CaptureHints
    ) -> int:
        return _insert_row(
            connection,
            _documents,
            {
                "origin": origin,
                "url": hints.url,
                "sha256": decoded.sha256,
                "raw_text": decoded.text,
                "encoding": decoded.encoding,
                "received_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "status": "failed",
                "error": "extraction did not finish",
            },
        )

    def _set_status(
        self,
        connection: Connection,
        document_id: int,
        status: str,
        error: str | None,
        **values: object,
    ) -> None:
        connection.execute(
            update(_documents)
            .where(_documents.c.id == document_id)
            .values(status=status, error=error, **values)
        )

    def _derive(
        self, connection: Connection, document_id: int, text: str, hints: CaptureHints
    ) -> LoadResult:
        extraction = self._extract(text, hints)
        carrier_id = self._source_id(connection, extraction.carrier)
        article_id, joined = None, False
        if extraction.article is not None:
            article_id, joined = self._article_id(connection, extraction.article)
        warnings = extraction.warnings
        status = "incomplete" if warnings else "parsed"
        self._set_status(
            connection,
            document_id,
            status,
            "; ".join(warnings) or None,
            carrier_id=carrier_id,
            section=extraction.section,
            article_id=article_id,
        )
        if not extraction.recognised:
            reason = f"no headline or dateline recognised; kept as document {document_id}"
            return LoadResult(Outcome.FAILED, document_id, article_id, reason, warnings)
        return LoadResult(Outcome.ADDED, document_id, article_id, None, warnings, joined)

    def _source_id(self, connection: Connection, source: SourceRef | None) -> int | None:
        if source is None:
            return None
        return self._upsert(
            connection,
            _sources,
            source.slug,
            {
                "name": source.name,
                "kind": source.kind,
                "country": source.country,
            },
        )

    def _party_id(self, connection: Connection, party: PartyRef | None) -> int | None:
        if party is None:
            return None
        return self._upsert(
            connection,
            _parties,
            party.slug,
            {
                "name": party.name,
                "short_name": party.short_name,
            },
        )

    @staticmethod
    def _upsert(connection: Connection, table: Table, slug: str, values: dict[str, object]) -> int:
        """The id of the row with this slug, inserting it first when new. Existing rows are
        left as they are: a user may have corrected a name by hand."""
        statement = sqlite_insert(table).values(slug=slug, **values)
        connection.execute(statement.on_conflict_do_nothing(index_elements=["slug"]))
        found: int = connection.execute(select(table.c.id).where(table.c.slug == slug)).scalar_one()
        return found

    def _article_id(self, connection: Connection, article: ArticleRecord) -> tuple[int, bool]:
        """The article's id, and whether it already existed (another capture of it)."""
        existing = connection.execute(
            select(_articles.c.id).where(_articles.c.fingerprint == article.fingerprint)
        ).scalar()
        if existing is not None:
            return existing, True
        article_id = _insert_row(
            connection,
            _articles,
            {
                "source_id": self._source_id(connection, article.source),
                "headline": article.headline,
                "dateline_place": article.dateline_place,
                "published_year": article.published_year,
                "published_month": article.published_month,
                "published_day": article.published_day,
                "published_on": _published_on(article),
                "lead": article.lead,
                "body": article.body,
                "fingerprint": article.fingerprint,
            },
        )
        for declaration in article.declarations:
            self._insert_declaration(connection, article_id, declaration)
        return article_id, False

    def _insert_declaration(
        self, connection: Connection, article_id: int, declaration: DeclarationRecord
    ) -> None:
        declaration_id = _insert_row(
            connection,
            _declarations,
            {
                "article_id": article_id,
                "kind": declaration.kind,
                "title": declaration.title,
                "signed_place": declaration.signed_place,
                "signed_year": declaration.signed_year,
                "signed_month": declaration.signed_month,
                "signed_day": declaration.signed_day,
                "intro": declaration.intro,
            },
        )
        for signatory in declaration.signatories:
            connection.execute(
                insert(_signatories),
                {
                    "declaration_id": declaration_id,
                    "name": signatory.name,
                    "title": signatory.title,
                    "party_id": self._party_id(connection, signatory.party),
                },
            )
        for point in declaration.points:
            point_id = _insert_row(
                connection,
                _points,
                {
                    "declaration_id": declaration_id,
                    "ordinal": point.ordinal,
                    "text": point.text,
                    "subject": point.subject,
                },
            )
            for party in point.parties:
                connection.execute(
                    insert(_point_parties),
                    {"point_id": point_id, "party_id": self._party_id(connection, party)},
                )
