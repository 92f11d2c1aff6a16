"""Running extraction again over stored documents, after communique itself has improved.

Rows change only where the new extraction differs from what is stored, so a second run
changes nothing. An article is rewritten from its first capture (the lowest document id);
later captures only link to it. An article no capture links to any more is removed.

Reparse runs on the load pipeline: documents are read in id order, extracted in the worker
processes `seed` uses (`workers`), taken back in that order, and written a batch at a time,
one write transaction per batch. What a batch's documents are compared with (their rows, the
articles they link to or now extract to, the captures of those articles) is read in a few
queries at the batch's start and kept up to date as the batch rewrites rows, so that a
document that changes nothing costs no query of its own. Rows are written in the order a
document at a time would write them, so every id is the one a run of one document per
transaction would give. Should any statement of a batch fail (a row a constraint refuses),
the batch is rolled back and redone one document at a time, each in a savepoint of its own:
the failure is pinned on its document, which is marked failed with its stored rows as they
were, and the others are written as if nothing had happened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.db.database import (
    STALE_DOCUMENTS,
    begin_immediate,
    connect,
    fold_log,
    lost_by,
    rows_in,
    signals_held,
    write_connection,
)
from communique.errors import TransactionLost, failure_reason
from communique.extract import extract
from communique.extract.records import (
    EXTRACTION_VERSION,
    ArticleRecord,
    Attribution,
    CaptureHints,
    Extraction,
)
from communique.load.rows import Writer, published_on, sql_value
from communique.load.workers import START_AFTER, Extracted, ExtractionAhead, Extractor, Failed, Job

__all__ = ["BATCH", "ReparseSummary", "reparse", "rewrite_article"]

BATCH = 500
"""Documents per write transaction: enough that a commit, and the look-ups a batch starts
with, cost little per document."""

READ_SIZE = 1000
"""Documents read from the database per query."""

Snapshot = tuple[Any, ...]
OnFailure = Callable[[int, str], None]


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


@dataclass(frozen=True)
class _Document:
    """A stored document, as extraction needs it."""

    id: int
    text: str
    hints: CaptureHints


_STORED_ARTICLES = """
    SELECT a.id, s.slug, a.headline, a.dateline_place, a.dateline_year, a.dateline_month,
           a.dateline_day, a.published_year, a.published_month,
           a.published_day, a.published_on, a.published_from, a.lead, a.body, a.fingerprint
    FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id"""
_STORED_DECLARATIONS = """
    SELECT d.article_id, d.id, d.kind, d.title, d.signed_place, d.signed_year, d.signed_month,
           d.signed_day, d.signed_from, d.intro, d.issuer, ip.slug,
           (SELECT group_concat(held, ' ') FROM (
              SELECT p.slug || ':' || coalesce(dp.rule, '') || ':' || p.kind || ':'
                     || coalesce(st.slug, '') || ':' || p.speaks_for_state AS held
              FROM declaration_parties dp JOIN parties p ON p.id = dp.party_id
              LEFT JOIN parties st ON st.id = p.state_id
              WHERE dp.declaration_id = d.id ORDER BY held))
    FROM declarations d LEFT JOIN parties ip ON ip.id = d.issuer_party_id WHERE d.article_id"""
_STORED_SIGNATORIES = """
    SELECT s.declaration_id, s.id, s.name, s.title, p.slug
    FROM signatories s JOIN declarations d ON d.id = s.declaration_id
    LEFT JOIN parties p ON p.id = s.party_id WHERE d.article_id"""
_STORED_POINTS = """
    SELECT dp.declaration_id, dp.id, dp.ordinal, dp.text, dp.subject, dp.label,
           (SELECT group_concat(held, ' ') FROM (
              SELECT p.slug || ':' || coalesce(pp.rule, '') AS held
              FROM point_parties pp JOIN parties p ON p.id = pp.party_id
              WHERE pp.point_id = dp.id ORDER BY held)),
           (SELECT group_concat(slug, ' ') FROM (SELECT t.slug FROM point_topics pt
              JOIN topics t ON t.id = pt.topic_id WHERE pt.point_id = dp.id ORDER BY t.slug))
    FROM declaration_points dp JOIN declarations d ON d.id = dp.declaration_id
    WHERE d.article_id"""

_DOCUMENT_COLUMNS = (
    "status",
    "error",
    "carrier_id",
    "distributor_id",
    "section",
    "article_id",
    "extraction_version",
)
_VERSION_ONLY = frozenset({"extraction_version"})
"""A document whose rows only now record the running extraction's version is not counted as
changed: its rows are what they were."""
_FINGERPRINT = 13
"""Where an article's fingerprint is in its snapshot."""
_DECLARATIONS = 14
"""Where its declarations are: the columns of the article's own row come before."""


def _stored(
    cursor: sqlite3.Cursor, article_ids: Iterable[int]
) -> dict[int, tuple[Snapshot, list[Snapshot]]]:
    """These articles as stored, each with its points, in the same plain form as
    `_extracted`: four queries for a few hundred articles."""
    keys = [str(key) for key in sorted(set(article_ids))]
    signers: dict[int, list[tuple[int, Snapshot]]] = {}
    for declaration_id, order, *fields in rows_in(cursor, _STORED_SIGNATORIES, keys):
        signers.setdefault(declaration_id, []).append((order, tuple(fields)))
    points: dict[int, list[tuple[int, int, Snapshot]]] = {}
    for declaration_id, order, *fields in rows_in(cursor, _STORED_POINTS, keys):
        points.setdefault(declaration_id, []).append((fields[0], order, tuple(fields)))
    declarations: dict[int, list[tuple[int, Snapshot, list[Snapshot]]]] = {}
    for article_id, declaration_id, *fields in rows_in(cursor, _STORED_DECLARATIONS, keys):
        declared = [point for _, _, point in sorted(points.get(declaration_id, []))]
        signed = tuple(signer for _, signer in sorted(signers.get(declaration_id, [])))
        found = (*fields, signed, tuple(declared))
        declarations.setdefault(article_id, []).append((declaration_id, found, declared))
    stored: dict[int, tuple[Snapshot, list[Snapshot]]] = {}
    for article_id, *fields in rows_in(cursor, _STORED_ARTICLES, keys):
        published = sorted(declarations.get(article_id, []), key=lambda found: found[0])
        snapshot = (*fields, tuple(found for _, found, _ in published))
        stored[article_id] = (snapshot, [point for *_, declared in published for point in declared])
    return stored


def _slugs(parties: Iterable[Any]) -> str | None:
    return " ".join(sorted(party.slug for party in parties)) or None


def _held(attributions: Iterable[Attribution]) -> str | None:
    """Attributions as `_STORED_POINTS` and `_STORED_DECLARATIONS` give them back."""
    return " ".join(sorted(f"{held.party.slug}:{held.rule}" for held in attributions)) or None


def _sides(attributions: Iterable[Attribution]) -> str | None:
    """A document's parties as `_STORED_DECLARATIONS` gives them back, with each party's kind
    and allegiance: when the gazetteer changes those, the article is rewritten, and its
    parties' rows take the new facts, as a fresh load would give them."""
    return (
        " ".join(
            sorted(
                f"{held.party.slug}:{held.rule}:{held.party.kind}:"
                f"{held.party.state.slug if held.party.state else ''}:"
                f"{int(held.party.speaks_for_state)}"
                for held in attributions
            )
        )
        or None
    )


def _extracted(article: ArticleRecord) -> tuple[Snapshot, list[Snapshot]]:
    day = published_on(article)
    found = []
    points: list[Snapshot] = []
    for declaration in article.declarations:
        declared = [
            (p.ordinal, p.text, p.subject, p.label, _held(p.holders), _slugs(p.topics))
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
                _sides(declaration.sides),
                signers,
                tuple(declared),
            )
        )
    snapshot = (
        article.source.slug if article.source else None,
        article.headline,
        article.dateline_place,
        article.dateline_year,
        article.dateline_month,
        article.dateline_day,
        article.published_year,
        article.published_month,
        article.published_day,
        sql_value(day),
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


@dataclass
class _Batch:
    """What a batch's documents are compared with, read at its start and kept up to date as
    it writes: nothing else writes while the batch holds the write lock."""

    rows: dict[int, dict[str, Any]]
    """Each document's columns that extraction derives."""
    articles: dict[str, int | None]
    """fingerprint → the id of the article that has it, or None for none."""
    captures: dict[int, set[int]]
    """article → the documents that link to it."""
    stored: dict[int, tuple[Snapshot, list[Snapshot]]] = field(default_factory=dict)
    """article → what it holds (see `_stored`)."""

    @classmethod
    def read(cls, cursor: sqlite3.Cursor, work: list[tuple[_Document, Extracted]]) -> _Batch:
        keys = [str(document.id) for document, _ in work]
        query = f"SELECT id, {', '.join(_DOCUMENT_COLUMNS)} FROM documents WHERE id"
        rows = {
            int(row[0]): dict(zip(_DOCUMENT_COLUMNS, row[1:], strict=True))
            for row in rows_in(cursor, query, keys)
        }
        fingerprints = [
            found.article.fingerprint
            for _, found in work
            if isinstance(found, Extraction) and found.article is not None
        ]
        articles: dict[str, int | None] = dict.fromkeys(fingerprints)
        query = "SELECT fingerprint, id FROM articles WHERE fingerprint"
        articles.update((row[0], int(row[1])) for row in rows_in(cursor, query, fingerprints))
        wanted = {row["article_id"] for row in rows.values() if row["article_id"] is not None}
        wanted.update(found for found in articles.values() if found is not None)
        captures: dict[int, set[int]] = {article: set() for article in wanted}
        query = "SELECT article_id, id FROM documents WHERE article_id"
        for article, document in rows_in(cursor, query, [str(key) for key in wanted]):
            captures[int(article)].add(int(document))
        return cls(rows, articles, captures, _stored(cursor, wanted))

    def article(self, article_id: int) -> tuple[Snapshot, list[Snapshot]]:
        """What a stored article holds; a link to one that is not there (removed by hand
        with foreign keys off) fails the document that has it."""
        try:
            return self.stored[article_id]
        except KeyError:
            raise LookupError(f"article {article_id}, which it links to, is not stored") from None


def _update(cursor: sqlite3.Cursor, table: str, row_id: int, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id])


def _rewrite(
    writer: Writer,
    article_id: int,
    stored: tuple[Snapshot, list[Snapshot]],
    article: ArticleRecord,
) -> tuple[int, int, tuple[Snapshot, list[Snapshot]]]:
    """Bring a stored article in line with its new extraction: (articles, points) changed,
    and what it now holds."""
    wanted = _extracted(article)
    if stored[0] == wanted[0]:
        return 0, 0, stored
    if stored[0][:_DECLARATIONS] != wanted[0][:_DECLARATIONS]:
        # Only when they differ: rewriting the same headline and body reindexes them.
        values = writer.article_values(article)
        values["published_on"] = sql_value(values["published_on"])
        _update(writer.cursor, "articles", article_id, values)
    writer.cursor.execute("DELETE FROM declarations WHERE article_id = ?", [article_id])
    writer.insert_declarations(article_id, article.declarations)
    return 1, _points_changed(stored[1], wanted[1]), wanted


def rewrite_article(writer: Writer, article_id: int, article: ArticleRecord) -> None:
    """Bring a stored article in line with an extraction of it, writing only if they differ
    (as `reparse` does, for `forget`)."""
    _rewrite(writer, article_id, _stored(writer.cursor, [article_id])[article_id], article)


def _rewrite_in(
    batch: _Batch, writer: Writer, article_id: int, article: ArticleRecord
) -> tuple[int, int]:
    before = batch.article(article_id)
    articles, points, after = _rewrite(writer, article_id, before, article)
    if articles:
        batch.stored[article_id] = after
        batch.articles[before[0][_FINGERPRINT]] = None
        batch.articles[article.fingerprint] = article_id
    return articles, points


def _relink(
    batch: _Batch, writer: Writer, document_id: int, linked: int | None, article: ArticleRecord
) -> tuple[int, int, int]:
    """(article id, articles changed, points changed) for a document's new extraction."""
    existing = batch.articles[article.fingerprint]
    if existing is not None:
        owner = min([*batch.captures[existing], document_id])
        if owner != document_id:
            return existing, 0, 0
        return existing, *_rewrite_in(batch, writer, existing, article)
    if linked is not None and batch.captures[linked] == {document_id}:
        return linked, *_rewrite_in(batch, writer, linked, article)
    new_id = writer.insert_article(article)
    batch.articles[article.fingerprint] = new_id
    batch.captures[new_id] = set()
    batch.stored[new_id] = _extracted(article)
    return new_id, 1, sum(len(d.points) for d in article.declarations)


def _drop_if_orphaned(batch: _Batch, writer: Writer, article_id: int | None) -> tuple[int, int]:
    if article_id is None or batch.captures[article_id]:
        return 0, 0
    snapshot, stored_points = batch.article(article_id)
    del batch.stored[article_id]
    del batch.captures[article_id]
    batch.articles[snapshot[_FINGERPRINT]] = None
    writer.cursor.execute("DELETE FROM articles WHERE id = ?", [article_id])
    return 1, len(stored_points)


def _mark_failed(batch: _Batch, writer: Writer, document_id: int, reason: str) -> _Change:
    """Record why a document could not be redone; its stored rows stay as they were."""
    row = batch.rows[document_id]
    values = {"status": "failed", "error": reason, "extraction_version": EXTRACTION_VERSION}
    changed = (row["status"], row["error"]) != (values["status"], values["error"])
    if changed or row["extraction_version"] != EXTRACTION_VERSION:
        _update(writer.cursor, "documents", document_id, values)
        row.update(values)
    return _Change(document=changed, failed=True)


def _rewrite_document(
    batch: _Batch, writer: Writer, document_id: int, extraction: Extraction
) -> _Change:
    row = batch.rows[document_id]
    linked = row["article_id"]
    values = writer.document_values(extraction)
    articles_changed = points_changed = 0
    target = None
    if extraction.article is not None:
        target, articles_changed, points_changed = _relink(
            batch, writer, document_id, linked, extraction.article
        )
    values["article_id"] = target
    differing = {key for key, value in values.items() if row[key] != value}
    changed = bool(differing - _VERSION_ONLY)
    if differing:
        _update(writer.cursor, "documents", document_id, values)
        row.update(values)
    if linked != target:
        if linked is not None:
            batch.captures[linked].discard(document_id)
        if target is not None:
            batch.captures[target].add(document_id)
        dropped, dropped_points = _drop_if_orphaned(batch, writer, linked)
        articles_changed += dropped
        points_changed += dropped_points
    return _Change(changed, articles_changed, points_changed)


def _redo(batch: _Batch, writer: Writer, document_id: int, extracted: Extracted) -> _Change | None:
    """A document redone; None if it is no longer stored (forgotten since it was read)."""
    if document_id not in batch.rows:
        return None
    if isinstance(extracted, Failed):
        return _mark_failed(batch, writer, document_id, extracted.reason)
    return _rewrite_document(batch, writer, document_id, extracted)


def _extraction(extractor: Extractor, document: _Document) -> Extracted:
    try:
        return extractor(document.text, document.hints)
    except Exception as error:  # noqa: BLE001 - recorded on the document, never lost
        return Failed(failure_reason(error))


def _read(database: Path, last: int, *, stale: bool) -> Iterator[_Document]:
    """The documents up to id `last` (only the stale ones if `stale`), in id order, a few
    hundred per query."""
    query = (
        "SELECT id, raw_text, url, given_year, format FROM documents"
        f" WHERE id > ? AND id <= ? AND (? = 0 OR {STALE_DOCUMENTS}) ORDER BY id LIMIT ?"
    )
    after = 0
    with closing(connect(database, readonly=True)) as reading:
        while rows := reading.execute(
            query, [after, last, stale, EXTRACTION_VERSION, READ_SIZE]
        ).fetchall():
            for document_id, text, url, year, form in rows:
                hints = CaptureHints(url=url, published_year=year, format=form)
                yield _Document(int(document_id), text, hints)
            after = int(rows[-1][0])


def _job(document: _Document) -> Job:
    return Job("", document.text, document.hints)


class _Run:
    """The write side of a reparse: one transaction per batch, on one connection."""

    def __init__(self, database: Path, summary: ReparseSummary, on_failure: OnFailure) -> None:
        self._connection = write_connection(database)
        self._summary = summary
        self._on_failure = on_failure
        self.last_done = 0
        """The last document committed."""

    def close(self) -> None:
        """Give up the open transaction, if any, and the connection."""
        try:
            if self._connection.in_transaction:
                self._connection.rollback()
        except sqlite3.Error:  # closing undoes the transaction anyway
            pass
        finally:
            self._connection.close()

    def write(self, work: list[tuple[_Document, Extracted]], stopping: Callable[[], bool]) -> bool:
        """Redo these documents in one transaction and commit; false when a stop came
        first, having committed the documents done before it."""
        begin_immediate(self._connection, stopping)
        writer = Writer(self._connection)
        try:
            try:
                with writer.savepoint("batch"):
                    changes, done = self._together(writer, work, stopping)
            except TransactionLost:
                raise
            except Exception:  # noqa: BLE001 - found again below, and pinned on its document
                changes, done = self._alone(writer, work, stopping)
            self._connection.commit()
        except sqlite3.Error as error:  # after any of them, is the transaction still there?
            lost = lost_by(error, self._connection)
            if lost is None:
                raise
            raise lost from error
        for document_id, change in changes:
            self._account(document_id, change)
        return done

    @staticmethod
    def _together(
        writer: Writer, work: list[tuple[_Document, Extracted]], stopping: Callable[[], bool]
    ) -> tuple[list[tuple[int, _Change]], bool]:
        batch = _Batch.read(writer.cursor, work)
        changes: list[tuple[int, _Change]] = []
        for document, extracted in work:
            if stopping():
                return changes, False
            change = _redo(batch, writer, document.id, extracted)
            if change is not None:
                changes.append((document.id, change))
        return changes, True

    @staticmethod
    def _alone(
        writer: Writer, work: list[tuple[_Document, Extracted]], stopping: Callable[[], bool]
    ) -> tuple[list[tuple[int, _Change]], bool]:
        """The batch again, each document in a savepoint of its own; one whose rows cannot
        be written is marked failed, with the reason."""
        changes: list[tuple[int, _Change]] = []
        for document, extracted in work:
            if stopping():
                return changes, False
            writer.forget()
            try:
                with writer.savepoint("document"):
                    batch = _Batch.read(writer.cursor, [(document, extracted)])
                    change = _redo(batch, writer, document.id, extracted)
                if change is not None:
                    changes.append((document.id, change))
                continue
            except TransactionLost:
                raise
            except Exception as error:  # noqa: BLE001 - its rows are undone; the others go on
                reason = failure_reason(error)
            writer.forget()
            batch = _Batch.read(writer.cursor, [(document, extracted)])
            if document.id in batch.rows:
                changes.append((document.id, _mark_failed(batch, writer, document.id, reason)))
        return changes, True

    def _account(self, document_id: int, change: _Change) -> None:
        summary = self._summary
        self.last_done = document_id
        summary.documents += 1
        summary.documents_changed += change.document
        summary.articles_changed += change.articles
        summary.points_changed += change.points
        summary.failed += change.failed
        if change.failed:
            self._on_failure(document_id, "extraction failed; the document is kept")


def reparse(
    database: Path,
    on_failure: OnFailure,
    extractor: Extractor = extract,
    *,
    jobs: int = 1,
    workers_after: int = START_AFTER,
    batch_size: int = BATCH,
    stale: bool = False,
) -> ReparseSummary:
    """Redo extraction for every document (only those an older extraction made, if `stale`),
    `batch_size` documents per transaction, extracting in `jobs` worker processes past the
    first `workers_after` documents (as `seed` does).

    A failure of the database itself (a full disk, a damaged file) stops the run, with the
    open batch rolled back whole and none of its documents marked failed: the summary says
    so (`stopped`). Ctrl-C and SIGTERM take effect between two documents: what was committed
    stays, a batch being written is committed up to the document at hand (documents extracted
    and not yet written are left as they were), and the process then ends as the signal
    would have ended it."""
    summary = ReparseSummary()
    ahead: ExtractionAhead[_Document] = ExtractionAhead(extractor, jobs, start_after=workers_after)
    work: list[tuple[_Document, Extracted]] = []
    """The open batch."""
    run: _Run | None = None
    try:
        with signals_held() as stopping:
            try:
                with closing(connect(database, readonly=True)) as reading:
                    (last,) = reading.execute(
                        "SELECT coalesce(max(id), 0) FROM documents"
                    ).fetchone()
                run = _Run(database, summary, on_failure)
                for document, extracted in ahead.run(_read(database, int(last), stale=stale), _job):
                    if stopping():
                        break
                    work.append((document, extracted or _extraction(extractor, document)))
                    if len(work) >= batch_size:
                        going, work = run.write(work, stopping), []
                        if not going:
                            break
                else:
                    if work:
                        run.write(work, stopping)
            except (sqlite3.Error, TransactionLost) as error:
                lost = lost_by(error)
                if lost is None:
                    raise
                summary.stopped = lost.losing(_not_reparsed(work, run))
            finally:
                ahead.close(abandon=True)
                if run is not None:
                    run.close()
    finally:
        fold_log(database)
    return summary


def _not_reparsed(work: list[tuple[_Document, Extracted]], run: _Run | None) -> str:
    """What a stop cost: the open batch, or what was still to be read."""
    if work:
        return (
            f"document {work[0][0].id} and those after it were not reparsed"
            " (nothing of it was written)"
        )
    if run is not None and run.last_done:
        return f"the documents after document {run.last_done} were not reparsed"
    return "nothing was reparsed"
