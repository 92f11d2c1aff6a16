"""Bad input: each case fails with exit 1 and one line naming the path and the reason, never a
traceback, and never leaves a half-written row."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import pytest

from communique.db.database import write_connection
from communique.errors import TransactionLost
from communique.extract import CaptureHints, Extraction, extract
from communique.inputs.decoding import decode
from communique.load.indexing import DeferredIndex
from communique.load.store import Outcome, Store

from conftest import RunCli, sql, write_variants


def _counts(db: Path) -> list[tuple[object, ...]]:
    return sql(
        db,
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles),"
        " (SELECT count(*) FROM declarations), (SELECT count(*) FROM declaration_points)",
    )


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("communique: creating")]


def test_missing_path(cli: RunCli, db_path: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    result = cli("seed", str(missing))
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == [f"error: {missing}: no such file or directory"]
    assert result.stdout == "0 added, 0 unchanged, 1 failed\n"
    assert _counts(db_path) == [(0, 0, 0, 0)]


def test_directory_without_text_files(cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "empty-folder"
    folder.mkdir()
    (folder / "page.html").write_text("<html></html>", encoding="utf-8")
    result = cli("seed", str(folder))
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == [
        f"error: {folder}: directory holds no *.txt, *.json or *.jsonl file"
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n  ", "contains only whitespace"),
        (b"Headline\n\nPyongyang\x00\x01\x02 binary", "binary file (contains NUL bytes), not text"),
        (
            b"caf\xc3 \x81\x8d",
            "not UTF-8 or Windows-1252 text (byte 0xc3 at offset 3); convert it to UTF-8 first",
        ),
    ],
    ids=["empty", "whitespace", "binary", "undecodable"],
)
def test_refused_inputs_are_not_stored(
    cli: RunCli, db_path: Path, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = cli("seed", str(path))
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == [f"error: {path}: {reason}"]
    assert "Traceback" not in result.output
    assert _counts(db_path) == [(0, 0, 0, 0)]


def test_cp1252_text_is_decoded_and_its_encoding_recorded(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    text = seed_text.replace("Worker's Party", "Worker\u2019s Party")
    raw = text.encode("cp1252")
    path = tmp_path / "smart-quotes.txt"
    path.write_bytes(raw)
    result = cli("seed", str(path))
    assert result.exit_code == 0, result.output
    (stored,) = sql(db_path, "SELECT raw_text, encoding FROM documents")
    assert stored == (text, "cp1252")
    assert stored[0].encode("cp1252") == raw
    ((lead,),) = sql(db_path, "SELECT lead FROM articles")
    assert isinstance(lead, str)
    assert "Worker\u2019s Party" in lead


def test_text_without_headline_or_dateline_is_kept_with_a_warning(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("just some words without any structure at all\n", encoding="utf-8")
    result = cli("seed", str(path))
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == [
        f"error: {path}: no headline or dateline recognised; kept as document 1"
    ]
    assert sql(db_path, "SELECT status, error, article_id FROM documents") == [
        ("incomplete", "no headline found; no dateline found", 1)
    ]
    assert sql(
        db_path, "SELECT headline, dateline_place, source_id, published_on, body FROM articles"
    ) == [(None, None, None, None, "just some words without any structure at all")]


def test_text_without_dateline_keeps_its_headline_and_nulls(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("A plain headline\n\nFirst paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    result = cli("seed", str(path))
    assert result.exit_code == 0
    assert _error_lines(result.stderr) == [f"warning: {path}: no dateline found"]
    assert sql(
        db_path,
        "SELECT headline, dateline_place, source_id, published_year, published_month,"
        " published_on, lead, body FROM articles",
    ) == [
        (
            "A plain headline",
            None,
            None,
            None,
            None,
            None,
            "First paragraph.",
            "First paragraph.\n\nSecond paragraph.",
        )
    ]
    assert sql(db_path, "SELECT status, error FROM documents") == [
        ("incomplete", "no dateline found")
    ]


def test_good_inputs_in_the_same_run_still_load(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(seed_text, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    result = cli("seed", str(bad), str(good), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert result.stdout == "1 added, 0 unchanged, 2 failed\n"
    assert _counts(db_path) == [(1, 1, 1, 7)]


def _with_a_refused_point(found: Extraction) -> Extraction:
    """The extraction with a point SQLite refuses, half-way through the document's rows."""
    assert found.article is not None
    point = found.article.declarations[0].points[0]
    object.__setattr__(point, "ordinal", 0)  # violates the ordinal >= 1 check
    return found


def test_a_failing_extraction_keeps_the_document_and_no_derived_row(
    db_path: Path, cli: RunCli, seed_text: str
) -> None:
    """A row refused half-way undoes every derived row of its document, which is kept."""
    assert cli("db", "upgrade").exit_code == 0

    def breaks_after_points(text: str, hints: CaptureHints) -> Extraction:
        return _with_a_refused_point(extract(text, hints))

    result = Store(partial(write_connection, db_path), breaks_after_points).load(
        "broken.txt", decode(seed_text.encode()), CaptureHints()
    )
    assert result.outcome is Outcome.FAILED
    assert result.reason is not None and "CHECK constraint failed" in result.reason
    assert _counts(db_path) == [(1, 0, 0, 0)]
    assert sql(db_path, "SELECT status, article_id, carrier_id FROM documents") == [
        ("failed", None, None)
    ]
    assert sql(db_path, "SELECT count(*) FROM sources") == [(0,)]


def test_unexpected_errors_are_one_line_without_verbose(cli: RunCli, db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database file at all" * 100)
    result = cli("articles")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "file is not a database" in result.stderr


def test_a_path_with_url_characters_names_exactly_that_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from communique.cli import main

    odd = tmp_path / "we?ird%41.db"
    result = CliRunner().invoke(main, ["--db", str(odd), "seed"])
    assert result.exit_code == 0, result.output
    assert odd.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["we?ird%41.db"]
    assert sql(odd, "SELECT count(*) FROM declaration_points") == [(7,)]


def test_someone_elses_database_is_refused_untouched(cli: RunCli, db_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE sources (x)")
    before = db_path.read_bytes()
    for command in (["articles"], ["seed"], ["query", "select 1"]):
        result = cli(*command)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {db_path}: not a communique database (it holds other tables);"
            " name another file with --db\n"
        )
    assert db_path.read_bytes() == before


def test_a_database_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from communique.cli import main

    target = tmp_path / "no" / "such" / "x.db"
    result = CliRunner().invoke(main, ["--db", str(target), "seed"])
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: {target}: cannot create it, {target.parent} is not a directory\n"
    )


def test_a_broken_manifest_fails_its_folder_only(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "a.txt").write_text(seed_text, encoding="utf-8")
    (bad / "b.txt").write_text(seed_text.replace("July 21", "July 22"), encoding="utf-8")
    (bad / "manifest.toml").write_text("[oops\n", encoding="utf-8")
    result = cli("seed", str(good), str(bad))
    assert result.exit_code == 1
    assert result.stdout == "1 added, 0 unchanged, 1 failed\n"
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: {bad / 'manifest.toml'}: unreadable manifest:")
    assert sql(db_path, "SELECT count(*) FROM documents") == [(1,)]


def test_reloading_a_document_that_did_not_load_cleanly_says_so(
    cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("just some words without any structure at all\n", encoding="utf-8")
    assert cli("seed", str(path)).exit_code == 1
    again = cli("seed", str(path))
    assert again.stdout == "0 added, 1 unchanged, 0 failed\n"
    assert again.stderr == (
        f"warning: {path}: already stored as document 1, incomplete:"
        " no headline found; no dateline found\n"
    )


def test_a_batch_that_cannot_commit_stops_the_load_and_reports_none_of_it(
    db_path: Path, cli: RunCli, seed_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch that cannot commit is lost whole, for a reason none of its documents caused:
    the load stops with that one reason, reporting none of the batch's documents as stored
    or failed, and what was committed before stays."""
    assert cli("db", "upgrade").exit_code == 0
    first, second = (
        decode(page.read_bytes()) for page in write_variants(tmp_path / "pages", seed_text, 2)
    )
    store = Store(partial(write_connection, db_path))
    assert store.load("first", first, CaptureHints()).outcome is Outcome.ADDED

    def fails(_index: DeferredIndex, _cursor: sqlite3.Cursor) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(DeferredIndex, "catch_up", fails)
    results = [
        *store.add("first again", first, CaptureHints()),
        *store.add("second", second, CaptureHints()),
        *store.add("second again", second, CaptureHints()),
    ]
    with pytest.raises(TransactionLost) as lost:
        store.flush()
    store.close()
    assert str(lost.value) == (
        "disk I/O error; nothing of this batch (3 documents) was stored;"
        " run `communique check`, then the same command again"
    )
    assert results == []
    assert _counts(db_path) == [(1, 1, 1, 7)]
    assert len(sql(db_path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")) == 6


def test_a_failing_document_in_a_batch_fails_alone(
    db_path: Path, cli: RunCli, seed_text: str, tmp_path: Path
) -> None:
    """A batch is written with one statement per table; when a row is refused, the batch is
    written again document by document, and only the one at fault is kept as failed."""
    assert cli("db", "upgrade").exit_code == 0
    pages = write_variants(tmp_path / "pages", seed_text, 6)
    broken = decode(pages[2].read_bytes()).text

    def breaks_the_third(text: str, hints: CaptureHints) -> Extraction:
        found = extract(text, hints)
        return _with_a_refused_point(found) if text == broken else found

    store = Store(partial(write_connection, db_path), breaks_the_third)
    results = [
        result
        for page in pages
        for result in store.add(page.name, decode(page.read_bytes()), CaptureHints())
    ]
    results += store.flush()
    store.close()
    assert [(origin, r.outcome, r.document_id, r.article_id) for origin, r in results] == [
        ("00000.txt", Outcome.ADDED, 1, 1),
        ("00001.txt", Outcome.ADDED, 2, 2),
        ("00002.txt", Outcome.FAILED, 3, None),
        ("00003.txt", Outcome.ADDED, 4, 3),
        ("00004.txt", Outcome.ADDED, 5, 4),
        ("00005.txt", Outcome.ADDED, 6, 5),
    ]
    assert results[2][1].reason is not None and "CHECK constraint failed" in results[2][1].reason
    assert sql(db_path, "SELECT id, status, article_id FROM documents ORDER BY id") == [
        (1, "parsed", 1),
        (2, "parsed", 2),
        (3, "failed", None),
        (4, "parsed", 3),
        (5, "parsed", 4),
        (6, "parsed", 5),
    ]
    assert _counts(db_path) == [(6, 5, 5, 35)]
    assert sql(db_path, "SELECT count(*) FROM articles_fts_docsize") == [(5,)]


def test_repeats_and_second_captures_within_one_batch(
    db_path: Path, cli: RunCli, seed_text: str
) -> None:
    """Rows wait to be written together, so a batch must know its own documents and articles:
    the same bytes twice are one document, the same words in other furniture one article."""
    assert cli("db", "upgrade").exit_code == 0
    text = seed_text
    spaced = seed_text.replace("Pyongyang, July 21", "Pyongyang,  July 21")
    store = Store(partial(write_connection, db_path))
    results = [
        *store.add("a", decode(text.encode()), CaptureHints()),
        *store.add("a again", decode(text.encode()), CaptureHints()),
        *store.add("b", decode(spaced.encode()), CaptureHints()),
        *store.flush(),
    ]
    store.close()
    assert [
        (origin, r.outcome, r.document_id, r.article_id, r.joined) for origin, r in results
    ] == [
        ("a", Outcome.ADDED, 1, 1, False),
        ("a again", Outcome.UNCHANGED, 1, None, False),
        ("b", Outcome.ADDED, 2, 1, True),
    ]
    assert _counts(db_path) == [(2, 1, 1, 7)]


def test_a_database_that_stays_locked_is_one_error(
    db_path: Path, cli: RunCli, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writing thread's failure reaches the caller, and nothing is written."""
    import communique.db.database

    assert cli("db", "upgrade").exit_code == 0
    monkeypatch.setattr(communique.db.database, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            Store(partial(write_connection, db_path)).load(
                "locked", decode(seed_text.encode()), CaptureHints()
            )
    finally:
        holder.rollback()
        holder.close()
    assert _counts(db_path) == [(0, 0, 0, 0)]


def test_when_writing_stops_the_batches_committed_before_are_still_accounted_for(
    db_path: Path, cli: RunCli, seed_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writing thread runs ahead of the caller: when a later transaction cannot begin,
    the caller is told (again at every call, until it closes the store), and the results of
    the transaction committed before are still handed over."""
    assert cli("db", "upgrade").exit_code == 0
    pages = write_variants(tmp_path / "pages", seed_text, 4)
    hold = DeferredIndex.hold
    transactions = []

    def fails_second(_cls: type[DeferredIndex], cursor: sqlite3.Cursor) -> DeferredIndex:
        transactions.append(cursor)
        if len(transactions) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return hold(cursor)

    monkeypatch.setattr(DeferredIndex, "hold", classmethod(fails_second))
    results = []
    store = Store(partial(write_connection, db_path), batch_size=2, write_size=1, batch_seconds=60)
    try:
        with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
            for page in pages:
                results += store.add(page.name, decode(page.read_bytes()), CaptureHints())
            results += store.flush()
        with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
            store.flush()
        results += store.committed()
    finally:
        store.close()
    assert [(origin, r.outcome, r.document_id) for origin, r in results] == [
        ("00000.txt", Outcome.ADDED, 1),
        ("00001.txt", Outcome.ADDED, 2),
    ]
    assert _counts(db_path) == [(2, 2, 2, 14)]
