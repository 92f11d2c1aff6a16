"""Writing captures to the database: each document's verbatim text, and what extraction found.

Documents are written in batches, one write transaction per batch. Every document gets its
row (the verbatim text and its sha256) whatever extraction made of it: when extraction fails,
the row is kept with status `failed` and the reason, and no derived row is written. A crash
before a batch commits leaves nothing of its documents at all, and no result is reported
before its commit.

Rows are written the way SQLite is fastest: a few hundred documents' rows are gathered table
by table, with ids given out under the write lock, and written with one executemany per
table, in a savepoint. Should any statement fail (a row a constraint refuses), the savepoint
is rolled back and those documents written again one at a time, each in a savepoint of its
own, so that the failure is pinned on its document and every other document is stored as if
nothing had happened. A failure no document causes (a full disk, an I/O error, a damaged
file, or any error after which SQLite has rolled the transaction back on its own) is pinned
on none: the batch is rolled back whole and the load stops (`TransactionLost`). Extraction
runs ahead in worker processes (see `workers`), or in the writing thread for what they have
not done; the full-text indexes catch up once per batch (`indexing`).
"""

from __future__ import annotations

import datetime as dt
import enum
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from typing import Any

from communique.db.database import (
    StoredDocument,
    as_lost,
    begin_immediate,
    lost_by,
    rows_in,
    stored_documents,
)
from communique.errors import TransactionLost, failure_reason
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
from communique.inputs.decoding import DecodedText
from communique.load.indexing import DeferredIndex
from communique.load.workers import Extracted, Extractor, Failed

__all__ = ["LoadResult", "Outcome", "Store", "Writer", "document_status"]

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
def _insert_sql(table: str, columns: tuple[str, ...], tail: str = "") -> str:
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

    def _upsert(self, table: str, slug: str, values: Mapping[str, object]) -> int:
        """The id of the row with this slug, inserting it first when new. Existing rows are
        left as they are: a user may have corrected a name by hand."""
        key = (table, slug)
        if key in self._ids:
            return self._ids[key]
        columns = ("slug", *values)
        self.cursor.execute(
            _insert_sql(table, columns, "ON CONFLICT (slug) DO NOTHING"),
            [slug, *values.values()],
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
        values["published_on"] = _sql_value(values["published_on"])
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
        for party in declaration.parties:
            self._stage(
                declaration_parties,
                {"declaration_id": declaration_id, "party_id": self.party_id(party)},
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
            for party in point.parties:
                self._stage(point_parties, {"point_id": point_id, "party_id": self.party_id(party)})
            for topic in point.topics:
                self._stage(point_topics, {"point_id": point_id, "topic_id": self.topic_id(topic)})


class _Interrupted(Exception):
    """The load was given up while the writing thread was at work."""


@dataclass
class _Item:
    """A document waiting in the open batch."""

    origin: str
    decoded: DecodedText
    hints: CaptureHints
    extracted: Extracted | None


class Store:
    """Loads decoded captures into one database, many documents per transaction.

    One thread of its own does all the database work, so that reading the inputs and
    taking extractions back from the workers go on while SQLite writes (it lets go of the
    interpreter while it works). Documents are handed to it `write_size` at a time; it
    extracts what no worker has, and writes them together. The transaction commits once it
    holds `batch_size` documents or `batch_seconds` have passed since its first, and only
    then are its results handed back: nothing is reported stored that is not. Writing in
    smaller steps than committing keeps memory flat (written rows wait in SQLite's cache,
    not as Python objects), while each commit, and each segment of the full-text indexes,
    covers many documents.
    """

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        extractor: Extractor = extract,
        *,
        batch_size: int = 5000,
        batch_seconds: float = 2.0,
        write_size: int = 250,
    ) -> None:
        self._connect = connect
        self._extract = extractor
        self._batch_size = batch_size
        self._batch_seconds = batch_seconds
        self._write_size = min(write_size, batch_size)
        # The caller's side.
        self._pending: list[_Item] = []
        self._batch_started: float | None = None
        self._in_batch = 0
        self._thread: threading.Thread | None = None
        self._tasks: queue.Queue[tuple[list[_Item], bool] | None] = queue.Queue(maxsize=1)
        self._results: queue.Queue[list[tuple[str, LoadResult]]] = queue.Queue()
        self._failure: BaseException | None = None
        self._abort = threading.Event()
        self._lock = threading.Lock()
        """Held while the open transaction's connection is set up, committed or closed, so
        that `close` interrupts only a live connection, and never a commit under way."""
        self._live: sqlite3.Connection | None = None
        # The writing thread's side.
        self._connection: sqlite3.Connection | None = None
        self._writer: Writer | None = None
        self._index: DeferredIndex | None = None
        self._written: list[tuple[str, LoadResult]] = []

    def load(self, origin: str, decoded: DecodedText, hints: CaptureHints) -> LoadResult:
        """Load one document in a transaction of its own."""
        try:
            committed = [*self.add(origin, decoded, hints), *self.flush()]
        finally:
            self._stop()
        ((_, result),) = committed
        return result

    def add(
        self,
        origin: str,
        decoded: DecodedText,
        hints: CaptureHints,
        extracted: Extracted | None = None,
    ) -> list[tuple[str, LoadResult]]:
        """Add a document to the open batch; returns the results committed so far, if any.
        `extracted` is its extraction when a worker has done it already."""
        if self._batch_started is None:
            self._batch_started = time.monotonic()
        self._pending.append(_Item(origin, decoded, hints, extracted))
        self._in_batch += 1
        due = (
            self._in_batch >= self._batch_size
            or time.monotonic() - self._batch_started >= self._batch_seconds
        )
        if due or len(self._pending) >= self._write_size:
            self._send(commit=due)
        return self._committed()

    def flush(self) -> list[tuple[str, LoadResult]]:
        """Write and commit the open batch; returns every result not handed back yet."""
        self._send(commit=True)
        self._tasks.join()
        return self._committed()

    def close(self) -> None:
        """Give up the open batch (after an interruption): none of its rows stay. A commit
        already under way completes, whole."""
        self._pending = []
        if self._thread is None:
            return
        self._abort.set()
        with self._lock:
            if self._live is not None:
                self._live.interrupt()  # the one call SQLite takes from any thread
        while True:  # make room for the stop, dropping what was not begun
            try:
                self._tasks.get_nowait()
                self._tasks.task_done()
            except queue.Empty:
                break
        self._stop()

    def committed(self) -> list[tuple[str, LoadResult]]:
        """The results of batches committed and not handed back yet, without raising what
        stopped the writing thread: for a caller that gives up and accounts for what was
        stored all the same."""
        results: list[tuple[str, LoadResult]] = []
        while not self._results.empty():  # this thread is the only one that takes from it
            results.extend(self._results.get_nowait())
        return results

    def _stop(self) -> None:
        """End the writing thread once it has done what it was given; an open batch is rolled
        back."""
        if self._thread is not None:
            self._tasks.put(None)
            self._thread.join()
            self._thread = None

    def _send(self, *, commit: bool) -> None:
        items, self._pending = self._pending, []
        if commit:
            self._batch_started, self._in_batch = None, 0
        if self._thread is None:
            self._failure = None
            self._abort.clear()
            self._thread = threading.Thread(target=self._run, name="communique-writer", daemon=True)
            self._thread.start()
        self._check()
        self._tasks.put((items, commit))  # waits while the writer is a step behind

    def _committed(self) -> list[tuple[str, LoadResult]]:
        self._check()
        return self.committed()

    def _check(self) -> None:
        """Raise here, and at every call after, what stopped the writing thread (a database
        that cannot be written, say); its open batch is rolled back, and it writes no more."""
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        """The writing thread: write each step handed over, committing when asked to."""
        while True:
            task = self._tasks.get()
            try:
                if task is None:
                    return
                items, commit = task
                if self._abort.is_set() or self._failure is not None:
                    continue
                if items:
                    self._write_items(items)
                if commit:
                    self._results.put(self._commit())
            except BaseException as error:  # noqa: BLE001 - raised again on the caller's side
                if self._failure is None:
                    self._failure = error
            finally:
                if task is None or self._failure is not None or self._abort.is_set():
                    self._rollback()
                self._tasks.task_done()

    def _rollback(self) -> None:
        """Give up the open transaction, if any; a connection already broken is let go."""
        with self._lock:
            connection, self._connection, self._writer = self._connection, None, None
            self._index, self._live, self._written = None, None, []
            if connection is not None:
                try:
                    connection.rollback()
                except Exception:  # noqa: BLE001 - closing it undoes the transaction anyway
                    pass
                finally:
                    connection.close()

    def _begin(self) -> Writer:
        if self._writer is None:
            with self._lock:
                if self._abort.is_set():
                    raise _Interrupted
                connection = self._connection = self._live = self._connect()
            try:  # the write lock now, not at the first row
                begin_immediate(connection, self._abort.is_set)
            except sqlite3.OperationalError:
                if self._abort.is_set():
                    raise _Interrupted from None
                raise
            self._writer = writer = Writer(connection)
            self._index = DeferredIndex.hold(writer.cursor)
        return self._writer

    def _write_items(self, items: list[_Item]) -> None:
        try:
            self._extract_ahead(items)
            results = self._write(self._begin(), items)
        except Exception as error:
            began = self._writer is not None  # else the transaction never began
            lost = lost_by(error, self._connection if began else None)
            if lost is None:
                raise
            raise self._batch_lost(lost, len(self._written) + len(items)) from error
        self._written.extend(
            (item.origin, result) for item, result in zip(items, results, strict=True)
        )

    @staticmethod
    def _batch_lost(lost: TransactionLost, documents: int) -> TransactionLost:
        """The load stops: the open batch is rolled back whole, its documents were reported
        neither stored nor failed, and the next batch would most likely fail the same way."""
        return lost.losing(f"nothing of this batch ({documents} documents) was stored")

    def _commit(self) -> list[tuple[str, LoadResult]]:
        connection, writer, index, written = (
            self._connection,
            self._writer,
            self._index,
            self._written,
        )
        if connection is None or writer is None or index is None:
            self._written = []
            return written
        with self._lock:  # once begun, a commit completes: `close` waits for it
            self._connection, self._writer, self._index, self._written = None, None, None, []
            self._live = None
            try:
                if self._abort.is_set():
                    raise _Interrupted
                index.catch_up(writer.cursor)
                connection.commit()
            except _Interrupted:
                connection.rollback()
                raise
            except sqlite3.Error as error:  # whatever the error, this batch is lost
                with suppress(sqlite3.Error):  # gone already if SQLite rolled it back
                    connection.rollback()
                raise self._batch_lost(as_lost(error), len(written)) from error
            finally:
                connection.close()
        return written

    def _extract_ahead(self, items: list[_Item]) -> None:
        """Extract what no worker has, skipping texts the database already holds (the writer
        checks every text again as it writes)."""
        missing = [item for item in items if item.extracted is None]
        if not missing:
            return
        stored = self._stored([item.decoded.sha256 for item in missing])
        for item in missing:
            if self._abort.is_set():
                raise _Interrupted
            if item.decoded.sha256 not in stored:
                item.extracted = self._extraction(item.decoded.text, item.hints)

    def _stored(self, digests: list[str]) -> set[str]:
        """Of these texts, those stored: as the open transaction sees them, or, before one
        is open, as committed (without taking the write lock to extract)."""
        if self._writer is not None:
            return set(stored_documents(self._writer.cursor, digests))
        try:
            connection = self._connect()
        except sqlite3.Error:
            return set()
        try:
            return set(stored_documents(connection.cursor(), digests))
        except sqlite3.Error:  # only a shortcut: every text is checked again as it is written
            return set()
        finally:
            connection.close()

    def _extraction(self, text: str, hints: CaptureHints) -> Extracted:
        try:
            return self._extract(text, hints)
        except Exception as error:  # noqa: BLE001 - recorded with the document
            return Failed(failure_reason(error))

    def _write(self, writer: Writer, items: list[_Item]) -> list[LoadResult]:
        """Write these documents together; if that fails, one at a time."""
        writer.look_up(
            [item.decoded.sha256 for item in items],
            [
                item.extracted.article.fingerprint
                for item in items
                if isinstance(item.extracted, Extraction) and item.extracted.article is not None
            ],
        )
        try:
            with writer.savepoint("batch"):
                results = [self._stage(writer, item) for item in items]
                writer.write()
            return results
        except TransactionLost:
            raise
        except Exception:  # noqa: BLE001 - found again below, and pinned on its document
            writer.forget()
            if self._abort.is_set():
                raise _Interrupted from None
        return [self._write_alone(writer, item) for item in items]

    def _write_alone(self, writer: Writer, item: _Item) -> LoadResult:
        try:
            with writer.savepoint("document"):
                result = self._stage(writer, item)
                writer.write()
            return result
        except TransactionLost:
            raise
        except Exception as error:  # noqa: BLE001 - kept as failed below, with the reason
            writer.forget()
            if self._abort.is_set():
                raise _Interrupted from None
            reason = failure_reason(error)
        try:
            with writer.savepoint("document"):
                document_id = writer.stage_document(self._document(item, "failed", reason))
                writer.write()
            return LoadResult(Outcome.FAILED, document_id=document_id, reason=reason)
        except TransactionLost:
            raise
        except Exception as error:  # noqa: BLE001 - the document itself could not be stored
            writer.forget()
            if self._abort.is_set():
                raise _Interrupted from None
            reason = f"not stored: {failure_reason(error).removeprefix('extraction failed: ')}"
            return LoadResult(Outcome.FAILED, reason=reason)

    def _stage(self, writer: Writer, item: _Item) -> LoadResult:
        existing = writer.stored_document(item.decoded.sha256)
        if existing is not None:
            return _unchanged(*existing)
        extraction = item.extracted
        if extraction is None:  # stored when extraction began, gone since (rolled back)
            extraction = item.extracted = self._extraction(item.decoded.text, item.hints)
        if isinstance(extraction, Failed):
            values = self._document(item, "failed", extraction.reason)
            document_id = writer.stage_document(values)
            return LoadResult(Outcome.FAILED, document_id=document_id, reason=extraction.reason)
        article_id, joined = None, False
        if extraction.article is not None:
            article_id = writer.existing_article(extraction.article.fingerprint)
            joined = article_id is not None
            if article_id is None:
                article_id = writer.stage_article(extraction.article)
        values = self._document(item, "failed", None)
        values.update(article_id=article_id, **writer.document_values(extraction))
        document_id = writer.stage_document(values)
        if extraction.no_text:
            return LoadResult(Outcome.ADDED, document_id, no_text=True)
        warnings = extraction.warnings
        if not extraction.recognised:
            reason = f"no headline or dateline recognised; kept as document {document_id}"
            return LoadResult(Outcome.FAILED, document_id, article_id, reason, warnings)
        return LoadResult(Outcome.ADDED, document_id, article_id, None, warnings, joined)

    @staticmethod
    def _document(item: _Item, status: str, error: str | None) -> dict[str, Any]:
        """A document's row; status, error and the extracted columns are set by the caller."""
        return {
            "origin": item.origin,
            "url": item.hints.url,
            "sha256": item.decoded.sha256,
            "raw_text": item.decoded.text,
            "encoding": item.decoded.encoding,
            "format": item.hints.format,
            "given_year": item.hints.published_year,
            "received_at": _sql_value(dt.datetime.now(dt.UTC).replace(tzinfo=None)),
            "status": status,
            "error": error,
            "article_id": None,
            "carrier_id": None,
            "distributor_id": None,
            "section": None,
        }
