"""`communique reparse`: extraction redone over stored documents, in place and idempotently."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from functools import partial
from pathlib import Path

import pytest

from communique.db import migrate
from communique.db.database import write_connection
from communique.extract import CaptureHints, Extraction, extract
from communique.inputs.decoding import decode
from communique.load.reparse import ReparseSummary, reparse
from communique.load.store import Store
from communique.load.workers import Extractor

from conftest import RunCli, console_script, run_console, sql

SEED_HINTS = CaptureHints(
    url="https://www.globalsecurity.org/wmd/library/news/dprk/2000/dprk-000721.htm",
    published_year=2000,
)
DERIVED = (
    "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM declarations),"
    " (SELECT count(*) FROM declaration_points), (SELECT count(*) FROM point_parties),"
    " (SELECT count(*) FROM signatories), (SELECT count(*) FROM declaration_parties)"
)


@pytest.fixture
def migrated(db_path: Path) -> Iterator[Path]:
    migrate.upgrade(db_path)
    yield db_path


def _load(db: Path, text: str, extractor: Extractor, hints: CaptureHints = SEED_HINTS) -> None:
    Store(partial(write_connection, db), extractor).load("test", decode(text.encode()), hints)


def _reparse(db: Path, extractor: Extractor = extract) -> ReparseSummary:
    return reparse(db, lambda _document, _message: None, extractor)


def _without_declarations(text: str, hints: CaptureHints) -> Extraction:
    """What an older communique, which found no declarations, would have stored."""
    found = extract(text, hints)
    assert found.article is not None
    return dataclasses.replace(found, article=dataclasses.replace(found.article, declarations=()))


def test_reparse_of_a_fresh_load_changes_nothing(cli: RunCli, seeded: Path) -> None:
    before = sql(seeded, DERIVED)
    result = cli("reparse")
    assert result.exit_code == 0
    assert result.stdout == (
        "1 documents reparsed: 0 documents, 0 articles and 0 points changed, 0 failed\n"
    )
    assert sql(seeded, DERIVED) == before


def test_reparse_adds_what_an_older_extraction_missed(migrated: Path, seed_text: str) -> None:
    _load(migrated, seed_text, _without_declarations)
    assert sql(migrated, DERIVED) == [(1, 0, 0, 0, 0, 0)]
    summary = _reparse(migrated)
    assert (summary.documents_changed, summary.articles_changed, summary.points_changed) == (
        0,
        1,
        7,
    )
    assert sql(migrated, DERIVED) == [(1, 1, 7, 13, 2, 2)]
    assert _reparse(migrated).line() == (
        "1 documents reparsed: 0 documents, 0 articles and 0 points changed, 0 failed"
    )


def test_reparse_repairs_a_row_edited_by_hand(cli: RunCli, seeded: Path) -> None:
    with_points = "SELECT ordinal, text FROM declaration_points ORDER BY ordinal"
    original = sql(seeded, with_points)
    with sqlite3.connect(seeded) as connection:
        connection.execute("UPDATE declaration_points SET text = 'edited' WHERE ordinal = 4")
    result = cli("reparse")
    assert result.stdout == (
        "1 documents reparsed: 0 documents, 1 articles and 1 points changed, 0 failed\n"
    )
    assert sql(seeded, with_points) == original


def test_a_changed_fingerprint_rewrites_the_article_in_place(
    migrated: Path, seed_text: str
) -> None:
    def with_extra_words(text: str, hints: CaptureHints) -> Extraction:
        found = extract(text, hints)
        assert found.article is not None
        article = dataclasses.replace(
            found.article, body=found.article.body + "\n\nExtra.", fingerprint="0" * 64
        )
        return dataclasses.replace(found, article=article)

    _load(migrated, seed_text, with_extra_words)
    summary = _reparse(migrated)
    assert summary.articles_changed == 1
    assert sql(migrated, "SELECT id, body LIKE '%Extra.' FROM articles") == [(1, 0)]
    assert sql(migrated, "SELECT article_id FROM documents") == [(1,)]


def test_captures_that_now_agree_share_one_article(migrated: Path, seed_text: str) -> None:
    def distinct(text: str, hints: CaptureHints) -> Extraction:
        found = extract(text, hints)
        assert found.article is not None
        marker = "1" if "\n\n\n" in text else "2"
        article = dataclasses.replace(found.article, fingerprint=marker * 64)
        return dataclasses.replace(found, article=article)

    _load(migrated, seed_text, distinct)
    _load(migrated, seed_text.replace("\n\n", "\n\n\n"), distinct)
    assert sql(migrated, "SELECT count(*) FROM articles") == [(2,)]
    summary = _reparse(migrated)
    assert sql(migrated, "SELECT count(*) FROM articles") == [(1,)]
    assert sql(migrated, "SELECT id, article_id FROM documents ORDER BY id") == [(1, 1), (2, 1)]
    assert summary.articles_changed == 2  # one rewritten, one removed
    assert sql(migrated, DERIVED) == [(1, 1, 7, 13, 2, 2)]


def test_a_document_whose_extraction_now_fails_is_kept(migrated: Path, seed_text: str) -> None:
    _load(migrated, seed_text, extract)

    def broken(_text: str, _hints: CaptureHints) -> Extraction:
        raise ValueError("cannot read this\nsecond line")

    summary = _reparse(migrated, broken)
    assert (summary.failed, summary.documents_changed) == (1, 1)
    assert sql(migrated, "SELECT status, error, article_id FROM documents") == [
        ("failed", "extraction failed: ValueError: cannot read this", 1)
    ]
    assert sql(migrated, DERIVED) == [(1, 1, 7, 13, 2, 2)]
    repaired = _reparse(migrated)
    assert (repaired.failed, repaired.documents_changed) == (0, 1)
    assert sql(migrated, "SELECT status FROM documents") == [("parsed",)]


def test_a_document_that_cannot_be_rewritten_fails_alone(migrated: Path, seed_text: str) -> None:
    _load(migrated, seed_text, extract)
    other = seed_text.replace("July 21", "July 22").replace("Landmark", "Another")
    _load(migrated, other, extract, CaptureHints())

    def breaks_the_first(text: str, hints: CaptureHints) -> Extraction:
        found = extract(text, hints)
        assert found.article is not None
        if "July 21" in text:
            object.__setattr__(found.article.declarations[0].points[0], "ordinal", 0)
        else:
            object.__setattr__(found.article, "headline", "Rewritten")
        return found

    summary = _reparse(migrated, breaks_the_first)
    assert (summary.documents, summary.failed, summary.articles_changed) == (2, 1, 1)
    assert sql(migrated, "SELECT id, status FROM documents ORDER BY id") == [
        (1, "failed"),
        (2, "parsed"),
    ]
    assert sql(migrated, "SELECT headline FROM articles ORDER BY id") == [
        ("Landmark event in DPRK-Russia history",),
        ("Rewritten",),
    ]
    assert sql(migrated, "SELECT count(*) FROM declaration_points") == [(14,)]


def test_a_single_load_in_a_batch_of_one(migrated: Path, seed_text: str) -> None:
    result = Store(partial(write_connection, migrated), batch_size=1).load(
        "one", decode(seed_text.encode()), SEED_HINTS
    )
    assert (result.outcome.value, result.document_id) == ("added", 1)


NOTES = 8000
"""Short documents for `reparse` to run over: enough to keep it busy for most of a second
after its first batch commits (it redoes some 10,000 a second), and short enough that most of
its time goes to handing documents between processes and committing, where a signal could
land badly."""


def _stale(db: Path) -> int:
    """Documents whose stored error no longer matches their extraction."""
    return int(str(sql(db, "SELECT count(*) FROM documents WHERE error = 'stale'")[0][0]))


@pytest.mark.slow
def test_ctrl_c_and_sigterm_end_a_reparse_cleanly_at_any_moment(tmp_path: Path) -> None:
    """Ctrl-C and SIGTERM, sent at varied moments of a running `reparse`, end it exactly as
    they end `seed`: one line on stderr and status 1 or 143, with every document committed
    before the signal kept, none marked failed, and the file consistent."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(NOTES):
        (notes / f"{number:05}.txt").write_text(f"note number {number}\n", encoding="utf-8")
    db = tmp_path / "store.db"
    run_console("--db", str(db), "seed", "--quiet", str(notes))  # exits 1: no headlines
    assert sql(db, "SELECT count(*), count(error) FROM documents") == [(NOTES, NOTES)]
    wrong = []
    for run in range(16):
        with closing(sqlite3.connect(db)) as connection, connection:
            connection.execute("UPDATE documents SET error = 'stale'")
        process = subprocess.Popen(
            [str(console_script()), "--db", str(db), "reparse"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while _stale(db) == NOTES and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(run % 8 * 0.03)  # at varied moments of the work
        sent = signal.SIGINT if run % 2 == 0 else signal.SIGTERM
        process.send_signal(sent)
        _, stderr = process.communicate(timeout=60)
        # click writes a newline before "Aborted!", to end the line the terminal echoed ^C on
        expected = (1, "\nAborted!\n") if sent == signal.SIGINT else (143, "Terminated\n")
        if (process.returncode, stderr) != expected:
            wrong.append((run, sent.name, process.returncode, stderr))
        assert 0 < _stale(db) < NOTES
        assert sql(db, "SELECT count(*) FROM documents WHERE status = 'failed'") == [(0,)]
        with closing(sqlite3.connect(db)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert wrong == []
