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
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from communique.db.database import (
    as_lost,
    begin_immediate,
    lost_by,
    stored_documents,
)
from communique.errors import TransactionLost, failure_reason
from communique.extract import extract
from communique.extract.records import (
    EXTRACTION_VERSION,
    CaptureHints,
    Extraction,
)
from communique.inputs.decoding import DecodedText
from communique.load.indexing import DeferredIndex
from communique.load.rows import Writer, sql_value
from communique.load.workers import Extracted, Extractor, Failed

__all__ = ["LoadResult", "Outcome", "Store"]


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


def _unchanged(document_id: int, status: str, error: str | None) -> LoadResult:
    """Already stored; a document that did not load cleanly the first time says so again."""
    warnings: tuple[str, ...] = ()
    if status in ("failed", "incomplete"):
        warnings = (f"already stored as document {document_id}, {status}: {error}",)
    return LoadResult(Outcome.UNCHANGED, document_id=document_id, warnings=warnings)


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
            "received_at": sql_value(dt.datetime.now(dt.UTC).replace(tzinfo=None)),
            "status": status,
            "error": error,
            "extraction_version": EXTRACTION_VERSION,
            "article_id": None,
            "carrier_id": None,
            "distributor_id": None,
            "section": None,
        }
