"""Loading a set of inputs and accounting for each: what `communique seed` does.

Every input is decoded and stored whole or not at all; one that fails is reported and the
rest go on. Results are reported as their batch commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from communique.errors import InputRefused, TransactionLost
from communique.extract import extract
from communique.extract.records import CaptureHints
from communique.inputs.decoding import DecodedText, decode
from communique.inputs.files import Capture, InputProblem
from communique.load.store import LoadResult, Outcome, Store
from communique.load.workers import START_AFTER, ExtractionAhead, Extractor, Job

__all__ = ["OnResult", "SeedSummary", "seed"]

_T = TypeVar("_T")

OnResult = Callable[[str, str, LoadResult | None], None]
"""Told of each input as it is done: its origin, a message (warning or failure) and the result
(None when the input was refused before it reached the store)."""


@dataclass
class SeedSummary:
    added: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    joined: int = 0
    """Of the added documents, those that were new captures of an article already stored."""
    no_text: int = 0
    """Of the added documents, those that carried no article text (photo or video records)."""
    stopped: TransactionLost | None = None
    """What stopped the load before its end, losing the open batch (a full disk, say)."""

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    def line(self) -> str:
        details = [
            f"{self.joined} joined an existing article" if self.joined else "",
            f"{self.no_text} with no text" if self.no_text else "",
        ]
        detail = ", ".join(part for part in details if part)
        added = f"{self.added} added ({detail})" if detail else f"{self.added} added"
        return f"{added}, {self.unchanged} unchanged, {len(self.failed)} failed"


def _read(capture: Capture) -> bytes:
    try:
        return capture.read()
    except OSError as error:
        raise InputRefused(f"cannot read: {error.strerror or error}") from None


@dataclass(frozen=True)
class _Ready:
    """An input read and decoded, waiting for the store."""

    origin: str
    decoded: DecodedText
    hints: CaptureHints
    size: int


@dataclass(frozen=True)
class _Refused:
    origin: str
    reason: str


def _prepared(inputs: Iterable[Capture | InputProblem]) -> Iterator[_Ready | _Refused]:
    for item in inputs:
        if isinstance(item, InputProblem):
            yield _Refused(item.origin, item.reason)
            continue
        try:
            data = _read(item)
            decoded = decode(data)
        except InputRefused as refused:
            yield _Refused(item.origin, str(refused))
            continue
        yield _Ready(item.origin, decoded, item.hints, len(data))


def _job(item: _Ready | _Refused) -> Job | None:
    if isinstance(item, _Refused):
        return None
    return Job(item.decoded.sha256, item.decoded.text, item.hints)


def _kept_on_failure(
    items: Iterator[_T],
    store: Store,
    account: Callable[[list[tuple[str, LoadResult]]], None],
) -> Iterator[_T]:
    """The items, but if reading the inputs breaks unexpectedly (a reader's bug, not a bad
    input, which is reported and passed over), the documents already loaded are whole: they
    are committed and accounted for before the error goes on to the user."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception:
            account(store.flush())
            raise
        yield item


def seed(
    database: Path,
    inputs: Iterable[Capture | InputProblem],
    on_result: OnResult,
    extractor: Extractor = extract,
    progress: Callable[[int], None] | None = None,
    *,
    jobs: int = 1,
    workers_after: int = START_AFTER,
) -> SeedSummary:
    """Load every input, each document whole or not at all. `progress` is told how many
    bytes of input each document took, for a progress bar. With `jobs` above 1, loads of
    more than `workers_after` documents extract in that many worker processes. A failure of
    the database itself (a full disk) stops the load: the summary says so (`stopped`), and
    accounts for the batches committed before it."""
    from communique.db.database import connect, fold_log, write_connection
    from communique.load.indexing import indexed_rows, merge_if_mostly_new

    with closing(connect(database, readonly=True)) as reading:
        before = indexed_rows(reading.cursor())
    summary = SeedSummary()
    store = Store(partial(write_connection, database), extractor)
    ahead: ExtractionAhead[_Ready | _Refused] = ExtractionAhead(
        extractor, jobs, database, start_after=workers_after
    )

    def account(results: list[tuple[str, LoadResult]]) -> None:
        for origin, result in results:
            if result.outcome is Outcome.ADDED:
                summary.added += 1
                summary.joined += result.joined
                summary.no_text += result.no_text
            elif result.outcome is Outcome.UNCHANGED:
                summary.unchanged += 1
            else:
                summary.failed.append((origin, result.reason or "failed"))
            on_result(origin, result.reason or "; ".join(result.warnings), result)

    try:
        for item, extracted in _kept_on_failure(ahead.run(_prepared(inputs), _job), store, account):
            if isinstance(item, _Refused):
                summary.failed.append((item.origin, item.reason))
                on_result(item.origin, item.reason, None)
                continue
            account(store.add(item.origin, item.decoded, item.hints, extracted))
            if progress is not None:
                progress(item.size)
        account(store.flush())
        # Only a gain for later searches: a file kept busy by another writer is left as it is.
        with suppress(sqlite3.OperationalError), closing(write_connection(database)) as writing:
            merge_if_mostly_new(writing, before)
    except BaseException as error:
        # The open batch holds the write lock: give it up before anything else, then account
        # for the batches committed before it.
        store.close()
        ahead.close(abandon=True)
        account(store.committed())
        if not isinstance(error, TransactionLost):
            raise
        summary.stopped = error
    finally:
        try:
            store.close()
            ahead.close()
        finally:
            fold_log(database)
    return summary
