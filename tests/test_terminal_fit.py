"""Reading in a terminal: on a terminal of 100 columns every listing and `show` of the dev
corpus fits; piped, the same tables are whole; `show` prints the whole article."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from conftest import SHARED, RunCli, on_terminal, run_console, sql, unavailable

CORPUS = SHARED / "corpus" / "kcna-2024-dev.json"
BOLD = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.exists():
        unavailable(f"the dev corpus is expected at {CORPUS}")
    db = tmp_path_factory.mktemp("fit") / "corpus.db"
    loaded = run_console("--db", str(db), "seed", "--quiet", str(CORPUS))
    assert loaded.returncode == 0, loaded.stderr
    return db


def _widest(text: str) -> int:
    return max(len(BOLD.sub("", line)) for line in text.splitlines())


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["articles"],
        ["points"],
        ["points", "--party", "dprk"],
        ["declarations"],
        ["sources"],
        ["parties"],
        ["parties", "--all"],
        ["search", "missile"],
        ["search", "Kim", "Jong", "Un's", "--in", "points"],
        ["report"],
        ["query", "SELECT * FROM article_overview"],
        ["query", "SELECT * FROM declaration_overview"],
    ],
    ids=" ".join,
)
def test_every_listing_fits_a_terminal_of_100_columns(corpus_db: Path, command: list[str]) -> None:
    shown = on_terminal("--db", str(corpus_db), *command, columns=100)
    assert len(shown.splitlines()) > 2
    assert _widest(shown) <= 100


@pytest.mark.slow
def test_show_of_every_article_fits_a_terminal_of_100_columns(corpus_db: Path) -> None:
    ids = [int(str(row[0])) for row in sql(corpus_db, "SELECT id FROM articles ORDER BY id")]
    longest = sql(
        corpus_db,
        "SELECT article_id FROM declarations dc JOIN declaration_points p"
        " ON p.declaration_id = dc.id GROUP BY article_id ORDER BY count(*) DESC LIMIT 5",
    )
    chosen = sorted({*ids[::25], *(int(str(row[0])) for row in longest)})
    for article in chosen:
        shown = on_terminal("--db", str(corpus_db), "show", str(article), columns=100)
        assert _widest(shown) <= 100, article


@pytest.mark.slow
def test_every_article_shown_fits_100_columns(corpus_db: Path) -> None:
    """Every article of the dev corpus, rendered as `show` renders it for a terminal of 100
    columns (in process: 714 console runs would take minutes)."""
    from communique.cli.render import render_article
    from communique.db.database import connect
    from communique.read.listings import article_detail

    with closing(connect(corpus_db, readonly=True)) as connection:
        ids = [int(row[0]) for row in connection.execute("SELECT id FROM articles")]
        assert len(ids) == 714
        for article_id in ids:
            article = article_detail(connection, article_id)
            assert article is not None
            assert _widest(render_article(article, 100)) <= 100, article_id


@pytest.mark.slow
def test_piped_tables_are_whole(corpus_db: Path) -> None:
    piped = run_console("--db", str(corpus_db), "points")
    assert piped.returncode == 0
    texts = [str(row[0]) for row in sql(corpus_db, "SELECT text FROM declaration_points")]
    lines = piped.stdout.splitlines()
    assert len(lines) == len(texts) + 2  # a header, a rule, one line a point
    assert all(" ".join(text.split()) in piped.stdout for text in texts[:50])
    assert max(len(line) for line in lines) > 100


def test_show_prints_the_whole_article(cli: RunCli, seeded: Path) -> None:
    body = str(sql(seeded, "SELECT body FROM articles")[0][0])
    shown = cli("show", "1").stdout
    # Every word of the body, paragraph by paragraph; piped, the texts are wrapped to 88
    # columns and each fact is one line whole.
    for paragraph in body.split("\n\n"):
        assert " ".join(paragraph.split()) in " ".join(shown.split())
    facts = ("Article ", "Introduced:", "    http")
    texts = [line for line in shown.splitlines() if not line.startswith(facts)]
    assert max(len(line) for line in texts) <= 88
    assert [line for line in shown.splitlines() if line.startswith("Introduced:")] == [
        'Introduced:  "It says:"'
    ]
    assert shown.index("Published:") < shown.index(body.split()[0]) < shown.index("Points (7):")


def test_table_cells_are_one_line_with_rounded_ranks(seeded: Path) -> None:
    with closing(sqlite3.connect(seeded)) as connection, connection:
        connection.execute("UPDATE articles SET headline = 'Landmark\nevent'")
    shown = on_terminal("--db", str(seeded), "search", "missile", columns=200)
    rows = shown.splitlines()[2:]
    assert rows and all(re.search(r"  -(\d+\.\d\d|\d(\.\d)?e-\d\d)  ", row) for row in rows)
    assert all("Landmark event" in row for row in rows if row.startswith("article"))
    piped = run_console("--db", str(seeded), "search", "missile")
    assert "Landmark\\nevent" in piped.stdout  # piped, control characters are escaped


def test_narrow_terminals_wide_characters_and_one_column(seeded: Path) -> None:
    with closing(sqlite3.connect(seeded)) as connection, connection:
        connection.execute("UPDATE articles SET headline = '조선 로동당 중앙위원회 ' || headline")
    for columns in (30, 40):
        shown = on_terminal("--db", str(seeded), "show", "1", columns=columns)
        assert _widest(shown) <= columns
        for command in (
            ["articles"],
            ["points"],
            ["parties"],
            ["query", "SELECT body FROM articles"],
        ):
            listed = on_terminal("--db", str(seeded), *command, columns=columns)
            assert _columns(listed) <= columns, command


def test_numbers_are_rounded_on_a_terminal_only(seeded: Path) -> None:
    query = "SELECT 1e-7 AS tiny, 123456.789 AS big, -1.621076 AS rank"
    assert on_terminal("--db", str(seeded), "query", query, columns=100).splitlines()[
        2
    ].split() == [
        "1e-07",
        "123456.79",
        "-1.62",
    ]
    piped = run_console("--db", str(seeded), "query", query)
    assert piped.stdout.splitlines()[2].split() == ["1e-07", "123456.789", "-1.621076"]


def _columns(text: str) -> int:
    """The widest line in terminal columns, wide East Asian characters counting two."""
    import unicodedata

    return max(
        sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in BOLD.sub("", line))
        for line in text.splitlines()
    )
