"""Space running out, and a damaged file, with the real console script on a small filesystem
that fills: the temporary folder (`TMPDIR`, where SQLite spills a large batch's journal and the
full-text catch-up), or the database's own disk. Whatever runs out, `seed` and `reparse` stop
with one line saying why, store nothing half-done and mark nothing failed that is not, leave
the file and its full-text indexes exactly consistent, and complete when run again.

The small filesystem is a tmpfs mounted in a private mount namespace (`unshare`), so that it
vanishes with the process whatever happens to the test.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from conftest import (
    assert_file_sound,
    console_script,
    run_console,
    sql,
    stored_counts,
    unavailable,
    write_variants,
)

pytestmark = pytest.mark.slow

POINTS = 7
"""Points of each generated capture (`write_variants`)."""

FULL = (
    "database or disk is full; {lost}; free some space on the database's disk and where SQLite"
    " keeps its temporary files (TMPDIR), then run the same command again: what it stored"
    " before is kept"
)


def _unavailable() -> str | None:
    """Why a small filesystem cannot be mounted here, or None when it can."""
    if shutil.which("unshare") is None:
        return "`unshare` (util-linux) is not installed"
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', "/tmp"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        return f"cannot mount a tmpfs in a private namespace: {probe.stderr.strip()}"
    return None


@pytest.fixture(scope="module")
def small_filesystems() -> None:
    """Skips the test where no small filesystem can be made, except in CI, where that is a
    failure: there these tests must run."""
    reason = _unavailable()
    if reason is not None:
        unavailable(f"the disk-full tests cannot run: {reason}")


def _on_small_filesystem(
    mount: Path, size: int, script: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the shell `script` with a fresh tmpfs of `size` bytes mounted at `mount`, in a
    mount namespace of its own. `$MOUNT` names it, `$COMMUNIQUE` the console script, and
    `env` is passed on."""
    mount.mkdir(exist_ok=True)
    return subprocess.run(
        [
            "unshare",
            "-Urm",
            "sh",
            "-c",
            f'mount -t tmpfs -o size={size} tmpfs "$MOUNT" && {script}',
        ],
        env={**os.environ, "MOUNT": str(mount), "COMMUNIQUE": str(console_script()), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _assert_consistent(db: Path) -> None:
    """What a lost transaction could break, read with plain sqlite3; and `communique check`."""
    assert_file_sound(db)
    assert sql(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == [(6,)]
    assert sql(db, "SELECT count(*) FROM documents WHERE status = 'failed'") == [(0,)]
    checked = run_console("--db", str(db), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _whole(documents: int) -> list[tuple[object, ...]]:
    return [(documents, documents, documents * POINTS, documents, documents * POINTS)]


def _captures(tmp_path: Path, seed_text: str) -> tuple[Path, Path, Path]:
    """(database, first, more): 40 captures loaded, and 400 more that will not fit."""
    first = tmp_path / "first"
    more = tmp_path / "more"
    write_variants(first, seed_text, 40)
    write_variants(more, seed_text, 400, start=40)
    db = tmp_path / "store.db"
    loaded = run_console("--db", str(db), "seed", "--quiet", str(first))
    assert loaded.stdout == "40 added, 0 unchanged, 0 failed\n", loaded.stderr
    return db, first, more


def _assert_load_stopped(db: Path, result: subprocess.CompletedProcess[str], shown: Path) -> None:
    """One line for the cause, then the summary of what was committed, which is exactly what
    the file holds; and the file is consistent."""
    assert result.returncode == 1, result.stderr
    lost = re.escape(r"nothing of this batch (NUMBER documents) was stored")
    pattern = re.escape(f"Error: {shown}: " + FULL.format(lost="LOST") + "\n")
    pattern = pattern.replace("LOST", lost).replace("NUMBER", r"\d+")
    assert re.fullmatch(pattern, result.stderr), result.stderr
    summary = re.fullmatch(r"(\d+) added, (\d+) unchanged, 0 failed\n", result.stdout)
    assert summary is not None, result.stdout
    added = int(summary[1])
    assert stored_counts(db) == _whole(40 + added)
    _assert_consistent(db)


def _assert_load_completes(db: Path, first: Path, more: Path) -> None:
    stored = int(str(stored_counts(db)[0][0]))
    again = run_console("--db", str(db), "seed", "--quiet", str(first), str(more))
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout == f"{440 - stored} added, {stored} unchanged, 0 failed\n"
    assert stored_counts(db) == _whole(440)
    _assert_consistent(db)


@pytest.mark.usefixtures("small_filesystems")
def test_a_load_whose_temporary_folder_fills_stops_and_completes_later(
    tmp_path: Path, seed_text: str
) -> None:
    db, first, more = _captures(tmp_path, seed_text)
    result = _on_small_filesystem(
        tmp_path / "small",
        4096,
        'TMPDIR="$MOUNT" SQLITE_TMPDIR="$MOUNT"'
        ' exec "$COMMUNIQUE" --db "$DB" seed --quiet "$FIRST" "$MORE"',
        DB=str(db),
        FIRST=str(first),
        MORE=str(more),
    )
    _assert_load_stopped(db, result, db)
    _assert_load_completes(db, first, more)


@pytest.mark.usefixtures("small_filesystems")
def test_a_load_whose_disk_fills_stops_and_completes_later(tmp_path: Path, seed_text: str) -> None:
    db, first, more = _captures(tmp_path, seed_text)
    kept = tmp_path / "kept"
    kept.mkdir()
    # The database on a filesystem with 256 KiB to spare; copied back (with its write-ahead
    # log, if one is left) once the load has ended.
    result = _on_small_filesystem(
        tmp_path / "small",
        db.stat().st_size + 256 * 1024,
        'cp "$DB" "$MOUNT/store.db" && cd "$MOUNT"'
        ' && "$COMMUNIQUE" --db store.db seed --quiet "$FIRST" "$MORE";'
        ' status=$?; cp "$MOUNT"/store.db* "$KEPT"/; exit $status',
        DB=str(db),
        FIRST=str(first),
        MORE=str(more),
        KEPT=str(kept),
    )
    db = kept / "store.db"
    _assert_load_stopped(db, result, Path("store.db"))
    _assert_load_completes(db, first, more)


def _edited(tmp_path: Path, seed_text: str) -> Path:
    """A database of 40 captures whose points were all edited by hand: `reparse` rewrites
    every article."""
    first = tmp_path / "first"
    write_variants(first, seed_text, 40)
    db = tmp_path / "store.db"
    loaded = run_console("--db", str(db), "seed", "--quiet", str(first))
    assert loaded.stdout == "40 added, 0 unchanged, 0 failed\n", loaded.stderr
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE declaration_points SET text = 'edited by hand'")
    return db


def _edited_points_by_article(db: Path) -> list[tuple[object, ...]]:
    return sql(
        db,
        "SELECT edited, count(*) FROM (SELECT d.article_id, count(*) AS edited"
        " FROM declaration_points p JOIN declarations d ON d.id = p.declaration_id"
        " WHERE p.text = 'edited by hand' GROUP BY d.article_id) GROUP BY edited",
    )


def _assert_reparse_stopped(db: Path, result: subprocess.CompletedProcess[str], shown: Path) -> int:
    """One line for the cause, then the summary; the documents before the one at hand are
    redone, it and those after are as they were, none is marked failed. Returns how many
    were redone."""
    assert result.returncode == 1, result.stderr
    lost = "document NUMBER and those after it were not reparsed (nothing of it was written)"
    pattern = re.escape(f"Error: {shown}: " + FULL.format(lost=lost) + "\n")
    found = re.fullmatch(pattern.replace("NUMBER", r"(\d+)"), result.stderr)
    assert found is not None, result.stderr
    redone = int(found[1]) - 1
    assert result.stdout == (
        f"{redone} documents reparsed: 0 documents, {redone} articles and {redone * POINTS}"
        " points changed, 0 failed\n"
    )
    assert redone < 40
    assert _edited_points_by_article(db) == [(POINTS, 40 - redone)]
    assert stored_counts(db) == _whole(40)
    _assert_consistent(db)
    return redone


def _assert_reparse_completes(db: Path, redone: int) -> None:
    again = run_console("--db", str(db), "reparse")
    assert (again.returncode, again.stderr) == (0, "")
    left = 40 - redone
    assert again.stdout == (
        f"40 documents reparsed: 0 documents, {left} articles and {left * POINTS}"
        " points changed, 0 failed\n"
    )
    assert _edited_points_by_article(db) == []
    assert stored_counts(db) == _whole(40)
    _assert_consistent(db)


@pytest.mark.usefixtures("small_filesystems")
def test_a_reparse_whose_temporary_folder_fills_stops_and_completes_later(
    tmp_path: Path, seed_text: str
) -> None:
    db = _edited(tmp_path, seed_text)
    result = _on_small_filesystem(
        tmp_path / "small",
        4096,
        'TMPDIR="$MOUNT" SQLITE_TMPDIR="$MOUNT" exec "$COMMUNIQUE" --db "$DB" reparse',
        DB=str(db),
    )
    _assert_reparse_completes(db, _assert_reparse_stopped(db, result, db))


@pytest.mark.usefixtures("small_filesystems")
def test_a_reparse_whose_disk_fills_stops_and_completes_later(
    tmp_path: Path, seed_text: str
) -> None:
    db = _edited(tmp_path, seed_text)
    kept = tmp_path / "kept"
    kept.mkdir()
    result = _on_small_filesystem(
        tmp_path / "small",
        db.stat().st_size + 64 * 1024,
        'cp "$DB" "$MOUNT/store.db" && cd "$MOUNT" && "$COMMUNIQUE" --db store.db reparse;'
        ' status=$?; cp "$MOUNT"/store.db* "$KEPT"/; exit $status',
        DB=str(db),
        KEPT=str(kept),
    )
    db = kept / "store.db"
    _assert_reparse_completes(db, _assert_reparse_stopped(db, result, Path("store.db")))


def _damage_the_article_index(db: Path) -> None:
    """Scribble over the cell pointers of the pages holding the articles' full-text index
    segments, as a failing disk would: reading them raises "database disk image is
    malformed". (The first leaf, with the index's structure record, is left alone.)"""
    with closing(sqlite3.connect(db)) as connection:
        pages = [
            page
            for (page,) in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = 'articles_fts_data'"
                " AND pagetype = 'leaf' AND path != '/000/'"
            )
        ]
        (size,) = connection.execute("PRAGMA page_size").fetchone()
    assert pages
    with db.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * size + 8)
            file.write(b"\xff" * 64)


def test_reparse_stops_on_a_damaged_file_and_writes_nothing_into_it(
    tmp_path: Path, seed_text: str
) -> None:
    """A read that fails because the file is damaged is not an extraction failure: `reparse`
    stops at once, points to `check`, and records nothing in the damaged file."""
    db = tmp_path / "store.db"
    for page in write_variants(tmp_path / "captures", seed_text, 10):
        # a load each: each leaves a segment of the index, which a rewrite makes FTS5 merge
        assert run_console("--db", str(db), "seed", "--quiet", str(page)).returncode == 0
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE articles SET headline = 'changed by hand'")
    _damage_the_article_index(db)
    before = sql(db, "SELECT id, status, error, article_id FROM documents ORDER BY id")
    result = run_console("--db", str(db), "reparse")
    assert result.returncode == 1
    found = re.fullmatch(
        re.escape(
            f"Error: {db}: database disk image is malformed; document NUMBER and those after it"
            " were not reparsed (nothing of it was written); the file is damaged: run"
            " `communique check` to see where\n"
        ).replace("NUMBER", r"(\d+)"),
        result.stderr,
    )
    assert found is not None, result.stderr
    redone = int(found[1]) - 1
    assert result.stdout == (
        f"{redone} documents reparsed: 0 documents, {redone} articles and 0 points changed,"
        " 0 failed\n"
    )
    assert sql(db, "SELECT id, status, error, article_id FROM documents ORDER BY id") == before
    assert sql(db, "SELECT count(*) FROM articles WHERE headline = 'changed by hand'") == [
        (10 - redone,)
    ]
