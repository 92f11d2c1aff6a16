"""Options where users type them: --db and -v after the command, unknown kinds and reversed
date ranges refused with one line, and every party the gazetteer knows on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from communique.cli.group import global_options_first

from conftest import RunCli, run_console


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["articles", "--db", "x.db"], ["--db", "x.db", "articles"]),
        (["articles", "--db=x.db", "-v"], ["--db=x.db", "-v", "articles"]),
        (["-v", "search", "missile", "--verbose"], ["-v", "--verbose", "search", "missile"]),
        (["db", "upgrade", "--db", "x.db"], ["--db", "x.db", "db", "upgrade"]),
        (["search", "--", "-v", "--db"], ["search", "--", "-v", "--db"]),
        (["--db", "articles", "points"], ["--db", "articles", "points"]),
        (["--help"], ["--help"]),
        (["articles", "--db"], ["--db", "articles"]),
    ],
    ids=[
        "db-after",
        "db-equals-and-verbose",
        "verbose-both",
        "subgroup",
        "after-double-dash",
        "db-named-like-a-command",
        "no-command",
        "db-without-a-value",
    ],
)
def test_global_options_move_before_the_command(args: list[str], expected: list[str]) -> None:
    commands = ["articles", "points", "search", "db"]
    assert global_options_first(args, commands) == expected


def test_db_and_verbose_are_taken_after_the_command(seeded: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    after = run_console("articles", "--db", str(seeded), "--format", "csv", cwd=elsewhere)
    assert after.returncode == 0, after.stderr
    before = run_console("--db", str(seeded), "articles", "--format", "csv", cwd=elsewhere)
    assert after.stdout == before.stdout
    assert after.stdout.splitlines()[1].startswith("1,2000-07-21,kcna,")
    assert not (elsewhere / "communique.db").exists()
    quiet = run_console("articles", "--party", "nobody", "--db", str(seeded), cwd=elsewhere)
    assert "Traceback" not in quiet.stderr
    verbose = run_console("articles", "--party", "nobody", "--db", str(seeded), "-v", cwd=elsewhere)
    assert verbose.returncode != 0
    assert "Traceback" in verbose.stderr


@pytest.mark.usefixtures("seeded")
def test_an_unknown_kind_is_an_error_naming_the_kinds(cli: RunCli) -> None:
    result = cli("articles", "--kind", "communiqué of sorts")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: no document kind is called 'communiqué of sorts'; the kinds are joint"
        " declaration, joint press statement,"
    )
    assert len(result.stderr.splitlines()) == 1
    for command in ("points", "search"):
        args = [command, "missile"] if command == "search" else [command]
        assert cli(*args, "--kind", "nonsense").exit_code == 1
    found = cli("articles", "--kind", "Joint  Declaration", "--format", "json")
    assert [row["id"] for row in json.loads(found.stdout)] == [1]
    assert cli("articles", "--kind", "editorial", "--format", "json").stdout == "[]\n"


@pytest.mark.usefixtures("seeded")
def test_a_reversed_date_range_is_an_error(cli: RunCli) -> None:
    result = cli("articles", "--since", "2024-05", "--until", "2024-04")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: --since 2024-05-01 is after --until 2024-04-30: no date is in between\n"
    )
    same_month = cli("articles", "--since", "2000-07", "--until", "2000-07", "--format", "csv")
    assert same_month.exit_code == 0
    assert len(same_month.stdout.splitlines()) == 2


@pytest.mark.usefixtures("seeded")
def test_parties_all_lists_the_whole_gazetteer(cli: RunCli, tmp_path: Path) -> None:
    stored = cli("parties", "--format", "csv").stdout.splitlines()
    everything = cli("parties", "--all", "--format", "csv").stdout.splitlines()
    assert everything[0] == stored[0]
    assert len(stored) == 3  # the header, the DPRK and Russia
    assert len(everything) > 400
    rows = {line.split(",")[1]: line for line in everything[1:]}
    assert rows["dprk"] == stored[1]
    assert rows["russia-cprf"] == (
        ",russia-cprf,Communist Party of the Russian Federation,CPRF,political-party,russia,0,0,0"
    )
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[parties.ruritania]\nname = "Kingdom of Ruritania"\nshort_name = "Ruritania"\n'
        'kind = "state"\n',
        encoding="utf-8",
    )
    with_extra = cli("parties", "--all", "--gazetteer", str(extra), "--format", "csv").stdout
    assert ",ruritania,Kingdom of Ruritania,Ruritania,state,,0,0,0" in with_extra.splitlines()
