"""A runaway statement can be stopped: Ctrl-C and SIGTERM stop any statement at once, `query`
and `search` have a time limit, a search's terms are capped, and `query` writes its rows as
SQLite makes them. Signals and streams are process behaviour: the real console script runs in
a subprocess."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import RunCli, console_script, run_console, write_variants

pytestmark = pytest.mark.slow

ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
ENDLESS_COUNT = f"{ENDLESS} SELECT count(*) FROM n"
"""Runs for ever in one statement, without a row to write."""
MAX_TERMS = 64
SLOW_SEARCH = " OR ".join(["t*"] * MAX_TERMS)
"""Within the cap, but seconds long on two thousand articles: every phrase is scored against
every match of the others."""
ABORTED = "\nAborted!\n"
"""What click writes for Ctrl-C in any command: a newline (past the ^C a terminal echoes),
then the word."""

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the child's CPU time from /proc"
)


def _start(db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(console_script()), "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_inside_the_statement(process: subprocess.Popen[str]) -> None:
    """Until the process has used more CPU than its start-up ever takes (a few tenths of a
    second): it is then inside the statement, whatever the load of the machine."""
    deadline = time.monotonic() + 60
    while _cpu_seconds(process.pid) < 1.0:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the statement never got going"
        time.sleep(0.02)


def _stopped_by(process: subprocess.Popen[str], number: int) -> tuple[float, str]:
    """Seconds from the signal to the end of the process, and its stderr. A process the
    signal does not stop is killed after ten seconds, and the test fails."""
    try:
        _wait_inside_the_statement(process)
        sent = time.monotonic()
        process.send_signal(number)
        try:
            _, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"signal {number} did not stop the statement within 10 s")
        return time.monotonic() - sent, stderr
    finally:
        process.kill()
        process.communicate()


@pytest.fixture
def many_articles(tmp_path: Path, seed_text: str) -> Path:
    db = tmp_path / "many.db"
    folder = tmp_path / "captures"
    write_variants(folder, seed_text, 2000)
    loaded = run_console("--db", str(db), "seed", "--quiet", str(folder))
    assert loaded.returncode == 0, loaded.stderr
    return db


@needs_proc
def test_ctrl_c_stops_a_runaway_query_at_once(seeded: Path) -> None:
    process = _start(seeded, "query", ENDLESS_COUNT)
    seconds, stderr = _stopped_by(process, signal.SIGINT)
    assert seconds < 1.0
    assert (process.returncode, stderr) == (1, ABORTED)


@needs_proc
def test_sigterm_stops_a_runaway_query_at_once(seeded: Path) -> None:
    process = _start(seeded, "query", ENDLESS_COUNT)
    seconds, stderr = _stopped_by(process, signal.SIGTERM)
    assert seconds < 1.0
    assert (process.returncode, stderr) == (143, "Terminated\n")


def test_ctrl_c_stops_a_statement_of_every_reading_command(seeded: Path) -> None:
    """Listings, `show`, `search` and `export` read through `AppContext.reader`, in process
    here, with Ctrl-C sent to this process in the middle of an endless statement. (Should the
    statement not stop, SQLite is told to give up after ten seconds, and the test fails.)"""
    from communique.cli.context import AppContext

    app = AppContext(database=str(seeded), verbose=False)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), app.reader() as connection:
        give_up = threading.Timer(10, connection.interrupt)
        give_up.start()
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            connection.execute(ENDLESS_COUNT).fetchall()
        finally:
            give_up.cancel()
    assert time.monotonic() - started < 1.5


def test_a_stop_is_not_lost_in_code_that_collects_errors(seeded: Path) -> None:
    """`check` turns each failing step into a problem and goes on; Ctrl-C inside a step's
    statement must still end the command, not become "could not be read to the end"."""
    from communique.db.checks import _guarded
    from communique.db.database import connect
    from communique.db.interrupts import watched

    connection = connect(seeded, readonly=True)
    give_up = threading.Timer(10, connection.interrupt)
    give_up.start()
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt), watched(connection):
            _guarded("endless", lambda c: c.execute(ENDLESS_COUNT).fetchall(), connection)
    finally:
        give_up.cancel()
        connection.close()
    assert time.monotonic() - started < 1.5


def test_a_query_past_its_time_limit_is_stopped_with_one_line(seeded: Path) -> None:
    started = time.monotonic()
    result = run_console("--db", str(seeded), "query", ENDLESS_COUNT, "--timeout", "1")
    seconds = time.monotonic() - started
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: the query ran past its time limit of 1 s and was stopped;"
        " allow it longer with --timeout SECONDS (0 for no limit)\n"
    )
    assert 1.0 <= seconds < 5.0


def test_a_search_past_its_time_limit_is_stopped_with_one_line(many_articles: Path) -> None:
    started = time.monotonic()
    result = run_console(
        "--db", str(many_articles), "search", "--fts", SLOW_SEARCH, "--timeout", "0.2"
    )
    seconds = time.monotonic() - started
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: the search ran past its time limit of 0.2 s and was stopped;"
        " allow it longer with --timeout SECONDS (0 for no limit)\n"
    )
    assert seconds < 4.0  # unstopped, the search takes seconds more


@pytest.mark.usefixtures("seeded")
def test_a_search_of_too_many_terms_is_refused(cli: RunCli) -> None:
    result = cli("search", *(["reunif*"] * (MAX_TERMS + 1)))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: cannot search for 65 terms at once: a search takes at most 64"
        ' (each word, prefix* and "quoted phrase" is one); quote a passage to search for it'
        " as one phrase\n"
    )
    at_the_cap = cli("search", "--fts", " OR ".join(["reunif*"] * MAX_TERMS), "--format", "csv")
    assert at_the_cap.exit_code == 0, at_the_cap.output
    assert at_the_cap.stdout.startswith("type,id,article_id,published,headline,rank,snippet\n")


def test_a_repeated_phrase_does_not_make_snippets_endless(tmp_path: Path, seed_text: str) -> None:
    """snippet() is one call no signal or time limit can break into, and its work grows
    faster than the square of the matches it marks: `t* OR t* ...` on articles dense in
    words beginning with t took two seconds a snippet. Said once, the phrase marks the same
    words at once."""
    lead_end = seed_text.index("\n", seed_text.index("\nPyongyang, July 21") + 1)
    dense = seed_text[:lead_end] + " They talked of ties, trade and travel." * 50
    write_variants(tmp_path / "dense", dense + seed_text[lead_end:], 20)
    db = tmp_path / "dense.db"
    assert run_console("--db", str(db), "seed", "--quiet", str(tmp_path / "dense")).returncode == 0
    started = time.monotonic()
    repeated = run_console("--db", str(db), "search", "--fts", SLOW_SEARCH, "--format", "jsonl")
    assert time.monotonic() - started < 10
    once = run_console("--db", str(db), "search", "t*", "--format", "jsonl")
    assert (repeated.returncode, repeated.stderr) == (0, "")
    snippets = [json.loads(line)["snippet"] for line in repeated.stdout.splitlines()]
    assert len(snippets) == 20
    assert sorted(snippets) == sorted(
        json.loads(line)["snippet"] for line in once.stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("nuclear", 1),
        ('"peaceful in its nature" OR reunif*', 2),
        ("missile AND launch NOT test", 3),
        ("NEAR(missile launch, 10)", 2),
        ("headline: missile", 1),
        ("{headline story_text}: reunif* peace", 2),
        ('"a ""quoted"" word" peace', 2),
        (" ".join(["t*"] * 400), 400),
    ],
)
def test_terms_are_counted_as_fts5_reads_the_query(query: str, count: int) -> None:
    """Operators, column names and NEAR's distance are no terms; a phrase is one."""
    from communique.read.search import terms

    assert terms(query) == count


@pytest.mark.parametrize(
    ("fmt", "first_line"),
    [("jsonl", '{"x": 1}'), ("csv", "x"), ("json", "["), ("table", "x")],
)
def test_query_writes_rows_while_the_statement_runs(
    seeded: Path, fmt: str, first_line: str
) -> None:
    """An endless result: rows come out all the same, long before any end."""
    process = _start(seeded, "query", f"{ENDLESS} SELECT x FROM n", "--format", fmt)
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "no output within 30 s"
        assert process.stdout.readline() == first_line + "\n"
        assert process.poll() is None  # still at it
    finally:
        process.kill()
        process.communicate()


def test_a_slow_reader_does_not_use_up_the_time_limit(seeded: Path) -> None:
    """The limit is on the statement's running, not on how fast a pager reads the rows."""
    rows = 100_000  # far more than the pipe holds: the writer waits on the reader
    many = f"{ENDLESS} SELECT x FROM n LIMIT {rows}"
    process = _start(seeded, "query", many, "--format", "jsonl", "--timeout", "1")
    assert process.stdout is not None
    try:
        assert process.stdout.readline() == '{"x": 1}\n'
        time.sleep(2)
        rest = process.stdout.read()
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        process.communicate()
    assert (process.returncode, stderr) == (0, "")
    assert rest.count("\n") == rows - 1


_PEAK_RSS = """
import resource, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
lines = sum(1 for _ in process.stdout)
print(process.wait(), lines, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


def test_query_memory_does_not_grow_with_the_result(seeded: Path) -> None:
    """Half a million rows to a reader counting lines: held in a list, they took 150 MiB more
    (2 million, 550 MiB more); written as they come, the command stays near its start-up
    size. Measured through a small launcher, whose child's peak is its own."""
    rows = 500_000
    many = f"{ENDLESS} SELECT x, 'row ' || x AS label FROM n LIMIT {rows}"
    command = [str(console_script()), "--db", str(seeded), "query", many, "--format", "jsonl"]
    launched = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, *command],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    status, lines, peak_mib = map(int, launched.stdout.split())
    assert (status, lines) == (0, rows)
    assert peak_mib < 60, f"peak RSS {peak_mib} MiB"


@pytest.mark.usefixtures("seeded")
def test_signal_handlers_are_put_back_after_a_command(cli: RunCli) -> None:
    """A program that runs communique's commands in process keeps its own handlers."""
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert cli("query", "SELECT 1").exit_code == 0
    assert cli("search", "nuclear").exit_code == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
