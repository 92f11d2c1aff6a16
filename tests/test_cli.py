"""The command line as users meet it: help, version, the installed script, and start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from communique import __version__
from communique.cli import main

from conftest import RunCli, console_script, run_console, sql


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("path", _commands(main), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert len(result.output.split("\n\n")[1].strip()) > 20


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.output == f"communique, version {__version__}\n"


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2


@pytest.mark.slow
def test_console_script_runs_the_done_when_commands(tmp_path: Path) -> None:
    """The issue's acceptance commands, through the installed script in a subprocess."""
    env = {"COMMUNIQUE_DB": str(tmp_path / "communique.db")}
    first = run_console("seed", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "1 added, 0 unchanged, 0 failed\n"
    points = run_console("points", "--party", "russia", "--format", "csv", env=env)
    assert len(points.stdout.splitlines()) == 1 + 6
    assert sql(tmp_path / "communique.db", "select count(*) from declaration_points") == [(7,)]
    second = run_console("seed", env=env)
    assert second.stdout == "0 added, 1 unchanged, 0 failed\n"
    show = run_console("show", "1", env=env)
    assert show.returncode == 0
    assert show.stdout.startswith("Article 1: Landmark event in DPRK-Russia history\n")


def test_db_defaults_to_communique_db_in_the_current_directory(tmp_path: Path) -> None:
    result = run_console("seed", cwd=tmp_path, env={"COMMUNIQUE_DB": ""})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "communique.db").exists()


def test_python_dash_m_works(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "communique", "--db", str(tmp_path / "m.db"), "seed"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1 added, 0 unchanged, 0 failed\n"


def test_errors_show_a_traceback_only_with_verbose(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database" * 200)
    quiet = run_console("--db", str(broken), "articles")
    assert quiet.returncode == 1
    assert "Traceback" not in quiet.stderr
    loud = run_console("-v", "--db", str(broken), "articles")
    assert loud.returncode == 1
    assert "Traceback" in loud.stderr


def _heavy_modules_after(*invocations: list[str]) -> str:
    """Run the CLI in a fresh interpreter and report which heavy modules it imported."""
    probe = (
        "import sys\n"
        "from communique.cli import main\n"
        f"for args in {list(invocations)!r}:\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('heavy:', sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def test_help_does_not_import_sqlalchemy_or_alembic() -> None:
    assert _heavy_modules_after(["--help"]) == "heavy: []"


def test_listings_do_not_import_sqlalchemy(tmp_path: Path) -> None:
    db = str(tmp_path / "light.db")
    assert run_console("--db", db, "seed").returncode == 0
    assert (
        _heavy_modules_after(
            ["--db", db, "articles"],
            ["--db", db, "points", "--party", "russia"],
            ["--db", db, "show", "1"],
        )
        == "heavy: []"
    )


def test_loading_into_a_current_database_does_not_import_sqlalchemy(tmp_path: Path) -> None:
    """A load writes through the standard library's sqlite3; only migrating a file (here, the
    first `seed`, which creates the schema) needs SQLAlchemy and Alembic."""
    db = str(tmp_path / "light.db")
    assert _heavy_modules_after(["--db", db, "seed"]) == "heavy: ['alembic', 'sqlalchemy']"
    page = tmp_path / "second.txt"
    page.write_text("PYONGYANG, July 22 (KCNA) -- A second text was loaded.\n", encoding="utf-8")
    assert _heavy_modules_after(["--db", db, "seed", str(page)]) == "heavy: []"
    assert sql(Path(db), "SELECT count(*) FROM documents") == [(2,)]


def test_a_closed_pipe_ends_quietly(seeded: Path) -> None:
    """`communique query ... | head` must not print a traceback when head stops reading."""
    many_rows = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 300000)"
        " SELECT x FROM n"
    )
    process = subprocess.Popen(
        [str(console_script()), "--db", str(seeded), "query", many_rows],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert stderr == ""


@pytest.mark.parametrize(
    "command",
    [
        ["articles"],
        ["query", "SELECT 1"],
        ["report"],
        ["check"],
        ["backup", "copy.db"],
        ["forget", "--yes", "x.txt"],
        ["db", "current"],
        ["db", "downgrade", "base"],
    ],
)
def test_a_missing_database_is_said_the_same_way_by_every_command(
    cli: RunCli, db_path: Path, command: list[str]
) -> None:
    result = cli(*command)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: {db_path}: no such database; load something first with `communique seed`"
        " or name another file with --db or COMMUNIQUE_DB\n",
    )
    assert not db_path.exists()
