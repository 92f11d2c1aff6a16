"""Shared fixtures: a temporary database path, the CLI run in-process, and the installed
console script run as a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner, Result

from communique.cli import main
from communique.resources import seed_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = "globalsecurity-kcna-2000-07-21-dprk-russia-joint-declaration.txt"
SHARED = PROJECT_ROOT.parent / "shared"

RunCli = Callable[..., Result]

DATELINES = (
    "communique: run `communique reparse` to derive the dates of datelines from the documents"
    " already stored\n"
)
"""What an upgrade through revision 0007 says of a database holding documents."""


def unavailable(reason: str) -> NoReturn:
    """A test that cannot run here: skipped locally with the reason, but a failure in CI
    (`CI` set), where everything the suite needs must be present and nothing may be skipped
    in silence."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must provide it")
    pytest.skip(reason)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def seed_text() -> str:
    return (seed_dir() / SEED_NAME).read_text(encoding="utf-8")


@pytest.fixture
def cli(db_path: Path) -> RunCli:
    """Run `communique --db <db_path> ARGS...` in-process, stdout and stderr kept apart."""

    def run(*args: str, input: str | bytes | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(main, ["--db", str(db_path), *args], input=input)

    return run


@pytest.fixture
def seeded(cli: RunCli, db_path: Path) -> Path:
    result = cli("seed")
    assert result.exit_code == 0, result.output
    return db_path


def console_script() -> Path:
    """The `communique` script installed beside the running interpreter."""
    script = Path(sys.executable).parent / "communique"
    assert script.exists(), f"console script not installed at {script}"
    return script


def on_terminal(*args: str, columns: int = 100, timeout: float = 120) -> str:
    """What the console script prints to a terminal of `columns` columns (a pseudo-terminal
    of that size), with the terminal's line endings made plain newlines. The output is read
    while the command runs: a terminal holds only a few kilobytes unread."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    output = b""
    try:
        process = subprocess.Popen(
            [str(console_script()), *args], stdout=terminal, stderr=subprocess.PIPE, env=env
        )
        os.close(terminal)
        terminal = -1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the other end is closed: everything was read
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
        _, stderr = process.communicate(timeout=max(deadline - time.monotonic(), 1))
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert process.returncode == 0, stderr
    return output.decode("utf-8").replace("\r\n", "\n")


def run_console(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(console_script()), *args],
        cwd=cwd,
        env=full_env,
        input=input.decode() if input is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


def sql(db: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    """Read the database with plain sqlite3, not our code, so tests see what users see."""
    with sqlite3.connect(db) as connection:
        return connection.execute(statement, params).fetchall()


def write_variants(folder: Path, seed_text: str, count: int, start: int = 0) -> list[Path]:
    """`count` distinct captures of the seed article, each with its own sentence in the lead
    (so its own text and fingerprint) and the same seven points."""
    folder.mkdir(parents=True, exist_ok=True)
    lead_start = seed_text.index("\nPyongyang, July 21")
    lead_end = seed_text.index("\n", lead_start + 1)
    written = []
    for number in range(start, start + count):
        page = folder / f"{number:05}.txt"
        text = f"{seed_text[:lead_end]} Copy {number} of the article.{seed_text[lead_end:]}"
        page.write_text(text, encoding="utf-8")
        written.append(page)
    return written


def assert_file_sound(db: Path) -> None:
    """SQLite's integrity check, the foreign keys, and FTS5's own check of both full-text
    indexes against their tables, read with plain sqlite3: what a crash, a race or a lost
    transaction could break."""
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        for index in ("articles_fts", "declaration_points_fts"):
            connection.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
    finally:
        connection.close()


def stored_counts(db: Path) -> list[tuple[object, ...]]:
    """Documents, articles, points, and the rows each full-text index holds."""
    return sql(
        db,
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles),"
        " (SELECT count(*) FROM declaration_points), (SELECT count(*) FROM articles_fts_docsize),"
        " (SELECT count(*) FROM declaration_points_fts_docsize)",
    )
