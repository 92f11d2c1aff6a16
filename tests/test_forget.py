"""`communique forget`: a mistaken load is taken back whole, and nothing else is touched."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from conftest import SHARED, RunCli, console_script, run_console, sql, unavailable

CORPUS = SHARED / "corpus" / "kcna-2024-dev.json"

STORY = (
    "Pyongyang, August 5 (KCNA) -- A spokesperson for the Foreign Ministry of the DPRK issued"
    " a press statement on the {topic}.\n\nThe statement reads:\n\nThe {topic} is a matter of"
    " principle for the DPRK and it will never be negotiated."
)
VOCABULARY = ("sources", "parties", "topics")
"""Shared vocabulary: forget leaves it as it is."""


def _archive(path: Path, topics: list[str]) -> Path:
    records = [
        {
            "topic": "External",
            "headline": f"Press statement on the {topic}",
            "link": f"http://www.kcna.kp/en/article/q/{number}-{len(topics)}.kcmsf",
            "date_str": f"2024-08-{number + 5:02}",
            "story_text": STORY.format(topic=topic),
        }
        for number, topic in enumerate(topics)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def _rows(db: Path, *, vocabulary: bool = True) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the full-text indexes' own, with plain sqlite3; a load's
    time is left out (a load again is at another time)."""
    names = [
        str(name)
        for (name,) in sql(
            db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%'"
        )
        if vocabulary or name not in VOCABULARY
    ]
    found: dict[str, list[tuple[object, ...]]] = {}
    for name in names:
        columns = [row[1] for row in sql(db, f'PRAGMA table_info("{name}")')]
        listed = ", ".join(f'"{column}"' for column in columns if column != "received_at")
        found[name] = sorted(sql(db, f'SELECT {listed} FROM "{name}"'), key=repr)
    return found


CONTENT = {
    "documents": "SELECT d.origin, d.url, d.sha256, d.raw_text, d.encoding, c.slug, d.section,"
    " d.status, d.error, a.fingerprint, d.format, d.given_year, ds.slug FROM documents d"
    " LEFT JOIN sources c ON c.id = d.carrier_id LEFT JOIN sources ds"
    " ON ds.id = d.distributor_id LEFT JOIN articles a ON a.id = d.article_id",
    "articles": "SELECT s.slug, a.headline, a.dateline_place, a.published_year,"
    " a.published_month, a.published_day, a.published_on, a.published_from, a.lead, a.body,"
    " a.fingerprint FROM articles a LEFT JOIN sources s ON s.id = a.source_id",
    "declarations": "SELECT a.fingerprint, dc.kind, dc.title, dc.signed_place, dc.signed_year,"
    " dc.signed_month, dc.signed_day, dc.intro, dc.signed_from, dc.issuer, p.slug"
    " FROM declarations dc JOIN articles a ON a.id = dc.article_id"
    " LEFT JOIN parties p ON p.id = dc.issuer_party_id",
    "declaration_parties": "SELECT a.fingerprint, dc.kind, p.slug FROM declaration_parties x"
    " JOIN declarations dc ON dc.id = x.declaration_id JOIN articles a ON a.id = dc.article_id"
    " JOIN parties p ON p.id = x.party_id",
    "signatories": "SELECT a.fingerprint, s.name, s.title, p.slug FROM signatories s"
    " JOIN declarations dc ON dc.id = s.declaration_id JOIN articles a ON a.id = dc.article_id"
    " LEFT JOIN parties p ON p.id = s.party_id",
    "points": "SELECT a.fingerprint, pt.ordinal, pt.text, pt.subject, pt.label,"
    " (SELECT group_concat(slug) FROM (SELECT p.slug FROM point_parties x JOIN parties p"
    " ON p.id = x.party_id WHERE x.point_id = pt.id ORDER BY 1)),"
    " (SELECT group_concat(slug) FROM (SELECT t.slug FROM point_topics x JOIN topics t"
    " ON t.id = x.topic_id WHERE x.point_id = pt.id ORDER BY 1))"
    " FROM declaration_points pt JOIN declarations dc ON dc.id = pt.declaration_id"
    " JOIN articles a ON a.id = dc.article_id",
    "search": "SELECT a.fingerprint, f.headline, f.body FROM articles_fts f"
    " JOIN articles a ON a.id = f.rowid UNION ALL SELECT NULL, NULL, text"
    " FROM declaration_points_fts",
}
"""What a store holds, told without its ids (two stores give out ids in another order)."""


def _content(db: Path) -> dict[str, list[tuple[object, ...]]]:
    return {name: sorted(sql(db, query), key=repr) for name, query in CONTENT.items()}


def _indexes_exact(db: Path) -> None:
    """FTS5's own check, comparing each index with the rows of its table."""
    with closing(sqlite3.connect(db)) as connection:
        for index in ("articles_fts", "declaration_points_fts"):
            connection.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
        for index, table in (("articles_fts", "articles"), ("declaration_points_fts", "points")):
            (indexed,) = connection.execute(f"SELECT count(*) FROM {index}_docsize").fetchone()
            (rows,) = connection.execute(
                f"SELECT count(*) FROM {'declaration_points' if table == 'points' else table}"
            ).fetchone()
            assert indexed == rows, index


def _seed(cli: RunCli, *paths: Path | str) -> None:
    result = cli("seed", *[str(path) for path in paths])
    assert result.exit_code == 0, result.output


@pytest.fixture
def two_files(tmp_path: Path, seed_text: str) -> tuple[Path, Path]:
    """An archive of two statements, and a text file: the packaged seed article."""
    archive = _archive(tmp_path / "statements.json", ["fisheries", "sanctions"])
    text = tmp_path / "declaration.txt"
    text.write_text(seed_text, encoding="utf-8")
    return archive, text


def test_forgetting_one_file_of_two_leaves_exactly_the_others_rows(
    cli: RunCli, db_path: Path, tmp_path: Path, two_files: tuple[Path, Path]
) -> None:
    archive, text = two_files
    only = tmp_path / "only.db"
    _seed(lambda *a: cli("--db", str(only), *a), text)
    _seed(cli, text, archive)
    result = cli("forget", "--yes", str(archive))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "would forget 2 documents, 2 articles, 2 declarations and 2 points, loaded from:\n"
        f"  {archive} (2 records)\n"
        "forgot 2 documents, 2 articles, 2 declarations and 2 points\n"
    )
    backup = db_path.parent / f"{db_path.name}.before-forget.bak"
    assert result.stderr == f"communique: backing up {db_path} to {backup} before forgetting\n"
    assert _rows(db_path, vocabulary=False) == _rows(only, vocabulary=False)
    for table in VOCABULARY:  # left as they are
        assert set(_rows(only)[table]) <= set(_rows(db_path)[table])
    assert _content(db_path) == _content(only)
    assert sql(backup, "SELECT count(*) FROM documents") == [(3,)]
    _indexes_exact(db_path)
    assert cli("check").exit_code == 0


def test_a_forgotten_file_loads_again_exactly(
    cli: RunCli, db_path: Path, two_files: tuple[Path, Path]
) -> None:
    archive, text = two_files
    _seed(cli, text, archive)
    before = _rows(db_path)
    assert cli("forget", "--yes", "--no-backup", str(archive)).exit_code == 0
    assert list(db_path.parent.glob("*.bak")) == []
    again = cli("seed", str(archive))
    assert again.stdout == "2 added, 0 unchanged, 0 failed\n"
    assert _rows(db_path) == before
    _indexes_exact(db_path)
    assert cli("check").exit_code == 0


def test_an_article_captured_by_a_file_that_stays_is_rewritten_from_it(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    """The article was written from its first capture, whose manifest gave its year; once
    that capture is forgotten it must read as the capture that stays gives it."""
    first = tmp_path / "with-year" / "page.txt"
    first.parent.mkdir()
    first.write_text(seed_text, encoding="utf-8")
    (first.parent / "manifest.toml").write_text(
        '["page.txt"]\npublished_year = 2000\n', encoding="utf-8"
    )
    second = tmp_path / "recapture.txt"
    second.write_text(seed_text.replace("\n\n", "\n\n\n"), encoding="utf-8")
    only = tmp_path / "only.db"
    _seed(lambda *a: cli("--db", str(only), *a), second)
    _seed(cli, first, second)
    assert sql(db_path, "SELECT published_on, published_from FROM articles") == [
        ("2000-07-21", "manifest")
    ]
    result = cli("forget", "--yes", str(first))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "would forget 1 document, 0 articles, 0 declarations and 0 points, loaded from:\n"
        f"  {first}\n"
        "1 article also captured by other documents will stay, rewritten from those\n"
        "forgot 1 document, 0 articles, 0 declarations and 0 points\n"
    )
    assert sql(db_path, "SELECT published_on, published_from FROM articles") == sql(
        only, "SELECT published_on, published_from FROM articles"
    )
    assert _content(db_path) == _content(only)
    _indexes_exact(db_path)
    assert cli("check").exit_code == 0
    assert cli("reparse").stdout == (
        "1 documents reparsed: 0 documents, 0 articles and 0 points changed, 0 failed\n"
    )


def test_an_article_handed_over_keeps_the_topics_of_the_users_taxonomy(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    """An article rewritten from the capture that stays is coded with the vocabularies the
    user gives `forget`, as the load and `reparse` coded it, not with the packaged ones."""
    taxonomy = tmp_path / "taxonomy.toml"
    taxonomy.write_text(
        '[topics.user-peace]\nname = "Peaceful intent"\nterms = ["purely peaceful"]\n',
        encoding="utf-8",
    )
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(seed_text, encoding="utf-8")
    second.write_text(seed_text.replace("\n\n", "\n\n\n"), encoding="utf-8")
    tagged = (
        "SELECT p.ordinal FROM point_topics pt JOIN topics t ON t.id = pt.topic_id"
        " JOIN declaration_points p ON p.id = pt.point_id WHERE t.slug = 'user-peace'"
    )
    loaded = cli("seed", "--taxonomy", str(taxonomy), str(first), str(second))
    assert loaded.exit_code == 0, loaded.output
    assert sql(db_path, tagged) == [(4,)]
    result = cli("forget", "--yes", "--taxonomy", str(taxonomy), str(first))
    assert result.exit_code == 0, result.output
    assert sql(db_path, tagged) == [(4,)]
    assert sql(db_path, "SELECT count(*) FROM articles") == [(1,)]
    _indexes_exact(db_path)


def test_an_article_its_remaining_capture_no_longer_gives_is_said(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    """A capture edited by hand since it was loaded extracts to another article: the one it
    was linked to is left as it is, and reparse is pointed to."""
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(seed_text, encoding="utf-8")
    second.write_text(seed_text.replace("\n\n", "\n\n\n"), encoding="utf-8")
    _seed(cli, first, second)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute(
            "UPDATE documents SET raw_text = ? WHERE id = 2", [STORY.format(topic="fisheries")]
        )
    result = cli("forget", "--yes", "--no-backup", str(first))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "communique: article 1 stays as its forgotten capture gave it: document 2 no longer"
        " extracts to it; run `communique reparse`\n"
    )
    assert sql(db_path, "SELECT id, article_id FROM documents") == [(2, 1)]
    assert sql(db_path, "SELECT count(*) FROM declaration_points") == [(7,)]


@pytest.mark.slow
def test_off_a_terminal_it_refuses_without_yes(db_path: Path, two_files: tuple[Path, Path]) -> None:
    archive, text = two_files
    assert run_console("--db", str(db_path), "seed", str(text), str(archive)).returncode == 0
    before = _rows(db_path)
    refused = subprocess.run(
        [str(console_script()), "--db", str(db_path), "forget", str(archive)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr == (
        "Error: would forget 2 documents, 2 articles, 2 declarations and 2 points: not on a"
        " terminal to confirm; add --yes to go on (nothing forgotten)\n"
    )
    assert _rows(db_path) == before
    assert list(db_path.parent.glob("*.bak")) == []


def _on_a_terminal(db: Path, answer: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`communique forget` with a terminal for its standard input, answering `answer`."""
    main, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(console_script()), "--db", str(db), "forget", *args],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.write(main, answer)
        out, err = process.communicate(timeout=120)
    finally:
        os.close(terminal)
        os.close(main)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.slow
def test_on_a_terminal_it_asks_first(db_path: Path, two_files: tuple[Path, Path]) -> None:
    archive, text = two_files
    assert run_console("--db", str(db_path), "seed", str(text), str(archive)).returncode == 0
    before = _rows(db_path)
    declined = _on_a_terminal(db_path, b"n\n", str(archive))
    assert declined.returncode == 1
    assert declined.stdout.decode().endswith("Forget them? [y/N]: ")
    assert declined.stderr.decode() == "Aborted!\n"
    assert _rows(db_path) == before
    accepted = _on_a_terminal(db_path, b"y\n", str(archive), "--no-backup")
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.decode().endswith(
        "Forget them? [y/N]: forgot 2 documents, 2 articles, 2 declarations and 2 points\n"
    )
    assert sql(db_path, "SELECT count(*) FROM documents") == [(1,)]


def test_an_origin_that_matches_nothing_is_an_error_naming_it(
    cli: RunCli, db_path: Path, two_files: tuple[Path, Path]
) -> None:
    archive, text = two_files
    _seed(cli, text, archive)
    before = _rows(db_path)
    result = cli("forget", "--yes", str(archive), "missing.txt")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: nothing was loaded from 'missing.txt'; nothing forgotten. Name a file as it"
        ' was loaded, or an origin as stored: communique query "SELECT DISTINCT origin FROM'
        ' documents" lists them\n'
    )
    assert _rows(db_path) == before


def test_dry_run_only_says(cli: RunCli, db_path: Path, two_files: tuple[Path, Path]) -> None:
    archive, text = two_files
    _seed(cli, text, archive)
    before = _rows(db_path)
    result = cli("forget", "--dry-run", str(text))
    assert result.exit_code == 0
    assert result.stdout == (
        f"would forget 1 document, 1 article, 1 declaration and 7 points, loaded from:\n  {text}\n"
    )
    assert _rows(db_path) == before
    assert list(db_path.parent.glob("*.bak")) == []


def test_the_names_of_inputs(
    cli: RunCli,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A relative path as `seed` resolved it, one record of an archive, standard input as
    `seed` spells it, a folder, and the packaged seed texts."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "captures"
    _archive(folder / "one.json", ["fisheries", "sanctions", "tourism"])
    _archive(folder / "deeper" / "two.json", ["shipping"])
    _seed(cli, "captures/one.json")
    _seed(cli, str(folder / "deeper"))
    piped = cli("seed", "-", input=STORY.format(topic="railways"))
    assert piped.exit_code == 0, piped.output
    _seed(cli)

    def origins() -> list[object]:
        return [origin for (origin,) in sql(db_path, "SELECT origin FROM documents ORDER BY id")]

    one = str(folder / "one.json")
    assert cli("forget", "-y", "--no-backup", f"{one}#1").exit_code == 0
    assert origins()[:2] == [f"{one}#0", f"{one}#2"]
    assert cli("forget", "-y", "--no-backup", "-").exit_code == 0
    assert "<stdin>" not in origins()
    assert cli("forget", "-y", "--no-backup", "captures").exit_code == 0
    seed = "communique:seed/globalsecurity-kcna-2000-07-21-dprk-russia-joint-declaration.txt"
    assert origins() == [seed]
    assert cli("forget", "-y", "--no-backup", seed).exit_code == 0
    assert sql(
        db_path, "SELECT count(*) FROM documents UNION ALL SELECT count(*) FROM articles"
    ) == [
        (0,),
        (0,),
    ]
    _indexes_exact(db_path)


def test_a_failure_part_way_forgets_nothing(
    cli: RunCli, db_path: Path, two_files: tuple[Path, Path]
) -> None:
    """The documents go first: a refusal when their articles follow must bring them back."""
    archive, text = two_files
    _seed(cli, text, archive)
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute(
            "CREATE TRIGGER keep_articles BEFORE DELETE ON articles"
            " BEGIN SELECT RAISE(ABORT, 'articles are kept by hand'); END"
        )
    before = _rows(db_path)
    result = cli("forget", "--yes", "--no-backup", str(archive))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {db_path}: forgetting failed (articles are kept by hand); nothing forgotten\n"
    )
    assert _rows(db_path) == before


@pytest.mark.slow
def test_forgetting_half_of_the_corpus_leaves_the_other_half_as_if_loaded_alone(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    """Real records: hundreds of articles are captured in both halves; they stay, and read
    as the other half alone gives them."""
    if not CORPUS.exists():
        unavailable(f"the dev corpus is expected at {CORPUS} (a checkout beside shared/)")
    records = json.loads(CORPUS.read_text(encoding="utf-8"))
    first, second = tmp_path / "even.json", tmp_path / "odd.json"
    first.write_text(json.dumps(records[::2]), encoding="utf-8")
    second.write_text(json.dumps(records[1::2]), encoding="utf-8")
    only = tmp_path / "only.db"
    _seed(lambda *a: cli("--db", str(only), *a), second)
    _seed(cli, first, second)
    result = cli("forget", "--yes", "--no-backup", str(first))
    assert result.exit_code == 0, result.output
    assert "200 articles also captured by other documents will stay" in result.stdout
    assert _content(db_path) == _content(only)
    _indexes_exact(db_path)
    assert cli("check").exit_code == 0
