"""Promises under stress, with the real console script in subprocesses: a load killed with
SIGKILL leaves a sound file and resumes without duplicates; four loads and a searcher at once
never see "database is locked"; a backup taken mid-load is consistent; `check` finds damage."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from communique.db import database
from communique.db.database import begin_immediate
from communique.db.schema import HEAD_REVISION

from conftest import (
    assert_file_sound,
    console_script,
    run_console,
    sql,
    stored_counts,
    write_variants,
)

pytestmark = pytest.mark.slow

POINTS_PER_ARTICLE = 7


def _start_seed(db: Path, *paths: Path) -> subprocess.Popen[str]:
    """A load in a process group of its own, so that a kill reaches its workers too."""
    return subprocess.Popen(
        [str(console_script()), "--db", str(db), "seed", "--quiet", *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _documents(db: Path) -> int:
    try:
        return int(str(sql(db, "SELECT count(*) FROM documents")[0][0]))
    except sqlite3.OperationalError:  # not created yet
        return 0


def _wait_for_documents(db: Path, process: subprocess.Popen[str], at_least: int = 1) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        count = _documents(db)
        if count >= at_least:
            return count
        time.sleep(0.02)
    pytest.fail(f"the load ended or stalled before {at_least} documents were committed")


def _assert_sound(db: Path) -> None:
    """Everything a crash or a race could break, read with plain sqlite3."""
    assert_file_sound(db)
    # Each document all-or-nothing: every article has all its points, every parsed
    # document its article, and nothing was stored twice.
    assert sql(
        db,
        "SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM declaration_points p"
        " JOIN declarations d ON d.id = p.declaration_id WHERE d.article_id = a.id) != ?",
        POINTS_PER_ARTICLE,
    ) == [(0,)]
    assert sql(
        db, "SELECT count(*) FROM documents WHERE status != 'parsed' OR article_id IS NULL"
    ) == [(0,)]
    assert sql(db, "SELECT count(*) - count(DISTINCT sha256) FROM documents") == [(0,)]
    assert sql(db, "SELECT count(*) - count(DISTINCT fingerprint) FROM articles") == [(0,)]


LOADED = 8000
"""Captures in a load that the tests stop half-way: enough that the load runs well past its
first batch (committed after two seconds), so that it is still running when it is stopped."""


def _loading(tmp_path: Path, seed_text: str) -> tuple[Path, Path, subprocess.Popen[str]]:
    """(folder, database, process): `LOADED` captures being loaded into a new database."""
    folder = tmp_path / "captures"
    write_variants(folder, seed_text, LOADED)
    db = tmp_path / "store.db"
    assert run_console("--db", str(db), "db", "upgrade").returncode == 0
    return folder, db, _start_seed(db, folder)


def _assert_whole_and_resumable(db: Path, folder: Path) -> None:
    """After a load was stopped: every committed document is whole, nothing else is there,
    and the same `seed` again completes the load exactly."""
    committed = _documents(db)
    assert 0 < committed < LOADED, "the load finished before it could be stopped"
    _assert_sound(db)
    assert stored_counts(db) == [(committed, committed, committed * 7, committed, committed * 7)]
    again = run_console("--db", str(db), "seed", "--quiet", str(folder))
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{LOADED - committed} added, {committed} unchanged, 0 failed\n"
    _assert_sound(db)
    assert stored_counts(db) == [(LOADED, LOADED, LOADED * 7, LOADED, LOADED * 7)]
    assert run_console("--db", str(db), "check").returncode == 0


def test_a_load_killed_mid_way_loses_nothing_committed_and_resumes(
    tmp_path: Path, seed_text: str
) -> None:
    folder, db, load = _loading(tmp_path, seed_text)
    _wait_for_documents(db, load)
    os.killpg(load.pid, signal.SIGKILL)
    load.wait()
    assert load.returncode == -signal.SIGKILL
    _assert_whole_and_resumable(db, folder)


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone while listing
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _assert_all_end(processes: set[int], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(_alive(pid) for pid in processes):
        time.sleep(0.05)
    assert [pid for pid in processes if _alive(pid)] == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_killing_the_writer_alone_leaves_no_worker_behind(tmp_path: Path, seed_text: str) -> None:
    _, db, load = _loading(tmp_path, seed_text)
    _wait_for_documents(db, load, at_least=600)  # the workers are at it by now
    helpers = _descendants(load.pid)
    assert len(helpers) >= 3  # the fork server and two workers at least
    os.kill(load.pid, signal.SIGKILL)  # the writer only, as `kill -9 PID` does
    load.wait()
    _assert_all_end(helpers, within=15)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_ctrl_c_mid_load_keeps_whole_batches_only(tmp_path: Path, seed_text: str) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops the load at
    once: the open batch is rolled back, whatever the writing thread was doing, and no worker
    is left behind."""
    folder, db, load = _loading(tmp_path, seed_text)
    _wait_for_documents(db, load, at_least=300)
    helpers = _descendants(load.pid)
    os.killpg(load.pid, signal.SIGINT)
    _, stderr = load.communicate(timeout=30)
    assert load.returncode == 1
    assert stderr.splitlines()[-1] == "Aborted!"
    assert "Traceback" not in stderr
    _assert_all_end(helpers, within=10)
    _assert_whole_and_resumable(db, folder)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_sigterm_stops_a_load_as_ctrl_c_does(tmp_path: Path, seed_text: str) -> None:
    """`kill`, `timeout` and service managers send SIGTERM to the loading process alone."""
    folder, db, load = _loading(tmp_path, seed_text)
    _wait_for_documents(db, load, at_least=300)
    helpers = _descendants(load.pid)
    load.terminate()
    _, stderr = load.communicate(timeout=30)
    assert load.returncode == 128 + signal.SIGTERM  # as a shell reports a SIGTERM
    assert stderr == "Terminated\n"  # and no warning of leaked semaphores
    _assert_all_end(helpers, within=10)
    _assert_whole_and_resumable(db, folder)


def _holding_the_write_lock(db: Path) -> sqlite3.Connection:
    """Another writer: a connection in the middle of a write transaction (which a timer's
    thread may end)."""
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_ctrl_c_is_heard_while_waiting_for_another_writer(tmp_path: Path, seed_text: str) -> None:
    """A load waits up to 30 s for another writer's lock; Ctrl-C during that wait stops it at
    once, not when the wait ends."""
    folder = tmp_path / "captures"
    write_variants(folder, seed_text, 3)
    db = tmp_path / "store.db"
    assert run_console("--db", str(db), "db", "upgrade").returncode == 0
    with closing(_holding_the_write_lock(db)) as holder:
        load = _start_seed(db, folder)
        time.sleep(3)  # three documents load in well under a second: it is waiting by now
        assert load.poll() is None, load.communicate()
        os.killpg(load.pid, signal.SIGINT)
        _, stderr = load.communicate(timeout=10)  # the lock is still held
        holder.execute("ROLLBACK")
    assert load.returncode == 1
    assert stderr.splitlines()[-1] == "Aborted!"
    assert "Traceback" not in stderr
    assert stored_counts(db) == [(0, 0, 0, 0, 0)]
    again = run_console("--db", str(db), "seed", "--quiet", str(folder))
    assert again.stdout == "3 added, 0 unchanged, 0 failed\n", again.stderr


def test_the_write_lock_is_taken_once_the_other_writer_is_done(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with closing(sqlite3.connect(db, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA busy_timeout = 1234")
        holder = _holding_the_write_lock(db)
        threading.Timer(0.5, holder.execute, ["ROLLBACK"]).start()
        begin_immediate(connection)
        assert connection.in_transaction
        connection.execute("ROLLBACK")
        assert connection.execute("PRAGMA busy_timeout").fetchone() == (1234,)
        holder.close()


def test_waiting_for_the_write_lock_ends_when_stopped_or_timed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.db"
    with (
        closing(sqlite3.connect(db, isolation_level=None)) as connection,
        closing(_holding_the_write_lock(db)),
    ):
        stop = threading.Event()
        threading.Timer(0.5, stop.set).start()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            begin_immediate(connection, stop.is_set)
        assert stop.is_set()
        monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            begin_immediate(connection)
        assert not connection.in_transaction


def test_four_loads_and_a_searcher_at_once(tmp_path: Path, seed_text: str) -> None:
    folder = tmp_path / "captures"
    pages = write_variants(folder, seed_text, 800)
    db = tmp_path / "store.db"
    assert run_console("--db", str(db), "db", "upgrade").returncode == 0
    # Overlapping shares: every page is in two of the four loads.
    shares = [tmp_path / f"share-{n}" for n in range(4)]
    for number, share in enumerate(shares):
        share.mkdir()
        for page in pages[number * 200 : number * 200 + 400] + pages[: max(0, number * 200 - 400)]:
            (share / page.name).symlink_to(page)
    loads = [_start_seed(db, share) for share in shares]
    searches = 0
    while any(load.poll() is None for load in loads):
        found = run_console("--db", str(db), "search", "cooperation", "--format", "json")
        assert found.returncode == 0, found.stderr
        searches += 1
    outputs = [load.communicate() for load in loads]
    for load, (_, err) in zip(loads, outputs, strict=True):
        assert load.returncode == 0, err
        assert "locked" not in err
    added = sum(int(out.split()[0]) for out, _ in outputs)
    assert added == 800
    assert searches > 0
    _assert_sound(db)
    assert stored_counts(db) == [(800, 800, 5600, 800, 5600)]


def test_a_backup_taken_during_a_load_is_consistent(tmp_path: Path, seed_text: str) -> None:
    folder = tmp_path / "captures"
    write_variants(folder, seed_text, 2500)
    db, copy = tmp_path / "store.db", tmp_path / "copy.db"
    assert run_console("--db", str(db), "db", "upgrade").returncode == 0
    load = _start_seed(db, folder)
    _wait_for_documents(db, load)
    made = run_console("--db", str(db), "backup", str(copy))
    load.communicate()
    assert load.returncode == 0
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"backed up {db} to {copy} (")
    _assert_sound(copy)
    checked = run_console("--db", str(copy), "check")
    assert checked.returncode == 0, checked.stdout
    assert sql(copy, "PRAGMA journal_mode") == [("delete",)]
    assert 0 < _documents(copy) <= 2500


def test_backup_never_overwrites_without_force(seeded: Path, tmp_path: Path) -> None:
    target = tmp_path / "existing.db"
    target.write_bytes(b"precious")
    refused = run_console("--db", str(seeded), "backup", str(target))
    assert refused.returncode == 1
    assert refused.stderr == f"Error: {target}: already exists; use --force to replace it\n"
    assert target.read_bytes() == b"precious"
    assert run_console("--db", str(seeded), "backup", "--force", str(target)).returncode == 0
    assert sql(target, "SELECT count(*) FROM declaration_points") == [(7,)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".existing")] == []


def test_check_passes_a_sound_database(seeded: Path) -> None:
    result = run_console("--db", str(seeded), "check")
    assert (result.returncode, result.stdout) == (
        0,
        f"ok: integrity, foreign keys, full-text indexes, schema at revision {HEAD_REVISION},"
        " sha256 of 1 documents\n",
    )


def test_check_lists_every_problem(seeded: Path) -> None:
    with closing(sqlite3.connect(seeded)) as connection, connection:
        connection.execute("UPDATE documents SET raw_text = raw_text || ' ' WHERE id = 1")
        connection.execute("DROP TRIGGER declaration_points_fts_insert")
        connection.execute(
            "INSERT INTO declaration_points (declaration_id, ordinal, text) VALUES (1, 8, 'x')"
        )
        connection.execute("INSERT INTO point_parties (point_id, party_id) VALUES (8, 999)")
    before = seeded.read_bytes()
    result = run_console("--db", str(seeded), "check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "problem: foreign key: point_parties row 14 names a missing parties row",
        "problem: full-text: trigger declaration_points_fts_insert is missing,"
        " so changed rows go unindexed",
        "problem: full-text: declaration_points_fts lacks 1 and has 0 extra of the rows of"
        " declaration_points; rebuild it with:"
        " INSERT INTO declaration_points_fts(declaration_points_fts) VALUES ('rebuild')",
        "problem: document 1: raw text does not match its sha256",
    ]
    assert result.stderr == "4 problem(s) found\n"
    assert seeded.read_bytes() == before  # checking changed nothing


def test_check_compares_the_indexed_words_with_the_rows(seeded: Path) -> None:
    with closing(sqlite3.connect(seeded)) as connection, connection:
        connection.execute("DROP TRIGGER articles_fts_update")
        connection.execute("UPDATE articles SET body = 'Nothing about missiles.' WHERE id = 1")
    result = run_console("--db", str(seeded), "check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "problem: full-text: trigger articles_fts_update is missing, so changed rows go unindexed",
        "problem: full-text: articles_fts does not match articles (database disk image is"
        " malformed); rebuild it with: INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ]


def test_check_during_a_load_says_what_it_could_not_compare(seeded: Path) -> None:
    with closing(sqlite3.connect(seeded, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # a load holding the write lock
        result = run_console("--db", str(seeded), "check")
        writer.execute("ROLLBACK")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("ok: integrity, foreign keys, full-text indexes,")
    assert result.stderr == (
        "note: words of the full-text indexes not compared (database is locked)\n"
    )


def test_check_refuses_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = run_console("--db", str(missing), "check")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {missing}: no such database; load something first with `communique seed`"
        " or name another file with --db or COMMUNIQUE_DB\n"
    )
    assert not missing.exists()


def test_check_lists_damage_to_the_file_instead_of_stopping(tmp_path: Path, seed_text: str) -> None:
    db = tmp_path / "store.db"
    assert (
        run_console(
            "--db", str(db), "seed", str(write_variants(tmp_path / "t", seed_text, 60)[0].parent)
        ).returncode
        == 0
    )
    data = bytearray(db.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = b"\xff" * 4096  # a page of garbage
    db.write_bytes(bytes(data))
    result = run_console("--db", str(db), "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("problem: ") for line in lines), result.stdout
    assert any(line.startswith("problem: integrity: ") for line in lines)
    assert result.stderr == f"{len(lines)} problem(s) found\n"


def test_check_of_an_empty_or_newer_database_says_what_it_is(seeded: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    result = run_console("--db", str(empty), "check")
    assert (result.returncode, result.stdout) == (
        1,
        "problem: no communique schema in it: not a communique database yet\n",
    )
    with closing(sqlite3.connect(seeded)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    result = run_console("--db", str(seeded), "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"problem: schema is at revision 9999, not {HEAD_REVISION}: made by a newer communique"
    )


def test_backup_does_not_replace_a_link_without_force(seeded: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "nowhere.db")
    refused = run_console("--db", str(seeded), "backup", str(link))
    assert refused.returncode == 1
    assert link.is_symlink()
