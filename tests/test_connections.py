"""Every SQLite connection is opened by one function, database.open_connection, and closed
by the time a command ends.

The counting wraps that function in-process, so every command is run through click's
CliRunner. A connection is open while asking it whether it is in a transaction works, from
any thread (sqlite3 checks only that it is not closed), so the count sees connections that
a writing thread or SQLAlchemy's engine opened as well. Python 3.11 does not warn of an
unclosed sqlite3 connection, so this is what shows one.
"""

from __future__ import annotations

import ast
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from communique.cli import main
from communique.db import database

from conftest import SEED_NAME, write_variants

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "communique"

Opened = list[sqlite3.Connection]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Opened:
    """Every connection opened from now on, through the one function. It is replaced where
    it is defined and wherever a module loaded so far has imported it; a module loaded later
    imports the replacement."""
    original = database.open_connection
    connections: Opened = []

    def counting(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = original(*args, **kwargs)
        connections.append(connection)
        return connection

    for name, module in list(sys.modules.items()):
        if name.startswith("communique") and getattr(module, "open_connection", None) is original:
            monkeypatch.setattr(module, "open_connection", counting)
    return connections


def _is_open(connection: sqlite3.Connection) -> bool:
    try:
        connection.in_transaction  # noqa: B018 - raises once the connection is closed
    except sqlite3.ProgrammingError:
        return False
    return True


def _run(db: Path, opened: Opened, *args: str) -> tuple[Result, int, int]:
    """Run one command; (its result, connections it opened, of those still open)."""
    opened.clear()
    result = CliRunner().invoke(main, ["--db", str(db), *args], input="")
    return result, len(opened), sum(_is_open(connection) for connection in opened)


COMMANDS: list[tuple[str, ...]] = [
    ("articles",),
    ("articles", "--party", "russia", "--format", "json"),
    ("show", "1"),
    ("points", "--topic", "missiles"),
    ("sources",),
    ("parties",),
    ("query", "SELECT count(*) FROM documents"),
    ("search", "missile"),
    ("export",),
    ("export", "--what", "points", "--format", "csv", "-o", "{tmp}/points.csv"),
    ("report",),
    ("check",),
    ("backup", "{tmp}/copy.db"),
    ("reparse",),
    ("forget", "--yes", f"communique:seed/{SEED_NAME}"),
    ("db", "current"),
    ("db", "downgrade", "0003"),
    ("db", "upgrade"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_connection_a_command_opens_is_closed_when_it_ends(
    seeded: Path, tmp_path: Path, opened: Opened, command: tuple[str, ...]
) -> None:
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
    result, count, still_open = _run(seeded, opened, *args)
    assert result.exit_code == 0, result.output
    assert count >= 1
    assert still_open == 0


def test_seed_closes_every_connection(
    db_path: Path, tmp_path: Path, seed_text: str, opened: Opened
) -> None:
    result, count, still_open = _run(db_path, opened, "seed")
    assert (result.exit_code, still_open) == (0, 0)
    assert count >= 3  # the migration's, the load's writer, the checkpoint after
    folder = tmp_path / "many"
    write_variants(folder, seed_text, 300)
    result, count, still_open = _run(db_path, opened, "seed", "--quiet", "--jobs", "2", str(folder))
    assert (result.exit_code, still_open) == (0, 0), result.output
    assert count >= 3


@pytest.mark.parametrize(
    "command",
    [
        ("query", "DELETE FROM documents"),
        ("search", "--fts", '"unclosed'),
        ("show", "99"),
        ("articles", "--party", "nobody"),
        ("export", "-o", "{db}"),
        ("forget", "--yes", "nothing-of-that-name.txt"),
        ("db", "downgrade", "9999"),
    ],
    ids=" ".join,
)
def test_a_command_that_fails_closes_its_connections_too(
    seeded: Path, opened: Opened, command: tuple[str, ...]
) -> None:
    args = [arg.replace("{db}", str(seeded)) for arg in command]
    result, _, still_open = _run(seeded, opened, *args)
    assert result.exit_code != 0
    assert still_open == 0


def test_history_needs_no_connection(opened: Opened, db_path: Path) -> None:
    result, count, still_open = _run(db_path, opened, "db", "history")
    assert (result.exit_code, count, still_open) == (0, 0, 0)


def _connects(tree: ast.AST) -> list[ast.AST]:
    """Every mention of sqlite3.connect in `tree`, called or handed on."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "connect"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sqlite3"
    ]


def test_sqlite3_connect_is_called_in_one_function_only() -> None:
    """Anything else that connects (`from sqlite3 import connect`, an engine made from a URL
    naming a file) would be a second way in, with settings of its own and no count."""
    mentions: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if found := _connects(tree):
            mentions[str(path.relative_to(PACKAGE))] = len(found)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "sqlite3":
                assert "connect" not in [alias.name for alias in node.names], path
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "create_engine":
                urls = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
                keywords = {keyword.arg for keyword in node.keywords}
                assert (urls, "creator" in keywords) == (["sqlite://"], True), path
    assert mentions == {"db/database.py": 1}
    tree = ast.parse((PACKAGE / "db" / "database.py").read_text(encoding="utf-8"))
    (function,) = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "open_connection"
    ]
    assert len(_connects(function)) == 1
