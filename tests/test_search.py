"""Full-text search: stemming, phrases, prefixes, operators, ranking, snippets, filters, and the
triggers that keep the index in step with every writer."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import RunCli, sql, write_variants

MISSILE_ARTICLE = """\
Missile test draws missile experts

Pyongyang, May 2 (KCNA) -- Experts gathered to watch a new rocket engine test.

It was a success.
"""


def _hits(cli: RunCli, *args: str) -> list[dict[str, object]]:
    result = cli("search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    hits: list[dict[str, object]] = json.loads(result.stdout)
    return hits


@pytest.mark.usefixtures("seeded")
def test_stemming_finds_missile_from_missiles(cli: RunCli) -> None:
    hits = _hits(cli, "missiles")
    assert [(hit["type"], hit["id"]) for hit in hits] == [("point", 4), ("article", 1)]
    assert hits[0]["snippet"] == (
        "In particular, the DPRK stated that its [missile] program does not pose any threat"
        " to anybody\u2026"
    )
    assert isinstance(hits[0]["rank"], float)
    assert hits[0]["published"] == "2000-07-21"


@pytest.mark.usefixtures("seeded")
def test_a_headline_hit_ranks_first(cli: RunCli, tmp_path: Path) -> None:
    page = tmp_path / "missile.txt"
    page.write_text(MISSILE_ARTICLE, encoding="utf-8")
    assert cli("seed", str(page)).exit_code == 0
    hits = _hits(cli, "missile", "--in", "articles")
    assert [hit["id"] for hit in hits] == [2, 1]
    assert hits[0]["headline"] == "Missile test draws missile experts"
    assert hits[0]["snippet"] == "[Missile] test draws [missile] experts"


@pytest.mark.parametrize(
    ("query", "points"),
    [
        ('"peaceful in its nature"', [4]),
        ("reunif*", [1]),
        ("terrorism AND criminal", [5]),
        ("terrorism OR reunification", [1, 5]),
        ("cooperation NOT security", [5, 6]),
        ("DEFENCE", [7]),
        ("nonexistentword", []),
    ],
)
@pytest.mark.usefixtures("seeded")
def test_query_syntax(cli: RunCli, query: str, points: list[int]) -> None:
    hits = _hits(cli, "--fts", query, "--in", "points")
    assert sorted(int(str(hit["id"])) for hit in hits) == points


@pytest.mark.parametrize(
    "query", ['"unbalanced', "AND", "missile AND", "NOT", "(missile", "col:missile"]
)
@pytest.mark.usefixtures("seeded")
def test_a_malformed_query_is_one_clear_line(cli: RunCli, query: str) -> None:
    result = cli("search", "--fts", query)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot search for {query!r}")
    assert "put phrases in double quotes" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.usefixtures("seeded")
def test_filters_narrow_the_hits(cli: RunCli) -> None:
    # "cooperation" finds cooperate and cooperative too (stemming), best match first.
    hits = _hits(cli, "cooperation", "--in", "points", "--party", "russia")
    assert [hit["id"] for hit in hits] == [7, 6, 5]
    assert _hits(cli, "missile", "--in", "points", "--party", "russia") == []
    assert [h["id"] for h in _hits(cli, "missile", "--topic", "missiles", "--in", "points")] == [4]
    assert _hits(cli, "missile", "--topic", "sanctions") == []
    assert _hits(cli, "missile", "--kind", "press statement") == []
    assert len(_hits(cli, "missile", "--kind", "joint declaration")) == 2
    assert _hits(cli, "missile", "--since", "2001") == []
    assert len(_hits(cli, "missile", "--until", "2000-07")) == 2
    assert _hits(cli, "missile", "--section", "Military") == []
    unknown = cli("search", "missile", "--source", "tass")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "Error: no source is called 'tass'; `communique sources` lists them\n",
    )
    assert len(_hits(cli, "missile", "--limit", "1")) == 1


@pytest.mark.usefixtures("seeded")
def test_plain_output_brackets_matches_and_json_stays_readable(cli: RunCli, tmp_path: Path) -> None:
    page = tmp_path / "quotes.txt"
    page.write_text(
        "Talks on \u201cpeace\u201d\n\nPyongyang, May 2 (KCNA) -- Kim Jong Un\u2019s"
        " \u201cpeace\u201d talks began.\n",
        encoding="utf-8",
    )
    assert cli("seed", str(page)).exit_code == 0
    table = cli("search", "talks", "--in", "articles").stdout
    assert "[talks]" in table
    raw = cli("search", "talks", "--format", "json").stdout
    assert "\u201cpeace\u201d" in raw and "\\u201c" not in raw
    jsonl = cli("search", "talks", "--format", "jsonl").stdout
    assert json.loads(jsonl.splitlines()[0])["snippet"] == "[Talks] on \u201cpeace\u201d"


def test_rows_written_by_plain_sql_are_indexed(seeded: Path, cli: RunCli) -> None:
    with sqlite3.connect(seeded) as connection:
        connection.execute(
            "INSERT INTO declaration_points (declaration_id, ordinal, text) VALUES"
            " (1, 8, 'Both sides will open a zebrafish hatchery.')"
        )
    assert [h["id"] for h in _hits(cli, "zebrafish")] == [8]
    with sqlite3.connect(seeded) as connection:
        connection.execute("UPDATE declaration_points SET text = 'A llama farm.' WHERE id = 8")
    assert _hits(cli, "zebrafish") == []
    assert [h["id"] for h in _hits(cli, "llama")] == [8]


def test_deleting_an_article_removes_it_and_its_points_from_the_index(
    seeded: Path, cli: RunCli
) -> None:
    with sqlite3.connect(seeded) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM articles WHERE id = 1")
    assert _hits(cli, "missile") == []
    for index in ("articles_fts", "declaration_points_fts"):
        assert sql(seeded, f"SELECT count(*) FROM {index}_docsize") == [(0,)]
        with sqlite3.connect(seeded) as connection:
            connection.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")


def test_reparse_keeps_the_index_in_step(seeded: Path, cli: RunCli) -> None:
    with sqlite3.connect(seeded) as connection:
        connection.execute("UPDATE declaration_points SET text = 'edited' WHERE id = 4")
    assert _hits(cli, "missile", "--in", "points") == []
    assert cli("reparse").exit_code == 0
    assert [h["id"] for h in _hits(cli, "missile", "--in", "points")] != []


def test_matches_are_bold_on_a_terminal(seeded: Path) -> None:
    from conftest import on_terminal

    wide = on_terminal("--db", str(seeded), "search", "missile", "--in", "points", columns=400)
    assert "\x1b[1mmissile\x1b[0m" in wide
    assert "[missile]" not in wide
    narrow = on_terminal("--db", str(seeded), "search", "missile", "--in", "points", columns=60)
    assert (
        max(len(line.replace("\x1b[1m", "").replace("\x1b[0m", "")) for line in narrow.splitlines())
        <= 60
    )
    assert narrow.count("\x1b[1m") == narrow.count("\x1b[0m")


def _triggers(db: Path) -> list[tuple[object, ...]]:
    return sql(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")


def test_a_load_indexes_its_rows_and_leaves_the_triggers_as_they_were(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    assert cli("db", "upgrade").exit_code == 0
    before = _triggers(db_path)
    assert len(before) == 6
    page = tmp_path / "missile.txt"
    page.write_text(MISSILE_ARTICLE, encoding="utf-8")
    assert cli("seed").exit_code == 0
    assert cli("seed", str(page)).exit_code == 0
    assert _triggers(db_path) == before
    assert [h["id"] for h in _hits(cli, "missile", "--in", "articles")] == [2, 1]
    with sqlite3.connect(db_path) as connection:
        for index in ("articles_fts", "declaration_points_fts"):
            # rank 1: check the index against the table's rows too, not only itself.
            connection.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
    assert sql(db_path, "SELECT count(*) FROM declaration_points_fts_docsize") == [(7,)]


@pytest.mark.usefixtures("seeded")
def test_an_unfiltered_search_finds_what_a_filter_that_keeps_everything_finds(cli: RunCli) -> None:
    for query in ("missile", "cooperation", "peace OR security", '"joint declaration"'):
        assert _hits(cli, query) == _hits(cli, query, "--since", "1900"), query


@pytest.mark.parametrize(
    "query",
    [
        "missile' OR 1=1 --",
        "x'); DROP TABLE articles; --",
        'missile" OR rowid > 0 OR "',
        "* FROM articles --",
    ],
)
def test_a_query_cannot_leave_its_match(cli: RunCli, seeded: Path, query: str) -> None:
    before = seeded.read_bytes()
    result = cli("search", query, "--format", "json")
    # Whatever FTS5 makes of the words, it is a search: an error line or some hits.
    if result.exit_code == 1:
        assert result.stderr.startswith(f"Error: cannot search for {query!r}")
    else:
        assert all(hit["type"] in ("article", "point") for hit in json.loads(result.stdout))
    assert sql(seeded, "SELECT count(*) FROM articles") == [(1,)]
    assert seeded.read_bytes() == before
    assert cli("points", "--party", "russia' OR '1'='1").exit_code == 1


def _segments(db: Path) -> list[int]:
    """How many segments each full-text index is in (articles, points)."""
    return [
        int(str(sql(db, f"SELECT count(DISTINCT segid) FROM {index}_idx")[0][0]))
        for index in ("articles_fts", "declaration_points_fts")
    ]


def test_a_load_that_makes_most_of_an_index_merges_it(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    texts = [str(text) for text in write_variants(tmp_path / "texts", seed_text, 7)]
    # Each load writes a segment of its own; the first two made at least half of the
    # indexes, so they were merged into one.
    for text in texts[:2]:
        assert cli("seed", text).exit_code == 0
        assert _segments(db_path) == [1, 1]
    # A third of the rows is too few to rewrite the whole index for: FTS5 merges later.
    assert cli("seed", texts[2]).exit_code == 0
    assert _segments(db_path) == [2, 2]
    # Four more on three: merged again, and every row still found.
    assert cli("seed", *texts[3:]).stdout == "4 added, 0 unchanged, 0 failed\n"
    assert _segments(db_path) == [1, 1]
    assert len(_hits(cli, "missile", "--in", "articles", "--limit", "50")) == 7
    assert len(_hits(cli, "missile", "--in", "points", "--limit", "50")) == 7
    assert cli("check").exit_code == 0


WORDS_ARTICLE = (
    "U.S. Moves Denounced\n\nPyongyang, May 2 (KCNA) -- The DPRK-Russia talks denounced the"
    " U.S. missile launch plan. Kim Jong Un's letter was read out. Peace AND security OR"
    " (nothing) were discussed.\n"
)


@pytest.mark.parametrize(
    ("words", "found"),
    [
        (["U.S."], True),
        (["DPRK-Russia"], True),
        (["Kim", "Jong", "Un's"], True),
        (["Kim Jong Un's"], True),
        (["missile", "launch"], True),
        (['"missile launch"'], True),
        (['"launch missile"'], False),
        (["launch missile"], False),
        (["missile launch", "plan"], True),
        (["missile", "zebrafish"], False),
        (["AND", "OR"], True),
        (["(nothing)"], True),
        (["denounc*"], True),
        (['missile"', "OR", 'rowid"'], False),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_ordinary_words_need_no_quoting(
    cli: RunCli, tmp_path: Path, words: list[str], found: bool
) -> None:
    page = tmp_path / "words.txt"
    page.write_text(WORDS_ARTICLE, encoding="utf-8")
    assert cli("seed", str(page)).exit_code == 0
    result = cli("search", *words, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [hit["article_id"] for hit in json.loads(result.stdout)] == ([1] if found else [])


def test_full_text_syntax_stays_behind_a_flag(cli: RunCli, tmp_path: Path) -> None:
    page = tmp_path / "words.txt"
    page.write_text(WORDS_ARTICLE, encoding="utf-8")
    assert cli("seed", str(page)).exit_code == 0
    # As words, "OR" must occur too; as a query, it joins.
    assert json.loads(cli("search", "zebrafish", "OR", "missile", "--format", "json").stdout) == []
    either = cli("search", "--fts", "zebrafish OR missile", "--format", "json")
    assert [hit["article_id"] for hit in json.loads(either.stdout)] == [1]
    only_punctuation = cli("search", "--", "-", "*")
    assert only_punctuation.exit_code == 1
    assert only_punctuation.stderr == "Error: give something to search for\n"
