"""Extraction in worker processes: the same rows as extraction in the writer, in the same
order, and a failing or dying worker costs no document."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from communique.db.migrate import bring_to_head
from communique.extract import CaptureHints, Extraction, extract
from communique.inputs.files import captures
from communique.load.seeding import SeedSummary, seed
from communique.load.workers import NICENESS, Extractor

from conftest import sql, write_variants

ROWS = (
    "SELECT id, origin, sha256, status, error, article_id FROM documents ORDER BY id",
    "SELECT id, headline, body, fingerprint FROM articles ORDER BY id",
    "SELECT id, article_id, kind, title FROM declarations ORDER BY id",
    "SELECT id, declaration_id, ordinal, text FROM declaration_points ORDER BY id",
    "SELECT point_id, party_id FROM point_parties ORDER BY point_id, party_id",
    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'cooperation' ORDER BY rowid",
)


def _texts(folder: Path, seed_text: str, count: int) -> Path:
    write_variants(folder, seed_text, count)
    # A repeat of the first text, far enough on to be extracted by a worker.
    (folder / "zzz-repeat.txt").write_bytes((folder / "00000.txt").read_bytes())
    return folder


def _load(db: Path, folder: Path, jobs: int, extractor: Extractor = extract) -> SeedSummary:
    bring_to_head(db, lambda _: None)
    failures: list[str] = []
    summary = seed(
        db,
        captures([str(folder)]),
        lambda _origin, message, _result: failures.append(message) if message else None,
        extractor,
        jobs=jobs,
        workers_after=5,
    )
    return summary


def _rows(db: Path) -> list[list[tuple[object, ...]]]:
    return [sql(db, statement) for statement in ROWS]


def test_workers_give_the_rows_the_writer_gives(tmp_path: Path, seed_text: str) -> None:
    folder = _texts(tmp_path / "texts", seed_text, 80)
    alone, together = tmp_path / "alone.db", tmp_path / "together.db"
    assert _load(alone, folder, jobs=1).line() == "80 added, 1 unchanged, 0 failed"
    assert _load(together, folder, jobs=2).line() == "80 added, 1 unchanged, 0 failed"
    assert _rows(together) == _rows(alone)
    assert sql(together, "SELECT count(*) FROM declaration_points") == [(80 * 7,)]


def marking_extractor(text: str, hints: CaptureHints) -> Extraction:
    """Says, as a warning of the document, whether a worker process extracted it."""
    found = extract(text, hints)
    if multiprocessing.parent_process() is None:
        return found
    return replace(found, warnings=(*found.warnings, "extracted in a worker"))


def _in_workers(db: Path) -> list[int]:
    rows = sql(db, "SELECT id FROM documents WHERE error = 'extracted in a worker' ORDER BY id")
    return [int(str(row[0])) for row in rows]


def test_past_the_first_documents_workers_extract(tmp_path: Path, seed_text: str) -> None:
    folder = _texts(tmp_path / "texts", seed_text, 40)
    db = tmp_path / "marked.db"
    _load(db, folder, jobs=2, extractor=marking_extractor)
    # The writer does the first five itself; the repeat at the end goes to a worker (its first
    # copy is not committed yet) but is then found stored by the writer and not written again.
    assert _in_workers(db) == list(range(6, 41))


def failing_extractor(text: str, hints: CaptureHints) -> Extraction:
    if "Copy 40 " in text:
        raise ValueError("no dateline in copy 40")
    return extract(text, hints)


@pytest.mark.slow
def test_a_failure_in_a_worker_is_recorded_with_its_document(
    tmp_path: Path, seed_text: str
) -> None:
    folder = _texts(tmp_path / "texts", seed_text, 60)
    db = tmp_path / "failing.db"
    summary = _load(db, folder, jobs=2, extractor=failing_extractor)
    assert summary.failed == [
        (str(folder / "00040.txt"), "extraction failed: ValueError: no dateline in copy 40")
    ]
    assert sql(
        db, "SELECT origin, status, error, article_id FROM documents WHERE status != 'parsed'"
    ) == [
        (
            str(folder / "00040.txt"),
            "failed",
            "extraction failed: ValueError: no dateline in copy 40",
            None,
        )
    ]
    assert sql(db, "SELECT count(*) FROM documents") == [(60,)]
    assert sql(db, "SELECT count(*) FROM articles") == [(59,)]


def dying_extractor(marker: Path, text: str, hints: CaptureHints) -> Extraction:
    """Kills the worker process that meets copy 50, leaving `marker` to show it did; the
    writer extracts that document fine."""
    if "Copy 50 " in text and multiprocessing.parent_process() is not None:
        marker.write_text("died", encoding="utf-8")
        os._exit(3)
    return marking_extractor(text, hints)


@pytest.mark.slow
def test_a_dead_worker_costs_no_document(tmp_path: Path, seed_text: str) -> None:
    folder = _texts(tmp_path / "texts", seed_text, 70)
    alone, dying, marker = tmp_path / "alone.db", tmp_path / "dying.db", tmp_path / "died"
    _load(alone, folder, jobs=1, extractor=marking_extractor)
    summary = _load(dying, folder, jobs=2, extractor=partial(dying_extractor, marker))
    assert marker.read_text(encoding="utf-8") == "died"
    assert (summary.added, summary.unchanged, summary.failed) == (70, 1, [])
    assert _rows(dying)[1:] == _rows(alone)[1:]  # all but the documents' worker marks
    # The chunk whose worker died (documents 38 to 69: chunks of 32 from the sixth) went
    # back to the writer whole; chunks finished before the death kept their results.
    assert set(_in_workers(dying)) & set(range(38, 70)) == set()


def counting_extractor(log: Path, text: str, hints: CaptureHints) -> Extraction:
    with log.open("a", encoding="utf-8") as out:
        out.write("extracted\n")
    return extract(text, hints)


def test_texts_already_stored_are_not_sent_to_workers(tmp_path: Path, seed_text: str) -> None:
    folder = _texts(tmp_path / "texts", seed_text, 40)
    db, log = tmp_path / "store.db", tmp_path / "extractions.log"
    _load(db, folder, jobs=1)
    summary = _load(db, folder, jobs=2, extractor=partial(counting_extractor, log))
    assert (summary.added, summary.unchanged) == (0, 41)
    # Every text is stored already: the writer finds the first five before it would extract
    # them, and the rest are never sent to a worker.
    assert not log.exists()


def niceness_extractor(text: str, hints: CaptureHints) -> Extraction:
    """Says, as a warning of the document, the priority of the process that extracted it."""
    return replace(extract(text, hints), warnings=(f"niceness {os.nice(0)}",))


def test_workers_step_back_from_the_writer(tmp_path: Path, seed_text: str) -> None:
    folder = _texts(tmp_path / "texts", seed_text, 40)
    db = tmp_path / "niceness.db"
    _load(db, folder, jobs=2, extractor=niceness_extractor)
    own = os.nice(0)
    workers = min(own + NICENESS, 19)  # the kernel's lowest priority is 19
    marks = sql(db, "SELECT error, count(*) FROM documents GROUP BY error ORDER BY count(*)")
    assert marks == [(f"niceness {own}", 5), (f"niceness {workers}", 35)]
