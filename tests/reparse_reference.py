"""`reparse` as it was before it ran on the load pipeline: one document per transaction, in
the main process, through SQLAlchemy. Kept unchanged as the reference the batched `reparse`
must match row for row (`test_reparse`).

Each document is redone in its own transaction. Rows change only where the new extraction
differs from what is stored, so a second run changes nothing. An article is rewritten from its
first capture (the lowest document id); later captures only link to it. An article no capture
links to any more is removed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from communique.db.database import lost_by, signals_held
from communique.db.models import Article, Declaration, Document
from communique.errors import TransactionLost, failure_reason
from communique.extract import extract
from communique.extract.records import ArticleRecord, CaptureHints, Extraction
from communique.load.rows import Writer, published_on
from communique.load.workers import Extractor

articles = cast(Table, Article.__table__)
declarations = cast(Table, Declaration.__table__)
documents = cast(Table, Document.__table__)

Snapshot = tuple[Any, ...]


@dataclass
class ReparseSummary:
    documents: int = 0
    """Documents examined."""
    documents_changed: int = 0
    articles_changed: int = 0
    points_changed: int = 0
    failed: int = 0
    stopped: TransactionLost | None = None
    """What stopped the run before its end (a full disk, a damaged file), if anything."""

    def line(self) -> str:
        return (
            f"{self.documents} documents reparsed: {self.documents_changed} documents,"
            f" {self.articles_changed} articles and {self.points_changed} points changed,"
            f" {self.failed} failed"
        )


@dataclass(frozen=True)
class _Change:
    document: bool = False
    articles: int = 0
    points: int = 0
    failed: bool = False


_STORED_DECLARATIONS = text(
    """
    SELECT d.id, d.kind, d.title, d.signed_place, d.signed_year, d.signed_month, d.signed_day,
           d.signed_from, d.intro, d.issuer, ip.slug,
           (SELECT group_concat(slug, ' ') FROM (SELECT p.slug FROM declaration_parties dp
              JOIN parties p ON p.id = dp.party_id WHERE dp.declaration_id = d.id ORDER BY p.slug))
    FROM declarations d LEFT JOIN parties ip ON ip.id = d.issuer_party_id
    WHERE d.article_id = :article ORDER BY d.id
    """
)
_STORED_SIGNATORIES = text(
    "SELECT s.name, s.title, p.slug FROM signatories s LEFT JOIN parties p ON p.id = s.party_id"
    " WHERE s.declaration_id = :declaration ORDER BY s.id"
)
_STORED_POINTS = text(
    """
    SELECT dp.ordinal, dp.text, dp.subject, dp.label,
           (SELECT group_concat(slug, ' ') FROM (SELECT p.slug FROM point_parties pp
              JOIN parties p ON p.id = pp.party_id WHERE pp.point_id = dp.id ORDER BY p.slug)),
           (SELECT group_concat(slug, ' ') FROM (SELECT t.slug FROM point_topics pt
              JOIN topics t ON t.id = pt.topic_id WHERE pt.point_id = dp.id ORDER BY t.slug))
    FROM declaration_points dp WHERE dp.declaration_id = :declaration ORDER BY dp.ordinal
    """
)
_STORED_ARTICLE = text(
    """
    SELECT s.slug, a.headline, a.dateline_place, a.published_year, a.published_month,
           a.published_day, a.published_on, a.published_from, a.lead, a.body, a.fingerprint
    FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = :article
    """
)


def _slugs(parties: Iterable[Any]) -> str | None:
    return " ".join(sorted(party.slug for party in parties)) or None


def _stored(connection: Connection, article_id: int) -> tuple[Snapshot, list[Snapshot]]:
    """The article as stored, and its points, in the same plain form as `_extracted`."""
    article = tuple(connection.execute(_STORED_ARTICLE, {"article": article_id}).one())
    found = []
    points: list[Snapshot] = []
    for row in connection.execute(_STORED_DECLARATIONS, {"article": article_id}).all():
        declaration_id, *fields = row
        signers = connection.execute(_STORED_SIGNATORIES, {"declaration": declaration_id}).all()
        stored_points = connection.execute(_STORED_POINTS, {"declaration": declaration_id}).all()
        declared = [tuple(point) for point in stored_points]
        points.extend(declared)
        found.append((*fields, tuple(tuple(s) for s in signers), tuple(declared)))
    return (*article, tuple(found)), points


def _extracted(article: ArticleRecord) -> tuple[Snapshot, list[Snapshot]]:
    day = published_on(article)
    found = []
    points: list[Snapshot] = []
    for declaration in article.declarations:
        declared = [
            (p.ordinal, p.text, p.subject, p.label, _slugs(p.parties), _slugs(p.topics))
            for p in declaration.points
        ]
        points.extend(declared)
        signers = tuple(
            (s.name, s.title, s.party.slug if s.party else None) for s in declaration.signatories
        )
        found.append(
            (
                declaration.kind,
                declaration.title,
                declaration.signed_place,
                declaration.signed_year,
                declaration.signed_month,
                declaration.signed_day,
                declaration.signed_from,
                declaration.intro,
                declaration.issuer,
                declaration.issuer_party.slug if declaration.issuer_party else None,
                _slugs(declaration.parties),
                signers,
                tuple(declared),
            )
        )
    snapshot = (
        article.source.slug if article.source else None,
        article.headline,
        article.dateline_place,
        article.published_year,
        article.published_month,
        article.published_day,
        day.isoformat() if day else None,
        article.published_from,
        article.lead,
        article.body,
        article.fingerprint,
        tuple(found),
    )
    return snapshot, points


def _points_changed(before: list[Snapshot], after: list[Snapshot]) -> int:
    old, new = set(before), set(after)
    return max(len(old - new), len(new - old))


def _rewrite(
    connection: Connection, writer: Writer, article_id: int, article: ArticleRecord
) -> tuple[int, int]:
    """Bring a stored article in line with its new extraction: (articles, points) changed."""
    stored, stored_points = _stored(connection, article_id)
    wanted, wanted_points = _extracted(article)
    if stored == wanted:
        return 0, 0
    connection.execute(
        update(articles).where(articles.c.id == article_id).values(**writer.article_values(article))
    )
    connection.execute(delete(declarations).where(declarations.c.article_id == article_id))
    writer.insert_declarations(article_id, article.declarations)
    return 1, _points_changed(stored_points, wanted_points)


def _captures(connection: Connection, article_id: int) -> list[int]:
    rows = connection.execute(select(documents.c.id).where(documents.c.article_id == article_id))
    return [row[0] for row in rows]


def _relink(
    connection: Connection,
    writer: Writer,
    document_id: int,
    linked: int | None,
    article: ArticleRecord,
) -> tuple[int, int, int]:
    """(article id, articles changed, points changed) for a document's new extraction."""
    existing = writer.existing_article(article.fingerprint)
    if existing is not None:
        owner = min([*_captures(connection, existing), document_id])
        if owner != document_id:
            return existing, 0, 0
        return existing, *_rewrite(connection, writer, existing, article)
    if linked is not None and _captures(connection, linked) == [document_id]:
        return linked, *_rewrite(connection, writer, linked, article)
    new_id = writer.insert_article(article)
    return new_id, 1, sum(len(d.points) for d in article.declarations)


def _drop_if_orphaned(connection: Connection, article_id: int | None) -> tuple[int, int]:
    if article_id is None or _captures(connection, article_id):
        return 0, 0
    _, stored_points = _stored(connection, article_id)
    connection.execute(delete(articles).where(articles.c.id == article_id))
    return 1, len(stored_points)


def _mark_failed(connection: Connection, row: Any, error: Exception) -> _Change:
    """Record why a document could not be redone; its stored rows stay as they were."""
    values = {"status": "failed", "error": failure_reason(error)}
    changed = (row.status, row.error) != (values["status"], values["error"])
    if changed:
        connection.execute(update(documents).where(documents.c.id == row.id).values(**values))
    return _Change(document=changed, failed=True)


def _rewrite_document(
    connection: Connection, writer: Writer, row: Any, extraction: Extraction
) -> _Change:
    values = writer.document_values(extraction)
    articles_changed = points_changed = 0
    target = None
    if extraction.article is not None:
        target, articles_changed, points_changed = _relink(
            connection, writer, row.id, row.article_id, extraction.article
        )
    values["article_id"] = target
    changed = any(getattr(row, key) != value for key, value in values.items())
    if changed:
        connection.execute(update(documents).where(documents.c.id == row.id).values(**values))
    if row.article_id != target:
        dropped, dropped_points = _drop_if_orphaned(connection, row.article_id)
        articles_changed += dropped
        points_changed += dropped_points
    return _Change(changed, articles_changed, points_changed)


def _reparse_one(connection: Connection, document_id: int, extractor: Extractor) -> _Change:
    row = connection.execute(select(documents).where(documents.c.id == document_id)).one()
    hints = CaptureHints(url=row.url, published_year=row.given_year, format=row.format)
    # The writer works on the driver's connection, in this same transaction.
    writer = Writer(cast(sqlite3.Connection, connection.connection.driver_connection))
    try:
        extraction = extractor(row.raw_text, hints)
    except Exception as error:  # noqa: BLE001 - recorded on the document, never lost
        return _mark_failed(connection, row, error)
    try:
        with writer.savepoint("reparse"):
            return _rewrite_document(connection, writer, row, extraction)
    except TransactionLost:
        raise
    except Exception as error:  # noqa: BLE001 - its rows are undone; the others go on
        return _mark_failed(connection, row, error)


def reparse(
    engine: Engine,
    report: Callable[[int, str], None],
    extractor: Extractor = extract,
) -> ReparseSummary:
    """Redo extraction for every document, one transaction each.

    A failure of the database itself (a full disk, a damaged file) stops the run, with the
    document at hand rolled back whole and not marked failed: the summary says so (`stopped`).
    Ctrl-C and SIGTERM take effect between two documents, never inside SQLAlchemy's handling
    of a connection, and what was committed before stays."""
    summary = ReparseSummary()
    document_id = 0
    with signals_held() as stopping:
        try:
            with engine.connect() as connection:
                last = connection.execute(select(func.max(documents.c.id))).scalar() or 0
            for document_id in range(1, last + 1):
                if stopping():
                    break
                with engine.begin() as connection:
                    exists = connection.execute(
                        select(documents.c.id).where(documents.c.id == document_id)
                    ).scalar()
                    if exists is None:
                        continue
                    change = _reparse_one(connection, document_id, extractor)
                summary.documents += 1
                summary.documents_changed += change.document
                summary.articles_changed += change.articles
                summary.points_changed += change.points
                summary.failed += change.failed
                if change.failed:
                    report(document_id, "extraction failed; the document is kept")
        except (DBAPIError, TransactionLost) as error:
            lost = lost_by(error)
            if lost is None:
                raise
            summary.stopped = lost.losing(
                f"document {document_id} and those after it were not reparsed"
                " (nothing of it was written)"
                if document_id
                else "nothing was reparsed"
            )
    return summary
