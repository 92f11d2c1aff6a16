"""`communique reparse`: extraction redone over stored documents, in place and idempotently."""

from __future__ import annotations

import dataclasses
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from functools import partial
from pathlib import Path

import pytest

import reparse_reference
from communique.db import migrate
from communique.db.database import write_connection
from communique.db.migrate import write_engine
from communique.extract import CaptureHints, Extraction, extract
from communique.inputs.decoding import decode
from communique.load.reparse import ReparseSummary, reparse
from communique.load.store import Store
from communique.load.workers import Extractor

from conftest import (
    RunCli,
    assert_file_sound,
    console_script,
    run_console,
    sql,
    write_variants,
)

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


USER_TAXONOMY = """
[topics.user-peace]
name = "Peaceful intent (user)"
terms = ["purely peaceful"]
"""
"""A topic of the user's, matched by point 4 of the seed text alone."""

TOPICS_OF_POINT_4 = (
    "SELECT t.slug FROM point_topics pt JOIN topics t ON t.id = pt.topic_id"
    " JOIN declaration_points p ON p.id = pt.point_id WHERE p.ordinal = 4 ORDER BY t.slug"
)


@pytest.mark.parametrize("given", ["flag", "environment"])
def test_reparse_codes_topics_with_the_users_taxonomy(
    seeded: Path, tmp_path: Path, given: str
) -> None:
    """`reparse --taxonomy FILE` (or COMMUNIQUE_TAXONOMY) tags what is stored with the user's
    topics, as `seed --taxonomy` would have; run in a process of its own, as users run it."""
    taxonomy = tmp_path / "taxonomy.toml"
    taxonomy.write_text(USER_TAXONOMY, encoding="utf-8")
    assert sql(seeded, TOPICS_OF_POINT_4) == [("missiles",)]
    if given == "flag":
        result = run_console("--db", str(seeded), "reparse", "--taxonomy", str(taxonomy))
    else:
        env = {"COMMUNIQUE_TAXONOMY": str(taxonomy)}
        result = run_console("--db", str(seeded), "reparse", env=env)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "1 documents reparsed: 0 documents, 1 articles and 1 points changed, 0 failed\n"
    )
    assert sql(seeded, TOPICS_OF_POINT_4) == [("missiles",), ("user-peace",)]
    assert sql(seeded, "SELECT slug, name FROM topics WHERE slug = 'user-peace'") == [
        ("user-peace", "Peaceful intent (user)")
    ]


DAMAGE = (
    "UPDATE articles SET headline = 'edited ' || headline WHERE id % 7 = 0",
    "UPDATE articles SET body = body || ' more' WHERE id % 11 = 0",
    "UPDATE articles SET fingerprint = 'changed ' || id WHERE id % 13 = 0",
    "UPDATE declaration_points SET text = 'edited' WHERE id % 5 = 0",
    "DELETE FROM declarations WHERE article_id % 6 = 0",
    "DELETE FROM point_topics WHERE point_id % 3 = 0",
    "DELETE FROM point_parties WHERE point_id % 4 = 0",
    "DELETE FROM signatories WHERE id % 2 = 0",
    "UPDATE documents SET article_id = (SELECT max(id) FROM articles) WHERE id % 17 = 0",
    "UPDATE documents SET article_id = NULL WHERE id % 19 = 0",
    "UPDATE documents SET status = 'failed', error = 'old' WHERE id % 9 = 0",
    "UPDATE documents SET section = 'elsewhere', carrier_id = NULL WHERE id % 8 = 0",
    "DELETE FROM articles WHERE id % 10 = 0",
    "DELETE FROM articles WHERE id = (SELECT max(id) FROM articles)",
)
"""Rows changed by hand, with foreign keys on as communique keeps them: every kind of
difference `reparse` mends (an article edited, its declarations gone, a capture linked to
the wrong article or to none, an article removed, the highest ids freed)."""


def quirky(text: str, hints: CaptureHints) -> Extraction:
    """Extraction that fails for some captures, finds for others a point no row may hold
    (ordinal 0: the rewrite fails), and gives others a new fingerprint: the failures and the
    relinking a batch must pin on their documents as one document at a time did."""
    if "Copy 5 " in text or "Copy 23 " in text:
        raise ValueError(f"cannot read this ({len(text)} characters)")
    found = extract(text, hints)
    if found.article is None:
        return found
    if "Copy 12 " in text or "Copy 31 " in text:
        point = dataclasses.replace(found.article.declarations[0].points[0], ordinal=0)
        declaration = dataclasses.replace(found.article.declarations[0], points=(point,))
        article = dataclasses.replace(found.article, declarations=(declaration,))
        return dataclasses.replace(found, article=article)
    if "Copy 3" in text:  # 3, 30 to 39: a fingerprint those captures now share
        article = dataclasses.replace(found.article, fingerprint="3" * 64)
        return dataclasses.replace(found, article=article)
    return found


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the full-text indexes' own, ids included, without the
    time each document was received."""
    with closing(sqlite3.connect(db)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
                " AND name NOT LIKE 'sqlite%' ORDER BY name"
            )
        ]
        dump = {}
        for table in tables:
            columns = [
                row[1]
                for row in connection.execute(f"PRAGMA table_info({table})")
                if (table, row[1]) != ("documents", "received_at")
            ]
            order = ", ".join(str(number) for number in range(1, len(columns) + 1))
            query = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
            dump[table] = connection.execute(query).fetchall()
    return dump


@pytest.mark.parametrize("extractor", [extract, quirky], ids=["extract", "quirky"])
def test_batched_reparse_writes_the_rows_one_document_at_a_time_wrote(
    tmp_path: Path, seed_text: str, extractor: Extractor
) -> None:
    """The same rows, ids included, as `reparse` wrote when it redid one document per
    transaction (kept as `reparse_reference`), over captures of generated articles, later
    captures of some of them, and notes with no article, after rows were changed by hand:
    in batches small enough that articles and their captures fall in different batches, with
    extraction in worker processes."""
    captures = tmp_path / "captures"
    pages = write_variants(captures, seed_text, 40)
    for page in pages[::4]:  # later captures of the same articles
        text = page.read_text(encoding="utf-8").replace("\n\n", "\n\n\n")
        (captures / f"again-{page.name}").write_text(text, encoding="utf-8")
    for number in range(5):
        (captures / f"note-{number}.txt").write_text(f"note {number}\n", encoding="utf-8")
    db = tmp_path / "store.db"
    run_console("--db", str(db), "seed", "--quiet", str(captures))  # exits 1: the notes
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("PRAGMA foreign_keys = ON")
        for statement in DAMAGE:
            connection.execute(statement)
    expected_db, batched_db = tmp_path / "expected.db", tmp_path / "batched.db"
    shutil.copy(db, expected_db)
    shutil.copy(db, batched_db)
    engine = write_engine(expected_db)
    try:
        expected = reparse_reference.reparse(engine, lambda _document, _message: None, extractor)
    finally:
        engine.dispose()
    batched = reparse(
        batched_db,
        lambda _document, _message: None,
        extractor,
        jobs=2,
        workers_after=10,
        batch_size=7,
    )
    assert batched.line() == expected.line()
    assert expected.articles_changed > 0
    assert _dump(batched_db) == _dump(expected_db)
    assert_file_sound(batched_db)


def test_reparse_and_forget_run_without_sqlalchemy(seeded: Path) -> None:
    """The load pipeline writes with the standard library's sqlite3 alone: SQLAlchemy is for
    the models and migrations."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from communique.load import forget, reparse\n"
        f"summary = reparse.reparse(Path({str(seeded)!r}), print)\n"
        "assert summary.line().startswith('1 documents reparsed: 0 documents'), summary\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in"
        " ('sqlalchemy', 'alembic')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")
