"""Extraction in worker processes, running ahead of the one process that writes.

SQLite takes one writer at a time, so a load's speed is bounded by the writer only once
extraction (regular expressions over every paragraph, in pure Python) is moved off it. Large
loads therefore hand texts to a pool of worker processes in chunks and take the results back
strictly in input order, so that which capture of an article comes first, and so every id,
is the same as in a load without workers. A bounded number of chunks is in flight, which
keeps memory flat however large the input.

Small loads never start the pool: the first `START_AFTER` documents are extracted by the
writer itself, and the pool only pays for its start-up past that. Texts already stored are
not sent (the store would skip them anyway). A worker that dies or a result that cannot be
sent back is not an error of the document: its chunk goes back to the writer, which extracts
in-process from then on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from communique.db.database import open_connection, stored_documents
from communique.errors import failure_reason
from communique.extract.records import CaptureHints, Extraction

__all__ = [
    "CHUNK",
    "START_AFTER",
    "Extracted",
    "ExtractionAhead",
    "Extractor",
    "Failed",
    "Job",
    "default_jobs",
]

CHUNK = 32
"""Documents per task: enough to make the cost of passing work between processes small."""

START_AFTER = 256
"""Documents the writer extracts itself before a pool is worth starting."""

NICENESS = 10
"""How far workers step back from the writer when both want a core: the writer, which every
document passes through in turn, is what a load waits for, while the workers have work in hand
and make up for a slice lost to it by running when it waits."""

CHUNKS_IN_FLIGHT_PER_WORKER = 8
"""Enough work ahead that the workers go on while the writer is busy, as little as gives that:
what is in flight is held in memory."""

T = TypeVar("T")
Extractor = Callable[[str, CaptureHints], Extraction]


@dataclass(frozen=True)
class Failed:
    """Extraction raised in a worker; `reason` is the line the document is marked with."""

    reason: str


Extracted = Extraction | Failed


@dataclass(frozen=True)
class Job:
    """What a worker needs to extract one document."""

    sha256: str
    text: str
    hints: CaptureHints


def default_jobs() -> int:
    """One worker per core the process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_extractor: Extractor | None = None


def _install(extractor: Extractor) -> None:
    """Worker start-up: keep the extractor, yield the cores to the writer when it wants one
    (`NICENESS`), leave Ctrl-C to the writer (which stops the load and rolls its batch back),
    and end with the writer even if it is killed outright: the pool's own pipes would
    otherwise keep an orphaned worker waiting for ever."""
    global _extractor
    _extractor = extractor
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows: run as they are
        os.nice(NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    writer = multiprocessing.parent_process()
    if writer is not None:
        threading.Thread(target=_end_with, args=(writer.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _extract_chunk(jobs: list[tuple[str, CaptureHints]]) -> list[Extracted]:
    assert _extractor is not None
    results: list[Extracted] = []
    for text, hints in jobs:
        try:
            results.append(_extractor(text, hints))
        except Exception as error:  # noqa: BLE001 - reported with the document
            results.append(Failed(failure_reason(error)))
    return results


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one: workers start from a clean process that has
    imported the extraction code once, not from a copy of the writer and its connections."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["communique.extract"])
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class _Chunk(Generic[T]):
    items: list[T]
    jobs: list[Job | None]
    future: Future[list[Extracted]] | None = None


class ExtractionAhead(Generic[T]):
    """Pairs each item with its extraction, computed by workers, in the items' order.

    An item's extraction is None when the writer is to extract it itself: before the pool
    starts, when the item has nothing to extract, when its text is already stored, and
    after the pool has failed.
    """

    def __init__(
        self,
        extractor: Extractor,
        jobs: int,
        database: Path | None = None,
        *,
        start_after: int = START_AFTER,
    ) -> None:
        self._extractor = extractor
        self._jobs = jobs
        self._database = database
        self._start_after = start_after
        self._pool: ProcessPoolExecutor | None = None
        self._failed = jobs < 2 or not _picklable(extractor)
        self._stored: sqlite3.Connection | None = None

    def run(
        self, items: Iterable[T], job_of: Callable[[T], Job | None]
    ) -> Iterator[tuple[T, Extracted | None]]:
        pending: deque[_Chunk[T]] = deque()
        chunk: _Chunk[T] = _Chunk([], [])
        try:
            for seen, item in enumerate(items):
                if self._failed or (self._pool is None and seen < self._start_after):
                    yield from self._drain(pending, keep=0)
                    yield item, None
                    continue
                chunk.items.append(item)
                chunk.jobs.append(job_of(item))
                if len(chunk.items) >= CHUNK:
                    pending.append(self._submit(chunk))
                    chunk = _Chunk([], [])
                    yield from self._drain(pending, keep=self._jobs * CHUNKS_IN_FLIGHT_PER_WORKER)
            if chunk.items:
                pending.append(self._submit(chunk))
            yield from self._drain(pending, keep=0)
        except GeneratorExit:  # the load stopped early (Ctrl-C, an error): do not wait
            self.close(abandon=True)
            raise
        finally:
            self.close()

    def close(self, *, abandon: bool = False) -> None:
        """Stop the pool; `abandon` drops work not started and does not wait for the rest
        (a chunk in hand takes a worker a few milliseconds more)."""
        if self._pool is not None:
            self._pool.shutdown(wait=not abandon, cancel_futures=True)
            self._pool = None
        if self._stored is not None:
            self._stored.close()
            self._stored = None

    def _submit(self, chunk: _Chunk[T]) -> _Chunk[T]:
        if self._failed:
            return chunk
        stored = self._already_stored([job.sha256 for job in chunk.jobs if job is not None])
        wanted = [
            (job.text, job.hints)
            for job in chunk.jobs
            if job is not None and job.sha256 not in stored
        ]
        chunk.jobs = [
            job if job is not None and job.sha256 not in stored else None for job in chunk.jobs
        ]
        if wanted:
            try:
                chunk.future = self._start().submit(_extract_chunk, wanted)
            except RuntimeError:  # the pool broke earlier: the writer extracts from now on
                self._give_up()
        return chunk

    def _drain(self, pending: deque[_Chunk[T]], keep: int) -> Iterator[tuple[T, Extracted | None]]:
        while len(pending) > keep:
            chunk = pending.popleft()
            results = iter(self._results(chunk))
            for item, job in zip(chunk.items, chunk.jobs, strict=True):
                yield item, (next(results, None) if job is not None else None)

    def _results(self, chunk: _Chunk[T]) -> list[Extracted]:
        if chunk.future is None:
            return []
        try:
            return chunk.future.result()
        except (Exception, CancelledError):  # noqa: BLE001 - a dead worker: the writer extracts these itself
            self._give_up()
            return []

    def _give_up(self) -> None:
        self._failed = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self._jobs,
                mp_context=_context(),
                initializer=_install,
                initargs=(self._extractor,),
            )
        return self._pool

    def _already_stored(self, digests: list[str]) -> set[str]:
        """Of these texts, those the database already holds (committed), so not sent."""
        if self._database is None or not digests or not self._database.exists():
            return set()
        try:
            if self._stored is None:
                self._stored = open_connection(self._database, readonly=True)
            return set(stored_documents(self._stored.cursor(), digests))
        except sqlite3.Error:  # only a shortcut: the store checks every document again
            return set()


def _picklable(extractor: Extractor) -> bool:
    try:
        pickle.dumps(extractor)
    except Exception:  # noqa: BLE001 - a local function or lambda: extraction stays in-process
        return False
    return True
