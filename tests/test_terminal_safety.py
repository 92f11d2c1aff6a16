"""Hostile text reaches no terminal: every human-readable output shows control characters as
visible escapes, file names cannot forge lines, csv cells cannot run as spreadsheet formulas,
and a non-UTF-8 locale never stops an output half-way. Stored text and the machine formats
keep every character exactly."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from communique.cli.display import printable, quoted

from conftest import RunCli, console_script, on_terminal, sql

HOSTILE = (
    "\x1b[2J"  # clear the screen
    "\x1b]0;pwned\x07"  # set the window title (OSC 0, ended by BEL)
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"  # an OSC-8 link, ended by ST
    " lone\x1b end"  # a lone ESC
    "\x9b31m"  # C1 CSI: red on terminals that act on 8-bit controls
    "\u202eevil"  # right-to-left override
)
SHOWN = (
    r"\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\click\x1b]8;;\x1b\ lone\x1b end"
    r"\x9b31m\u202eevil"
)
HEADLINE = f"Landmark {HOSTILE} event"
PARTY = "Ruri\x1b]0;pwned\x07tania"
GAZETTEER = """
[parties.ruritania]
name = "Kingdom of Ruritania"
short_name = "Ruri\\u001b]0;pwned\\u0007tania"
aliases = ["Ruritania"]
"""
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def _run(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The console script, its output kept as bytes: what a terminal would be sent."""
    return subprocess.run(
        [str(console_script()), *args],
        env={**os.environ, **(env or {})},
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def _assert_no_raw_controls(data: bytes) -> None:
    """No C0 control but tab and newline, no DEL, no C1 control, no bidi override."""
    text = data.decode("utf-8")
    assert not _RAW.findall(text), text


@pytest.fixture
def capture(tmp_path: Path, seed_text: str) -> Path:
    """The seed article with escape sequences in its headline and its fourth point, and a
    point held by a party whose name, from the user's gazetteer, holds an OSC title."""
    text = seed_text.replace("Landmark event in DPRK-Russia history", HEADLINE)
    text = text.replace(
        "purely peaceful in its nature.", f"purely peaceful in its nature {HOSTILE}."
    )
    # Ruritania signs too, so that a point can be its own.
    text = text.replace(
        "devote one whole page to the DPRK-Russia joint declaration",
        "devote one whole page to the DPRK-Russia-Ruritania joint declaration",
    )
    text = text.replace("The DPRK and Russia are convinced", "The DPRK and Ruritania are convinced")
    path = tmp_path / "hostile.txt"
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def hostile(cli: RunCli, db_path: Path, capture: Path, tmp_path: Path) -> Path:
    gazetteer = tmp_path / "gazetteer.toml"
    gazetteer.write_text(GAZETTEER, encoding="utf-8")
    result = cli("seed", "--gazetteer", str(gazetteer), str(capture))
    assert result.exit_code == 0, result.output
    assert sql(db_path, "SELECT headline FROM articles") == [(HEADLINE,)]
    return db_path


def _line_of(output: bytes, start: str) -> str:
    lines = [line for line in output.decode("utf-8").splitlines() if line.startswith(start)]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize(
    ("command", "line_start", "shown"),
    [
        (["articles"], "1 ", f"  Landmark {SHOWN} event  1          7"),
        (["show", "1"], "Article 1:", f"Article 1: Landmark {SHOWN} event"),
        (
            ["points"],
            "4 ",
            f"  In particular, the DPRK stated that its missile program does not"
            f" pose any threat to anybody but is purely peaceful in its nature {SHOWN}.",
        ),
        (
            ["parties"],
            "3 ",
            r"  Ruri\x1b]0;pwned\x07tania  state         0                 4       0",
        ),
        (["report"], "  Ruri", r"  Ruri\x1b]0;pwned\x07tania 4"),
        (
            ["search", "peaceful", "--in", "points"],
            "point",
            "  \u2026any threat to anybody but is purely [peaceful] in its nature"
            r" \x1b[2J\x1b]0;pwned\x07\x1b]8;;http"
            "\u2026",
        ),
    ],
)
def test_text_for_reading_shows_control_characters_escaped(
    hostile: Path, command: list[str], line_start: str, shown: str
) -> None:
    result = _run("--db", str(hostile), *command)
    assert result.returncode == 0, result.stderr
    _assert_no_raw_controls(result.stdout)
    _assert_no_raw_controls(result.stderr)
    assert _line_of(result.stdout, line_start).endswith(shown)  # each value on its one line


def test_show_text_escapes_the_points_it_wraps(hostile: Path) -> None:
    result = _run("--db", str(hostile), "show", "1")
    _assert_no_raw_controls(result.stdout)
    text = result.stdout.decode("utf-8")
    assert "held by: DPRK, Ruri\\x1b]0;pwned\\x07tania" in text
    assert "\\x1b\\click\\x1b]8;;" in text


def test_search_on_a_terminal_bolds_matches_and_escapes_the_rest(hostile: Path) -> None:
    """On a terminal, our own bold is the only escape sequence in the output."""
    text = on_terminal("--db", str(hostile), "search", "peaceful", "--limit", "1", columns=400)
    assert "purely \x1b[1mpeaceful\x1b[0m in its nature \\x1b[2J\\x1b]0;pwned" in text
    _assert_no_raw_controls(text.replace("\x1b[1m", "").replace("\x1b[0m", "").encode())


def test_machine_formats_and_the_store_keep_every_character(hostile: Path, capture: Path) -> None:
    assert sql(hostile, "SELECT raw_text FROM documents") == [(capture.read_text("utf-8"),)]
    database = ("--db", str(hostile))
    as_json = json.loads(_run(*database, "articles", "--format", "json").stdout)
    assert as_json[0]["headline"] == HEADLINE
    as_jsonl = _run(*database, "articles", "--format", "jsonl").stdout.decode("utf-8")
    assert json.loads(as_jsonl)["headline"] == HEADLINE
    as_csv = _run(*database, "articles", "--format", "csv").stdout.decode("utf-8")
    assert next(csv.DictReader(io.StringIO(as_csv)))["headline"] == HEADLINE
    shown = json.loads(_run(*database, "show", "1", "--format", "json").stdout)
    assert shown["headline"] == HEADLINE
    points = [point["text"] for point in shown["declarations"][0]["points"]]
    assert points[3].endswith(f"purely peaceful in its nature {HOSTILE}.")
    exported = _run(*database, "export", "--what", "documents").stdout.decode("utf-8")
    assert json.loads(exported)["raw_text"] == capture.read_text("utf-8")
    found = _run(*database, "search", "peaceful", "--in", "points", "--format", "jsonl").stdout
    assert json.loads(found)["snippet"].endswith(f"[peaceful] in its nature {HOSTILE[:23]}\u2026")
    parties = _run(*database, "parties", "--format", "csv").stdout.decode("utf-8")
    assert PARTY in [row["short_name"] for row in csv.DictReader(io.StringIO(parties))]


def test_a_file_name_that_would_forge_lines_is_quoted(tmp_path: Path) -> None:
    empty = tmp_path / "empty\nerror: forged.txt"
    empty.write_bytes(b"")
    missing = "missing\x1b[2J.txt"
    result = _run("--db", str(tmp_path / "t.db"), "seed", str(empty), missing)
    assert result.returncode == 1
    assert result.stderr.decode("utf-8").splitlines()[1:] == [
        f"error: {str(empty)!r}: empty file",
        "error: 'missing\\x1b[2J.txt': no such file or directory",
    ]
    assert result.stdout == b"0 added, 0 unchanged, 2 failed\n"


def test_messages_escape_what_they_quote(hostile: Path, tmp_path: Path) -> None:
    """An error quoting the user's SQL, a file name or captured text is one plain line."""
    result = _run("--db", str(hostile), "query", "SELECT 1 FROM \x1b[2J\nx")
    assert result.returncode == 1
    assert result.stderr == b'Error: query failed: unrecognized token: "\\x1b"\n'
    missing = tmp_path / "a\x1b]0;title\x07\nb.db"
    result = _run("--db", str(missing), "articles")
    shown = printable(str(missing))
    assert result.returncode == 1
    assert result.stderr.decode("utf-8") == (
        f"Error: {shown}: no such database; load something first with"
        " `communique seed` or name another file with --db or COMMUNIQUE_DB\n"
    )


def test_printable_and_quoted() -> None:
    assert printable("a\tb\nc\rd\x00e\x7f\x85\x9b\u2028\u202e\u2066\udcff") == (
        r"a\tb\nc\rd\x00e\x7f\x85\x9b\u2028\u202e\u2066\udcff"
    )
    assert printable("Kim Jong Un — 조선 \\x1b café\u00a0") == "Kim Jong Un — 조선 \\x1b café\u00a0"
    assert quoted("plain name — 조선.txt") == "plain name — 조선.txt"
    assert quoted("a\nb.txt") == "'a\\nb.txt'"


FORMULA = '=HYPERLINK("http://evil.example/","click")'


@pytest.fixture
def formula(tmp_path: Path, cli: RunCli, db_path: Path) -> Path:
    archive = tmp_path / "formula.jsonl"
    record = {"headline": FORMULA, "story_text": "Talks were held.", "date_str": "2024-05-03"}
    archive.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert cli("seed", str(archive)).exit_code == 0
    return db_path


def _csv(output: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output.decode("utf-8"))))


def test_csv_text_that_would_run_as_a_formula_gets_an_apostrophe(formula: Path) -> None:
    database = ("--db", str(formula))
    exported = _csv(_run(*database, "export", "--format", "csv").stdout)
    assert exported[0]["headline"] == "'" + FORMULA
    listed = _csv(_run(*database, "articles", "--format", "csv").stdout)
    assert listed[0]["headline"] == "'" + FORMULA
    found = _csv(_run(*database, "search", "talks", "--format", "csv").stdout)
    assert found[0]["headline"] == "'" + FORMULA
    assert float(found[0]["rank"]) < 0  # a number, minus sign and all, is left as it is
    queried = _run(
        *database,
        "query",
        "SELECT -5 AS n, -0.5 AS x, '-5' AS t, '@SUM(A1)' AS a, '+1' AS p, 'x=1' AS plain,"
        " char(9) || '=1' AS tab",
        "--format",
        "csv",
    )
    assert queried.stdout.decode("utf-8") == (
        "n,x,t,a,p,plain,tab\n-5,-0.5,'-5,'@SUM(A1),'+1,x=1,'\t=1\n"
    )
    carriage_return = _run(
        *database, "query", "SELECT 1 AS n, char(13) || '=1' AS cr", "--format", "csv"
    )
    assert carriage_return.stdout == b'n,cr\n"1","\'\r=1"\n'


def test_csv_keeps_a_lone_carriage_return_inside_its_cell(formula: Path) -> None:
    """The csv module quotes a cell for newlines only: a bare carriage return in a text
    would split its row for every csv reader."""
    queried = _run(
        "--db",
        str(formula),
        "query",
        "SELECT 'a' || char(13) || 'b' AS t, 2 AS n",
        "--format",
        "csv",
        "--no-formula-guard",
    )
    rows = list(csv.reader(io.StringIO(queried.stdout.decode("utf-8"), newline="")))
    assert rows == [["t", "n"], ["a\rb", "2"]]


def test_no_formula_guard_keeps_csv_exact(formula: Path) -> None:
    database = ("--db", str(formula))
    exported = _csv(_run(*database, "export", "--format", "csv", "--no-formula-guard").stdout)
    assert exported[0]["headline"] == FORMULA
    listed = _csv(_run(*database, "articles", "--format", "csv", "--no-formula-guard").stdout)
    assert listed[0]["headline"] == FORMULA
    queried = _run(*database, "query", "SELECT '-5' AS t", "--format", "csv", "--no-formula-guard")
    assert queried.stdout == b"t\n-5\n"


def test_json_lines_round_trip_is_unaffected(formula: Path, tmp_path: Path) -> None:
    exported = tmp_path / "a.jsonl"
    exported.write_bytes(_run("--db", str(formula), "export").stdout)
    assert json.loads(exported.read_bytes())["headline"] == FORMULA
    again = tmp_path / "again.db"
    loaded = _run("--db", str(again), "seed", str(exported))
    assert loaded.returncode == 0, loaded.stderr
    assert sql(again, "SELECT headline, body FROM articles") == sql(
        formula, "SELECT headline, body FROM articles"
    )


KOREAN = "조선 — 평양 talks"
LOCALES = [
    pytest.param({"LC_ALL": "POSIX", "PYTHONUTF8": "0"}, id="posix"),
    pytest.param({"PYTHONIOENCODING": "latin-1"}, id="latin-1"),
]


def _locale(case: dict[str, str]) -> dict[str, str]:
    """The environment with only `case` saying how to encode."""
    names = ("LANG", "LANGUAGE", "LC_", "PYTHONIOENCODING", "PYTHONUTF8")
    kept = {name: value for name, value in os.environ.items() if not name.startswith(names)}
    return {**kept, **case}


@pytest.fixture
def korean(tmp_path: Path, cli: RunCli, db_path: Path) -> Path:
    archive = tmp_path / "korean.jsonl"
    archives = [
        {
            "headline": f"{KOREAN} {number}",
            "story_text": f"{KOREAN} were held, day {number}.",
            "date_str": f"2024-05-0{number + 1}",
        }
        for number in range(3)
    ]
    archive.write_text("".join(json.dumps(record) + "\n" for record in archives), "utf-8")
    assert cli("seed", str(archive)).exit_code == 0
    return db_path


def _in_locale(case: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(
        [str(console_script()), *args],
        env=_locale(case),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    return result


@pytest.mark.parametrize("case", LOCALES)
def test_tables_escape_what_the_locale_cannot_encode(case: dict[str, str], korean: Path) -> None:
    shown = r"\uc870\uc120 \u2014 \ud3c9\uc591 talks"
    listed = _in_locale(case, "--db", str(korean), "articles").stdout.decode("ascii")
    rows = [re.split("  +", line) for line in listed.splitlines()[2:]]
    assert [row[-3:] for row in rows] == [[f"{shown} {number}", "1", "0"] for number in range(3)]
    queried = _in_locale(case, "--db", str(korean), "query", "SELECT headline FROM articles")
    assert queried.stdout.decode("ascii").splitlines()[2:] == [
        f"{shown} {number}" for number in range(3)
    ]
    article = _in_locale(case, "--db", str(korean), "show", "3").stdout.decode("ascii")
    assert article.startswith(f"Article 3: {shown} 2\n")


@pytest.mark.parametrize("case", LOCALES)
@pytest.mark.parametrize(
    "command",
    [
        ["articles", "--format", "csv"],
        ["articles", "--format", "json"],
        ["query", "SELECT headline FROM articles", "--format", "jsonl"],
        ["export"],
        ["export", "--format", "csv"],
    ],
)
def test_data_formats_are_utf_8_whatever_the_locale(
    case: dict[str, str], command: list[str], korean: Path
) -> None:
    output = _in_locale(case, "--db", str(korean), *command).stdout.decode("utf-8")
    assert [f"{KOREAN} {number}" in output for number in range(3)] == [True] * 3
