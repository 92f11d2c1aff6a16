"""Upgrades never put an archive at risk: a database that holds documents is copied beside
itself before its schema moves, and an upgrade that fails leaves the file as it was."""

from __future__ import annotations

import hashlib
import os
import pty
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from communique.db import migrate
from communique.db.schema import HEAD_REVISION

from conftest import DATELINES, RunCli, console_script, sql, unavailable

FIXTURES = Path(__file__).parent / "fixtures"


def _written_at(revision: str, db: Path) -> Path:
    """The database the fixture dumped at `revision`, in WAL mode as communique leaves every
    file it writes."""
    script = (FIXTURES / f"revision-{revision}.sql").read_text(encoding="utf-8")
    with closing(sqlite3.connect(db)) as connection:
        connection.executescript(script)
        connection.execute("PRAGMA journal_mode = WAL")
    return db


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read with plain sqlite3."""
    names = [
        str(name) for (name,) in sql(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    return {name: sorted(sql(db, f'SELECT * FROM "{name}"'), key=repr) for name in names}


def _digest(db: Path) -> str:
    """The file's sha256 once its write-ahead log is folded in."""
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return hashlib.sha256(db.read_bytes()).hexdigest()


def _copies(db: Path) -> list[str]:
    return sorted(path.name for path in db.parent.glob(f"{db.name}.*.bak"))


def _backing_up(db: Path, copy: str, move: str = "upgrading") -> str:
    return f"communique: backing up {db} to {db.parent / copy} before {move} it\n"


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])
def test_an_ordinary_command_backs_up_an_older_database_before_upgrading_it(
    cli: RunCli, db_path: Path, revision: str
) -> None:
    original = _rows(_written_at(revision, db_path))
    result = cli("articles")
    assert result.exit_code == 0, result.output
    copy = f"{db_path.name}.{revision}.bak"
    assert result.stderr.splitlines(keepends=True)[:2] == [
        _backing_up(db_path, copy),
        f"communique: upgrading {db_path} from revision {revision} to {HEAD_REVISION}\n",
    ]
    assert _copies(db_path) == [copy]
    backup = db_path.parent / copy
    assert sql(backup, "SELECT version_num FROM alembic_version") == [(revision,)]
    assert _rows(backup) == original
    assert sql(backup, "PRAGMA journal_mode") == [("delete",)]
    assert sql(db_path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]


def test_db_upgrade_backs_up_too_unless_told_not_to(cli: RunCli, tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    for db in (first, second):
        _written_at("0003", db)
    kept = cli("--db", str(first), "db", "upgrade")
    assert kept.exit_code == 0, kept.output
    assert kept.stderr == _backing_up(first, "first.db.0003.bak") + (
        "communique: applying revision 0004 (1 of 7)\ncommunique: applying revision 0005 (2 of 7)\n"
        "communique: applying revision 0006 (3 of 7)\n"
        "communique: applying revision 0007 (4 of 7)\n"
        "communique: applying revision 0008 (5 of 7)\n"
        "communique: applying revision 0009 (6 of 7)\n"
        "communique: applying revision 0010 (7 of 7)\n" + DATELINES
    )
    assert kept.stdout == f"{first}: 0003 -> {HEAD_REVISION}\n"
    skipped = cli("--db", str(second), "db", "upgrade", "--no-backup")
    assert skipped.exit_code == 0, skipped.output
    assert skipped.stderr == (
        "communique: applying revision 0004 (1 of 7)\ncommunique: applying revision 0005 (2 of 7)\n"
        "communique: applying revision 0006 (3 of 7)\n"
        "communique: applying revision 0007 (4 of 7)\n"
        "communique: applying revision 0008 (5 of 7)\n"
        "communique: applying revision 0009 (6 of 7)\n"
        "communique: applying revision 0010 (7 of 7)\n" + DATELINES
    )
    assert skipped.stdout == f"{second}: 0003 -> {HEAD_REVISION}\n"
    assert sorted(path.name for path in tmp_path.glob("*.bak")) == ["first.db.0003.bak"]


def test_no_backup_of_a_new_an_empty_or_a_current_database(cli: RunCli, tmp_path: Path) -> None:
    created = cli("db", "upgrade")  # a new file
    assert created.exit_code == 0
    assert created.stderr == ""
    empty = tmp_path / "empty.db"
    migrate.upgrade(empty, "0003")  # a schema, and no document in it
    upgraded = cli("--db", str(empty), "sources")
    assert upgraded.exit_code == 0
    assert upgraded.stderr == (
        f"communique: upgrading {empty} from revision 0003 to {HEAD_REVISION}\n"
        "communique: applying revision 0004 (1 of 7)\n"
        "communique: applying revision 0005 (2 of 7)\n"
        "communique: applying revision 0006 (3 of 7)\n"
        "communique: applying revision 0007 (4 of 7)\n"
        "communique: applying revision 0008 (5 of 7)\n"
        "communique: applying revision 0009 (6 of 7)\n"
        "communique: applying revision 0010 (7 of 7)\n"
    )
    assert cli("seed").exit_code == 0
    assert cli("articles").stderr == ""  # at head already
    assert cli("db", "upgrade").stderr == ""
    assert list(tmp_path.glob("*.bak")) == []


def test_a_name_taken_is_never_replaced(cli: RunCli, db_path: Path) -> None:
    _written_at("0003", db_path)
    mine = db_path.parent / f"{db_path.name}.0003.bak"
    mine.write_text("my own notes", encoding="utf-8")
    result = cli("articles")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines(keepends=True)[0] == _backing_up(
        db_path, f"{db_path.name}.0003.2.bak"
    )
    assert mine.read_text(encoding="utf-8") == "my own notes"
    assert sql(mine.with_name(f"{db_path.name}.0003.2.bak"), "SELECT count(*) FROM documents") == [
        (2,)
    ]


def test_a_failed_upgrade_leaves_the_file_as_it_was(cli: RunCli, db_path: Path) -> None:
    """A view of the user's own takes a name revision 0003 creates: the upgrade from 0001
    applies 0002, then fails in 0003. Nothing of it may stay, and the copy stays whole."""
    _written_at("0001", db_path)
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("CREATE VIEW article_overview AS SELECT 'my own view' AS note")
    original, digest = _rows(db_path), _digest(db_path)
    result = cli("articles")
    assert result.exit_code == 1
    copy = db_path.parent / f"{db_path.name}.0001.bak"
    assert result.stderr == (
        _backing_up(db_path, copy.name)
        + f"communique: upgrading {db_path} from revision 0001 to {HEAD_REVISION}\n"
        "communique: applying revision 0002 (1 of 9)\n"
        "communique: applying revision 0003 (2 of 9)\n"
        f"Error: {db_path}: the upgrade from revision 0001 to {HEAD_REVISION} failed"
        " (view article_overview already exists); the database is as it was;"
        f" the copy taken before is {copy}\n"
    )
    assert _digest(db_path) == digest
    assert _rows(db_path) == original
    assert _rows(copy) == original
    assert sql(copy, "PRAGMA integrity_check") == [("ok",)]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a filesystem of its own, 1 MiB in all (mounting one needs root)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        unavailable(f"cannot mount a small filesystem here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        # Lazily: connections the test left to the garbage collector may still hold files.
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_a_copy_that_cannot_be_written_stops_the_upgrade(cli: RunCli, small_disk: Path) -> None:
    """Room for the database's own files, not for a copy: the upgrade does not go ahead."""
    db = _written_at("0003", small_disk / "archive.db")
    with (small_disk / "filler").open("wb") as filler:
        status = os.statvfs(small_disk)
        filler.write(bytes(status.f_bavail * status.f_frsize - 100_000))
    original, digest = _rows(db), _digest(db)
    result = cli("--db", str(db), "articles")
    assert result.exit_code == 1
    copy = small_disk / "archive.db.0003.bak"
    assert result.stderr == (
        _backing_up(db, copy.name) + f"Error: {db}: cannot back it up to {copy} (no space left"
        " on device (database or disk is full)); nothing changed. Free some space or make the"
        " folder writable, or run `communique db upgrade --no-backup` if you keep copies of"
        " your own\n"
    )
    assert _digest(db) == digest
    assert _rows(db) == original
    left = {path.name for path in small_disk.iterdir()} - {"archive.db-wal", "archive.db-shm"}
    assert left == {"archive.db", "filler"}  # no copy, whole or partial


def test_db_downgrade_backs_up_first(cli: RunCli, seeded: Path) -> None:
    """A downgrade drops what later revisions added, and to "base" every table."""
    original = _rows(seeded)
    result = cli("db", "downgrade", "base", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stderr == _backing_up(seeded, f"{seeded.name}.{HEAD_REVISION}.bak", "downgrading")
    copy = seeded.parent / f"{seeded.name}.{HEAD_REVISION}.bak"
    assert _rows(copy) == original


def test_after_a_downgrade_a_command_says_reparse_is_needed_and_check_notes_it(
    cli: RunCli, seeded: Path
) -> None:
    """Topics of points are derived by extraction: a downgrade below 0003 drops them, and the
    upgrade back cannot derive them."""
    assert sql(seeded, "SELECT count(*) FROM point_topics") != [(0,)]
    assert cli("db", "downgrade", "0002", "--no-backup", "--yes").exit_code == 0
    result = cli("points")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-2:] == [
        "communique: run `communique reparse` to derive topics of points and the dates of"
        " datelines from the documents already stored",
        "communique: 1 document holds rows from an older extraction than this communique's;"
        " `communique reparse --stale` redoes them",
    ]
    checked = cli("check")
    assert checked.exit_code == 0
    assert checked.stderr == "note: no point has topics: run `communique reparse` to derive them\n"
    assert cli("reparse").exit_code == 0
    assert sql(seeded, "SELECT count(*) FROM point_topics") != [(0,)]
    assert cli("check").stderr == ""


def test_a_move_the_wrong_way_is_refused_before_any_copy(cli: RunCli, seeded: Path) -> None:
    result = cli("db", "upgrade", "0003")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot upgrade from revision {HEAD_REVISION} to 0003; `communique db current`"
        " and `communique db history` say where it stands\n"
    )
    assert list(seeded.parent.glob("*.bak")) == []
    assert sql(seeded, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]


def test_a_downgrade_that_drops_rows_needs_yes_off_a_terminal(cli: RunCli, seeded: Path) -> None:
    result = cli("db", "downgrade", "0002", "--no-backup")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: downgrading to 0002 drops tables that hold rows: topics (9 rows), point_topics"
        " (11 rows); give --yes to go on\n"
    )
    assert sql(seeded, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    # Nothing to lose, nothing to ask: 0006 drops no table.
    assert cli("db", "downgrade", "0006", "--no-backup").exit_code == 0
    assert cli("db", "downgrade", "0002", "--no-backup", "--yes").exit_code == 0
    assert sql(seeded, "SELECT version_num FROM alembic_version") == [("0002",)]


@pytest.mark.parametrize(("answer", "revision"), [("n", HEAD_REVISION), ("y", "0002")])
def test_a_downgrade_that_drops_rows_asks_on_a_terminal(
    seeded: Path, answer: str, revision: str
) -> None:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(console_script()), "--db", str(seeded), "db", "downgrade", "0002"],
            stdin=terminal,
            stderr=terminal,
            stdout=subprocess.PIPE,
        )
        asked = b""
        while b"Go on?" not in asked:
            asked += os.read(controller, 4096)
        os.write(controller, f"{answer}\n".encode())
        process.wait(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert b"drops tables that hold rows: topics (" in asked
    assert b"(a copy is taken first). Go on? [y/N]" in asked
    assert process.returncode == (0 if answer == "y" else 1)
    assert sql(seeded, "SELECT version_num FROM alembic_version") == [(revision,)]


def test_a_relative_downgrade_that_drops_rows_needs_yes_too(cli: RunCli, seeded: Path) -> None:
    everything = cli("db", "downgrade", f"head-{int(HEAD_REVISION)}", "--no-backup")
    assert everything.exit_code == 1
    assert everything.stderr.startswith(
        f"Error: downgrading to head-{int(HEAD_REVISION)} drops tables that hold rows: topics ("
    )
    assert "documents (1 row), " in everything.stderr
    assert sql(seeded, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    # One revision down drops no table: nothing to ask.
    assert cli("db", "downgrade", "head-1", "--no-backup").exit_code == 0
