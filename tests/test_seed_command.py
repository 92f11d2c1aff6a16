"""`communique seed` end to end, read back with plain sqlite3."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from communique.resources import seed_dir

from conftest import SEED_NAME, RunCli, run_console, sql

SEED_URL = "https://www.globalsecurity.org/wmd/library/news/dprk/2000/dprk-000721.htm"


def test_seed_loads_the_packaged_set(cli: RunCli, db_path: Path) -> None:
    result = cli("seed")
    assert result.exit_code == 0
    assert result.stdout == "1 added, 0 unchanged, 0 failed\n"
    assert f"creating database schema in {db_path}" in result.stderr
    assert sql(db_path, "SELECT count(*) FROM declaration_points") == [(7,)]


def test_seed_is_idempotent(cli: RunCli, db_path: Path) -> None:
    assert cli("seed").exit_code == 0
    again = cli("seed")
    assert again.exit_code == 0
    assert again.stdout == "0 added, 1 unchanged, 0 failed\n"
    assert again.stderr == ""
    counts = sql(
        db_path,
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles),"
        " (SELECT count(*) FROM declarations), (SELECT count(*) FROM declaration_points),"
        " (SELECT count(*) FROM point_parties), (SELECT count(*) FROM signatories),"
        " (SELECT count(*) FROM sources), (SELECT count(*) FROM parties)",
    )
    assert counts == [(1, 1, 1, 7, 13, 2, 2, 2)]


def test_document_is_stored_verbatim_with_its_sha256(seeded: Path) -> None:
    raw = (seed_dir() / SEED_NAME).read_bytes()
    rows = sql(
        seeded,
        "SELECT d.origin, d.url, d.sha256, d.raw_text, d.encoding, c.slug, d.section, d.status,"
        " d.error, d.article_id, d.received_at IS NOT NULL"
        " FROM documents d JOIN sources c ON c.id = d.carrier_id",
    )
    assert rows == [
        (
            f"communique:seed/{SEED_NAME}",
            SEED_URL,
            hashlib.sha256(raw).hexdigest(),
            raw.decode("utf-8"),
            "utf-8",
            "globalsecurity",
            "Weapons of Mass Destruction (WMD)",
            "parsed",
            None,
            1,
            1,
        )
    ]


def test_article_row(seeded: Path) -> None:
    rows = sql(
        seeded,
        "SELECT s.slug, s.name, s.kind, s.country, a.headline, a.dateline_place,"
        " a.published_year, a.published_month, a.published_day, a.published_on,"
        " substr(a.lead, 1, 40), substr(a.body, 1, 30), length(a.fingerprint)"
        " FROM articles a JOIN sources s ON s.id = a.source_id",
    )
    assert rows == [
        (
            "kcna",
            "Korean Central News Agency",
            "news agency",
            "DPRK",
            "Landmark event in DPRK-Russia history",
            "Pyongyang",
            2000,
            7,
            21,
            "2000-07-21",
            "Papers here today including Rodong Sinmu",
            "Pyongyang, July 21 (KCNA) -- P",
            64,
        )
    ]


def test_sources_rows(seeded: Path) -> None:
    assert sql(seeded, "SELECT slug, name, kind, country FROM sources ORDER BY slug") == [
        ("globalsecurity", "GlobalSecurity.org", "website", "US"),
        ("kcna", "Korean Central News Agency", "news agency", "DPRK"),
    ]


def test_declaration_and_signatories_rows(seeded: Path) -> None:
    assert sql(
        seeded,
        "SELECT article_id, kind, title, signed_place, signed_year, signed_month, signed_day,"
        " intro FROM declarations",
    ) == [
        (
            1,
            "joint declaration",
            "DPRK-Russia joint declaration",
            "Pyongyang",
            2000,
            7,
            19,
            "It says:",
        )
    ]
    assert sql(
        seeded,
        "SELECT s.name, s.title, p.slug FROM signatories s JOIN parties p ON p.id = s.party_id"
        " ORDER BY s.id",
    ) == [
        ("Kim Jong Il", "Chairman of the National Defence Commission", "dprk"),
        ("V. V. Putin", "President", "russia"),
    ]
    assert sql(seeded, "SELECT slug, name, short_name FROM parties ORDER BY slug") == [
        ("dprk", "Democratic People's Republic of Korea", "DPRK"),
        ("russia", "Russian Federation", "Russia"),
    ]


def test_points_and_their_parties_rows(seeded: Path) -> None:
    rows = sql(
        seeded,
        "SELECT p.ordinal, p.subject, group_concat(pa.slug, ',')"
        " FROM declaration_points p JOIN point_parties pp ON pp.point_id = p.id"
        " JOIN parties pa ON pa.id = pp.party_id GROUP BY p.id ORDER BY p.ordinal",
    )
    assert [
        (ordinal, subject, ",".join(sorted(str(slugs).split(","))))
        for ordinal, subject, slugs in rows
    ] == [
        (1, "Both sides", "dprk,russia"),
        (2, "The DPRK and Russia", "dprk,russia"),
        (3, "The DPRK and Russia", "dprk,russia"),
        (4, "the DPRK", "dprk"),
        (5, "The DPRK and Russia", "dprk,russia"),
        (6, "All peoples of the world", "dprk,russia"),
        (7, "both sides", "dprk,russia"),
    ]
    first, last = sql(
        seeded,
        "SELECT substr(text, 1, 30) FROM declaration_points WHERE ordinal IN (1, 7)"
        " ORDER BY ordinal",
    )
    assert first == ("Both sides reached a consensus",)
    assert last == ("Acknowledging the invariable i",)


@pytest.mark.usefixtures("seeded")
def test_points_for_russia_lists_six(cli: RunCli) -> None:
    result = cli("points", "--party", "russia", "--format", "jsonl")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 6
    by_name = cli("points", "--party", "Russian Federation", "--format", "jsonl")
    assert by_name.stdout == result.stdout


def test_seed_loads_files_directories_and_stdin(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    folder = tmp_path / "captures" / "nested"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(seed_text.replace("July 21", "July 22"), encoding="utf-8")
    (folder / "ignored.html").write_text("<p>not loaded</p>", encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_text(seed_text.replace("July 21", "July 23"), encoding="utf-8")
    stdin_text = seed_text.replace("July 21", "July 24")
    result = cli("seed", str(tmp_path / "captures"), str(single), "-", input=stdin_text)
    assert result.exit_code == 0, result.output
    assert result.stdout == "3 added, 0 unchanged, 0 failed\n"
    assert sql(db_path, "SELECT origin FROM documents ORDER BY id") == [
        (str((folder / "a.txt").resolve()),),
        (str(single.resolve()),),
        ("<stdin>",),
    ]
    assert sql(db_path, "SELECT published_day, published_year FROM articles ORDER BY id") == [
        (22, None),
        (23, None),
        (24, None),
    ]


def test_a_manifest_beside_the_texts_gives_url_and_year(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    (tmp_path / "page.txt").write_text(seed_text, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '["page.txt"]\nurl = "https://example.org/page"\npublished_year = 2001\n', encoding="utf-8"
    )
    assert cli("seed", str(tmp_path)).exit_code == 0
    assert sql(
        db_path,
        "SELECT d.url, a.published_on FROM documents d JOIN articles a ON a.id = d.article_id",
    ) == [("https://example.org/page", "2001-07-21")]


def test_a_second_capture_joins_the_article(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    assert cli("seed").exit_code == 0
    recapture = tmp_path / "recapture.txt"
    recapture.write_text(seed_text.replace("\n\n", "\n\n\n"), encoding="utf-8")
    result = cli("seed", str(recapture))
    assert result.exit_code == 0
    assert result.stdout == "1 added (1 joined an existing article), 0 unchanged, 0 failed\n"
    assert sql(db_path, "SELECT id, article_id FROM documents ORDER BY id") == [(1, 1), (2, 1)]
    assert sql(db_path, "SELECT count(*) FROM articles") == [(1,)]
    assert sql(db_path, "SELECT count(*) FROM declaration_points") == [(7,)]


def test_foreign_keys_are_declared_and_indexed(seeded: Path) -> None:
    tables = [
        name
        for (name,) in sql(
            seeded,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'alembic%'",
        )
    ]
    for table in tables:
        indexed = {
            sql(seeded, f"PRAGMA index_info('{index}')")[0][2]
            for (_, index, *_rest) in sql(seeded, f"PRAGMA index_list('{table}')")
        }
        primary = {
            name
            for (_, name, _, _, _, pk) in sql(seeded, f"PRAGMA table_info('{table}')")
            if pk == 1
        }
        for _, _, _, column, *_rest in sql(seeded, f"PRAGMA foreign_key_list('{table}')"):
            assert column in indexed | primary, f"{table}.{column} has no index"
    assert ("ix_articles_published_on",) in sql(
        seeded, "SELECT name FROM sqlite_master WHERE type = 'index'"
    )


def test_a_finished_load_leaves_everything_in_the_one_file(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert run_console("--db", str(db), "seed").returncode == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["store.db"]
    copy = tmp_path / "copied" / "store.db"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())  # the file alone, as a user would copy it
    assert sql(copy, "PRAGMA journal_mode") == [("wal",)]
    assert sql(copy, "SELECT count(*) FROM declaration_points") == [(7,)]
