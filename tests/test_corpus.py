"""The real dev corpus of 1,334 KCNA records, read from ../shared: skipped with the reason when
absent locally, a failure when absent in CI."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main

from conftest import SHARED, sql, unavailable

pytestmark = pytest.mark.slow

CORPUS = SHARED / "corpus" / "kcna-2024-dev.json"


@pytest.fixture(autouse=True, scope="module")
def _corpus_present() -> None:
    """First of the module's fixtures (its scope is as wide as theirs, and it is autouse), so
    that a missing corpus is said before a fixture tries to load it."""
    if not CORPUS.exists():
        unavailable(f"the dev corpus is expected at {CORPUS} (a checkout beside shared/)")


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "corpus.db"
    code, out, err = _run(db, "seed", "--jobs", "2", str(CORPUS))
    assert (code, out) == (
        0,
        "1334 added (482 joined an existing article, 138 with no text), 0 unchanged, 0 failed\n",
    ), err
    return db


def test_the_corpus_loads_with_exactly_the_expected_counts(corpus_db: Path) -> None:
    assert sql(corpus_db, "SELECT status, count(*) FROM documents GROUP BY status") == [
        ("no text", 138),
        ("parsed", 1196),
    ]
    assert sql(corpus_db, "SELECT count(*) FROM articles") == [(714,)]
    assert sql(
        corpus_db,
        "SELECT count(*) FROM documents WHERE status = 'no text' AND article_id IS NOT NULL",
    ) == [(0,)]


def test_loading_it_again_adds_nothing(corpus_db: Path) -> None:
    code, out, _ = _run(corpus_db, "seed", str(CORPUS))
    assert (code, out) == (0, "0 added, 1334 unchanged, 0 failed\n")
    assert sql(corpus_db, "SELECT count(*) FROM articles") == [(714,)]


def test_every_article_has_its_full_date_from_the_record(corpus_db: Path) -> None:
    assert sql(corpus_db, "SELECT count(*), count(published_on) FROM articles") == [(714, 714)]
    assert sql(corpus_db, "SELECT DISTINCT published_from FROM articles") == [("record",)]


def test_every_kcna_text_gets_its_dateline(corpus_db: Path) -> None:
    records = json.loads(CORPUS.read_text(encoding="utf-8"))
    with_kcna = {i for i, r in enumerate(records) if "(KCNA)" in (r.get("story_text") or "")}
    rows = sql(
        corpus_db,
        "SELECT d.origin, a.dateline_place, a.published_month, a.published_day FROM documents d"
        " JOIN articles a ON a.id = d.article_id",
    )
    found = {int(str(origin).rsplit("#", 1)[1]): fields for origin, *fields in rows}
    assert with_kcna <= set(found)
    assert len(with_kcna) == 1145
    assert [i for i in with_kcna if None in found[i]] == []


def test_headlines_are_clean(corpus_db: Path) -> None:
    headlines = [
        str(headline)
        for (headline,) in sql(corpus_db, "SELECT headline FROM articles WHERE headline NOT NULL")
    ]
    stamp = re.compile(r"\[(?:Juche)?\d+\.\d+\.\d+\.?\]")
    assert not [h for h in headlines if stamp.search(h) or "\n" in h or "\t" in h or "  " in h]


def test_bodies_are_repaired_and_raw_text_kept(corpus_db: Path) -> None:
    glued = sql(
        corpus_db,
        "SELECT count(*) FROM articles WHERE body GLOB '*[a-z]Kim Jong Un*'"
        " OR body GLOB '*ComradeKim*'",
    )
    assert glued == [(0,)]
    ((raw,),) = sql(corpus_db, "SELECT count(*) FROM documents WHERE raw_text LIKE '%ComradeKim%'")
    assert isinstance(raw, int) and raw > 0


def test_published_documents_are_found(corpus_db: Path) -> None:
    kinds = sql(corpus_db, "SELECT kind, count(*) FROM declarations GROUP BY kind")
    assert ("press statement", 31) in kinds
    assert sum(count for _, count in kinds if isinstance(count, int)) == 89
    assert sql(corpus_db, "SELECT count(*) FROM declaration_points") == [(1072,)]
    # Press reviews list other papers' headlines; they publish no document.
    assert sql(corpus_db, "SELECT count(*) FROM declarations WHERE intro LIKE '%news items%'") == [
        (0,)
    ]
    # Messages from foreign leaders speak for their own countries; the one from an opposition
    # party is that party's, and speaks for no state.
    voices = sql(
        corpus_db,
        "SELECT CASE WHEN p.kind IN ('state', 'international-organisation') THEN p.slug"
        " WHEN p.speaks_for_state THEN st.slug END AS voice, count(*)"
        " FROM declarations d JOIN parties p ON p.id = d.issuer_party_id"
        " LEFT JOIN parties st ON st.id = p.state_id"
        " WHERE d.kind = 'message' GROUP BY voice ORDER BY voice",
    )
    assert voices == [
        (None, 1),
        ("belarus", 1),
        ("dprk", 5),
        ("egypt", 1),
        ("singapore", 1),
        ("sweden", 1),
        ("syria", 1),
        ("uganda", 1),
        ("vietnam", 2),
    ]
    assert sql(
        corpus_db,
        "SELECT p.slug, p.kind, st.slug, p.speaks_for_state FROM declarations d"
        " JOIN parties p ON p.id = d.issuer_party_id JOIN parties st ON st.id = p.state_id"
        " WHERE d.kind = 'message' ORDER BY 1",
    ) == [
        ("cpv", "political-party", "vietnam", 1),
        *[("kim-jong-un", "person", "dprk", 1)] * 5,
        ("russia-cprf", "political-party", "russia", 0),
    ]
    assert sql(
        corpus_db,
        "SELECT count(*) FROM declarations d WHERE NOT EXISTS"
        " (SELECT 1 FROM declaration_points p WHERE p.declaration_id = d.id)",
    ) == [(0,)]
    # A Foreign Ministry press statement speaks for the DPRK, whoever its points mention.
    ((statements, for_dprk),) = sql(
        corpus_db,
        "SELECT count(*), sum(p.slug = 'dprk' OR st.slug = 'dprk') FROM declarations d"
        " JOIN parties p ON p.id = d.issuer_party_id LEFT JOIN parties st ON st.id = p.state_id"
        " WHERE d.kind = 'press statement'"
        " AND d.issuer LIKE '%Foreign Ministry%'",
    )
    assert isinstance(statements, int) and statements > 0 and statements == for_dprk


def test_reparse_of_an_unchanged_database_changes_nothing(corpus_db: Path) -> None:
    before = sql(corpus_db, "SELECT count(*), total(id) FROM declaration_points")
    code, out, _ = _run(corpus_db, "reparse")
    assert (code, out) == (
        0,
        "1334 documents reparsed: 0 documents, 0 articles and 0 points changed, 0 failed\n",
    )
    assert sql(corpus_db, "SELECT count(*), total(id) FROM declaration_points") == before


_SAME_ROWS = (
    "SELECT id, origin, sha256, status, error, article_id, carrier_id FROM documents",
    "SELECT * FROM articles",
    "SELECT * FROM declarations",
    "SELECT * FROM declaration_points",
    "SELECT * FROM point_parties",
    "SELECT * FROM point_topics",
    "SELECT * FROM parties",
)


def test_extraction_in_the_writer_alone_gives_the_same_rows(
    corpus_db: Path, tmp_path: Path
) -> None:
    alone = tmp_path / "alone.db"
    code, _, err = _run(alone, "seed", "--jobs", "1", str(CORPUS))
    assert code == 0, err
    for statement in _SAME_ROWS:
        assert sql(alone, statement + " ORDER BY 1, 2") == sql(
            corpus_db, statement + " ORDER BY 1, 2"
        ), statement


def test_the_full_text_indexes_hold_every_row(corpus_db: Path) -> None:
    for index, table in (
        ("articles_fts", "articles"),
        ("declaration_points_fts", "declaration_points"),
    ):
        with sqlite3.connect(corpus_db) as connection:
            connection.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
        assert sql(corpus_db, f"SELECT count(*) FROM {index}_docsize") == sql(
            corpus_db, f"SELECT count(*) FROM {table}"
        )


def test_a_party_filter_never_returns_an_opposition_partys_points(corpus_db: Path) -> None:
    def listed(*options: str) -> list[tuple[str, str]]:
        code, out, err = _run(corpus_db, "points", *options, "--format", "jsonl")
        assert code == 0, err
        rows = [json.loads(line) for line in out.splitlines()]
        return sorted({(", ".join(row["parties"]), str(row["article_id"])) for row in rows})

    # The message of the chairman of the Communist Party of the Russian Federation is that
    # party's: `--party russia` means Russia and what speaks for it, which the CPRF does not.
    assert listed("--party", "russia") == []
    cprf = listed("--party", "Communist Party of the Russian Federation")
    assert [holders for holders, _ in cprf] == ["CPRF"]
    assert sql(
        corpus_db,
        "SELECT count(*) FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id"
        " WHERE pa.slug = 'russia-cprf'",
    ) == [(5,)]
    # The DPRK's own bodies speak for it; --exact keeps the state's own rows.
    everything = listed("--party", "dprk")
    own = listed("--party", "dprk", "--exact")
    assert {holders for holders, _ in own} == {"DPRK"}
    assert {"DPRK Foreign Ministry", "Rodong Sinmun", "WPK"} <= {h for h, _ in everything}
    assert set(own) < set(everything)


def test_every_dateline_keeps_its_own_date(corpus_db: Path) -> None:
    """Archive records carry the day they were scraped, which can be another than the
    dateline's: both are kept, for every article whose dateline gives a date."""
    ((with_place, with_date, differing),) = sql(
        corpus_db,
        "SELECT count(dateline_place), count(dateline_month),"
        " sum(published_on IS NOT NULL AND dateline_month IS NOT NULL"
        " AND printf('%02d-%02d', dateline_month, dateline_day) != substr(published_on, 6))"
        " FROM articles",
    )
    assert with_place == with_date == 664
    assert (
        differing
        == sql(
            corpus_db,
            "SELECT count(*) FROM article_overview WHERE dateline_date IS NOT NULL"
            " AND substr(dateline_date, -5) != substr(published, -5)",
        )[0][0]
    )
    assert differing == 2
