"""Migrations: one head, every step runs both ways on a database holding data, and the models
and the migrations describe the same schema."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from communique.db import migrate
from communique.db.database import connect, write_connection
from communique.db.migrate import write_engine
from communique.db.models import Base, described_by_models
from communique.db.schema import HEAD_REVISION

from conftest import DATELINES, PROJECT_ROOT, RunCli, sql

STALE = (
    "communique: {} hold rows from an older extraction than this communique's;"
    " `communique reparse --stale` redoes them\n"
)
"""What every reading command says of a database loaded before revision 0005."""


TABLES = [
    "archives",
    "articles",
    "changes",
    "declaration_parties",
    "declaration_points",
    "declarations",
    "documents",
    "items",
    "parties",
    "point_parties",
    "point_topics",
    "sightings",
    "signatories",
    "snapshots",
    "sources",
    "titles",
    "topics",
    "versions",
]


def _tables(db: Path) -> list[str]:
    """The tables the models describe (not Alembic's, not the full-text index's)."""
    rows = sql(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    names = [str(name) for (name,) in rows]
    return [
        name for name in names if name != "alembic_version" and described_by_models(name, "table")
    ]


def test_single_head_which_the_code_knows() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_heads() == [HEAD_REVISION]
    assert migrate.head_revision() == HEAD_REVISION


def test_every_revision_has_a_downgrade() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    for revision in script.walk_revisions():
        assert callable(getattr(revision.module, "downgrade", None)), revision.revision


def test_upgrade_downgrade_upgrade_with_data(cli: RunCli, db_path: Path) -> None:
    assert cli("seed").exit_code == 0
    assert _tables(db_path) == TABLES
    assert sql(db_path, "SELECT count(*) FROM declaration_points") == [(7,)]

    down = cli("db", "downgrade", "base", "--yes")
    assert down.exit_code == 0, down.output
    assert down.stdout == f"{db_path}: {HEAD_REVISION} -> empty\n"
    assert _tables(db_path) == []

    up = cli("db", "upgrade")
    assert up.exit_code == 0
    assert up.stdout == f"{db_path}: empty -> {HEAD_REVISION}\n"
    assert _tables(db_path) == TABLES
    assert cli("seed").stdout == "1 added, 0 unchanged, 0 failed\n"
    assert sql(db_path, "SELECT count(*) FROM declaration_points") == [(7,)]


def test_models_match_migrations(db_path: Path) -> None:
    migrate.upgrade(db_path)
    engine = write_engine(db_path)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": described_by_models}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_the_loader_writes_to_the_models_tables() -> None:
    """The store names its tables without importing the models (a load starts faster without
    the ORM); the names must be the models' own, parents written before their children. The
    snapshot history's tables are written when a snapshot is recorded."""
    from communique.load import rows, snapshots

    shared = [rows.sources, rows.parties, rows.topics]
    written_elsewhere = list(snapshots.TABLES)
    assert sorted([*shared, *rows._WRITE_ORDER, *written_elsewhere]) == sorted(Base.metadata.tables)
    written = list(rows._WRITE_ORDER)
    for table in rows._WRITE_ORDER:
        for key in Base.metadata.tables[table].foreign_keys:
            parent = key.column.table.name
            assert parent in shared or written.index(parent) < written.index(table), (table, parent)


def test_loading_keeps_its_temporaries_in_files(tmp_path: Path) -> None:
    """A batch's full-text catch-up journals every index page it rewrites, more of them the
    larger the index: in memory, that made a load's memory grow with the file."""
    connection = write_connection(tmp_path / "load.db")
    try:
        assert connection.execute("PRAGMA temp_store").fetchone() == (1,)  # FILE
        assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()


def test_foreign_keys_are_enforced_on_application_connections(seeded: Path) -> None:
    with closing(connect(seeded)) as connection:
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            connection.execute(
                "INSERT INTO declaration_points (declaration_id, ordinal, text) VALUES (99, 1, 'x')"
            )
    engine = write_engine(seeded)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_commands_create_and_upgrade_the_schema_and_say_so(cli: RunCli, db_path: Path) -> None:
    assert cli("db", "upgrade").exit_code == 0
    assert cli("db", "downgrade", "base", "--yes").exit_code == 0
    result = cli("sources")
    assert result.exit_code == 0
    assert result.stderr == (
        f"communique: creating database schema in {db_path} (revision {HEAD_REVISION})\n"
    )
    assert cli("db", "current").stdout == f"{HEAD_REVISION} (head)\n"
    assert cli("sources").stderr == ""


def test_a_database_from_a_newer_communique_is_refused(seeded: Path, cli: RunCli) -> None:
    with sqlite3.connect(seeded) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    before = seeded.read_bytes()
    for command in (["articles"], ["seed"], ["db", "upgrade"], ["query", "select 1"]):
        result = cli(*command)
        assert result.exit_code == 1, command
        assert "revision ffff, which this communique does not know" in result.stderr
    assert seeded.read_bytes() == before


def test_db_history_lists_revisions(cli: RunCli) -> None:
    result = cli("db", "history")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "<base> -> 0001: Create the schema: sources, documents, articles, declarations, points,"
        " parties."
    )


@pytest.mark.slow
def test_plain_alembic_works_from_the_project_root(tmp_path: Path) -> None:
    alembic = Path(sys.executable).parent / "alembic"
    env = {"COMMUNIQUE_DB": str(tmp_path / "plain.db"), "PATH": str(alembic.parent)}
    for args in (["upgrade", "head"], ["check"], ["current"]):
        done = subprocess.run(
            [str(alembic), *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert f"{HEAD_REVISION} (head)" in done.stdout
    assert _tables(tmp_path / "plain.db") == TABLES


def test_the_models_read_what_the_commands_wrote(seeded: Path) -> None:
    """The ORM relationships resolve over the migrated schema, both ways."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from communique.db.models import Article, Party

    engine = write_engine(seeded)
    try:
        with Session(engine) as session:
            article = session.scalars(select(Article)).one()
            (declaration,) = article.declarations
            assert [point.ordinal for point in declaration.points] == [1, 2, 3, 4, 5, 6, 7]
            assert [p.slug for p in declaration.points[3].parties] == ["dprk"]
            assert [s.party.slug for s in declaration.signatories if s.party] == ["dprk", "russia"]
            russia = session.scalars(select(Party).where(Party.slug == "russia")).one()
            assert sorted(point.ordinal for point in russia.points) == [1, 2, 3, 5, 6, 7]
            assert [s.name for s in russia.signatories] == ["V. V. Putin"]
            assert article.source is not None and article.source.slug == "kcna"
            assert [d.carrier.slug for d in article.documents if d.carrier] == ["globalsecurity"]
    finally:
        engine.dispose()


FIXTURES = Path(__file__).parent / "fixtures"
COUNTS = (
    "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles),"
    " (SELECT count(*) FROM declarations), (SELECT count(*) FROM declaration_points),"
    " (SELECT count(*) FROM point_parties), (SELECT count(*) FROM signatories),"
    " (SELECT count(*) FROM sources), (SELECT count(*) FROM parties)"
)
SAMPLE = (
    "SELECT d.sha256, d.origin, a.headline, a.published_on, a.published_month, p.ordinal,"
    " p.text FROM documents d LEFT JOIN articles a ON a.id = d.article_id"
    " LEFT JOIN declarations dc ON dc.article_id = a.id"
    " LEFT JOIN declaration_points p ON p.declaration_id = dc.id ORDER BY d.id, p.ordinal"
)


def _written_at(revision: str, db_path: Path) -> Path:
    """The database that the fixture dumped at `revision`, loaded into `db_path`."""
    script = (FIXTURES / f"revision-{revision}.sql").read_text(encoding="utf-8")
    with sqlite3.connect(db_path) as connection:
        connection.executescript(script)
    assert sql(db_path, "SELECT version_num FROM alembic_version") == [(revision,)]
    return db_path


@pytest.fixture
def revision_0001(db_path: Path) -> Path:
    """A database written by communique at revision 0001: the seed and one plain article."""
    return _written_at("0001", db_path)


def test_a_0001_database_upgrades_with_nothing_lost(revision_0001: Path, cli: RunCli) -> None:
    counts, sample = sql(revision_0001, COUNTS), sql(revision_0001, SAMPLE)
    assert counts == [(2, 2, 1, 7, 13, 2, 2, 2)]
    result = cli("articles", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == (
        f"communique: backing up {revision_0001} to {revision_0001}.0001.bak before upgrading it\n"
        f"communique: upgrading {revision_0001} from revision 0001 to {HEAD_REVISION}\n"
        "communique: applying revision 0002 (1 of 9)\n"
        "communique: applying revision 0003 (2 of 9)\n"
        "communique: applying revision 0004 (3 of 9)\n"
        "communique: applying revision 0005 (4 of 9)\n"
        "communique: applying revision 0006 (5 of 9)\n"
        "communique: applying revision 0007 (6 of 9)\n"
        "communique: applying revision 0008 (7 of 9)\n"
        "communique: applying revision 0009 (8 of 9)\n"
        "communique: applying revision 0010 (9 of 9)\n"
        "communique: run `communique reparse` to derive capture facts and topics of points"
        " and the dates of datelines from the documents already stored\n"
        + STALE.format("2 documents")
    )
    assert sql(revision_0001, COUNTS) == counts
    assert sql(revision_0001, SAMPLE) == sample
    assert sql(revision_0001, "SELECT id, published_from FROM articles ORDER BY id") == [
        (1, "manifest"),
        (2, "dateline"),
    ]
    assert sql(revision_0001, "SELECT id, format, given_year FROM documents ORDER BY id") == [
        (1, "text", 2000),
        (2, "text", None),
    ]
    assert sql(revision_0001, "SELECT declaration_id, party_id FROM declaration_parties") == [
        (1, 1),
        (1, 2),
    ]
    # Reparse fills in what 0001 did not record, and keeps the manifest's year.
    assert cli("reparse").exit_code == 0
    assert sql(revision_0001, "SELECT published_on, published_from FROM articles WHERE id = 1") == [
        ("2000-07-21", "manifest")
    ]
    assert sql(revision_0001, "SELECT signed_from FROM declarations") == [("article",)]
    assert sql(revision_0001, COUNTS) == counts


def test_0002_downgrades_and_upgrades_again_with_data(revision_0001: Path, cli: RunCli) -> None:
    counts, sample = sql(revision_0001, COUNTS), sql(revision_0001, SAMPLE)
    assert cli("db", "upgrade").exit_code == 0
    down = cli("db", "downgrade", "0001", "--yes")
    assert down.exit_code == 0, down.output
    assert sql(revision_0001, "SELECT version_num FROM alembic_version") == [("0001",)]
    columns = [row[1] for row in sql(revision_0001, "PRAGMA table_info(documents)")]
    assert "format" not in columns and "distributor_id" not in columns
    assert "declaration_parties" not in _tables(revision_0001)
    assert sql(revision_0001, COUNTS) == counts
    assert sql(revision_0001, SAMPLE) == sample
    assert cli("db", "upgrade").exit_code == 0
    assert sql(revision_0001, COUNTS) == counts
    assert sql(revision_0001, "PRAGMA foreign_key_check") == []


@pytest.mark.usefixtures("seeded")
def test_an_unknown_revision_is_one_clear_line(cli: RunCli) -> None:
    result = cli("db", "upgrade", "nonsense")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot move to revision 'nonsense':")
    assert len(result.stderr.splitlines()) == 1


@pytest.fixture
def revision_0002(db_path: Path) -> Path:
    """A database written by communique at revision 0002: the seed and one plain article."""
    return _written_at("0002", db_path)


def test_a_0002_database_upgrades_with_nothing_lost(revision_0002: Path, cli: RunCli) -> None:
    counts, sample = sql(revision_0002, COUNTS), sql(revision_0002, SAMPLE)
    assert counts == [(2, 2, 1, 7, 13, 2, 2, 2)]
    result = cli("search", "missile", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"communique: backing up {revision_0002} to {revision_0002}.0002.bak before upgrading it\n"
        f"communique: upgrading {revision_0002} from revision 0002 to {HEAD_REVISION}\n"
        "communique: applying revision 0003 (1 of 8)\n"
        "communique: applying revision 0004 (2 of 8)\n"
        "communique: applying revision 0005 (3 of 8)\n"
        "communique: applying revision 0006 (4 of 8)\n"
        "communique: applying revision 0007 (5 of 8)\n"
        "communique: applying revision 0008 (6 of 8)\n"
        "communique: applying revision 0009 (7 of 8)\n"
        "communique: applying revision 0010 (8 of 8)\n"
        "communique: run `communique reparse` to derive topics of points and the dates of"
        " datelines from the documents already stored\n" + STALE.format("2 documents")
    )
    assert sql(revision_0002, COUNTS) == counts
    assert sql(revision_0002, SAMPLE) == sample
    # 0003 indexed the rows already there, and tagged nothing until reparse.
    assert [(hit["type"], hit["id"]) for hit in json.loads(result.stdout)] == [
        ("point", 4),
        ("article", 1),
    ]
    assert sql(revision_0002, "SELECT count(*) FROM declaration_points_fts_docsize") == [(7,)]
    assert cli("check").exit_code == 0
    assert cli("reparse").exit_code == 0
    assert sql(revision_0002, "SELECT count(*) FROM point_topics") != [(0,)]
    assert sql(revision_0002, COUNTS) == counts


def test_0003_downgrades_and_upgrades_again_with_data(revision_0002: Path, cli: RunCli) -> None:
    counts, sample = sql(revision_0002, COUNTS), sql(revision_0002, SAMPLE)
    assert cli("db", "upgrade").exit_code == 0
    assert cli("reparse").exit_code == 0
    down = cli("db", "downgrade", "0002", "--yes")
    assert down.exit_code == 0, down.output
    assert sql(revision_0002, "SELECT version_num FROM alembic_version") == [("0002",)]
    left = {name for (name,) in sql(revision_0002, "SELECT name FROM sqlite_master")}
    assert {"topics", "point_topics", "articles_fts", "article_overview"} & left == set()
    assert sql(revision_0002, COUNTS) == counts
    assert sql(revision_0002, SAMPLE) == sample
    assert cli("db", "upgrade").exit_code == 0
    assert sql(revision_0002, COUNTS) == counts
    assert cli("check").exit_code == 0


@pytest.fixture
def revision_0003(db_path: Path) -> Path:
    """A database written by communique at revision 0003: the seed and one plain article."""
    return _written_at("0003", db_path)


def _hashsizes(db: Path) -> list[tuple[object, ...]]:
    return sql(
        db,
        "SELECT 'articles_fts', v FROM articles_fts_config WHERE k = 'hashsize' UNION ALL"
        " SELECT 'declaration_points_fts', v FROM declaration_points_fts_config"
        " WHERE k = 'hashsize'",
    )


def test_a_0003_database_upgrades_with_nothing_lost(revision_0003: Path, cli: RunCli) -> None:
    counts, sample = sql(revision_0003, COUNTS), sql(revision_0003, SAMPLE)
    assert counts == [(2, 2, 1, 7, 13, 2, 2, 2)]
    topics = sql(revision_0003, "SELECT point_id, topic_id FROM point_topics ORDER BY 1, 2")
    assert len(topics) > 7
    assert _hashsizes(revision_0003) == []
    result = cli("search", "missile", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"communique: backing up {revision_0003} to {revision_0003}.0003.bak before upgrading it\n"
        f"communique: upgrading {revision_0003} from revision 0003 to {HEAD_REVISION}\n"
        "communique: applying revision 0004 (1 of 7)\n"
        "communique: applying revision 0005 (2 of 7)\n"
        "communique: applying revision 0006 (3 of 7)\n"
        "communique: applying revision 0007 (4 of 7)\n"
        "communique: applying revision 0008 (5 of 7)\n"
        "communique: applying revision 0009 (6 of 7)\n"
        "communique: applying revision 0010 (7 of 7)\n" + DATELINES + STALE.format("2 documents")
    )
    assert [(hit["type"], hit["id"]) for hit in json.loads(result.stdout)] == [
        ("point", 4),
        ("article", 1),
    ]
    assert _hashsizes(revision_0003) == [
        ("articles_fts", 16 * 1024 * 1024),
        ("declaration_points_fts", 16 * 1024 * 1024),
    ]
    assert sql(revision_0003, COUNTS) == counts
    assert sql(revision_0003, SAMPLE) == sample
    assert sql(revision_0003, "SELECT point_id, topic_id FROM point_topics ORDER BY 1, 2") == topics
    # Loading into the upgraded file indexes as before.
    text = revision_0003.parent / "talks.txt"
    text.write_text(
        "Talks on fisheries\n\nPyongyang, June 3 (KCNA) -- Delegations discussed"
        " the zebrafish hatcheries.\n",
        encoding="utf-8",
    )
    assert cli("seed", str(text)).stdout == "1 added, 0 unchanged, 0 failed\n"
    found = cli("search", "zebrafish", "--format", "json")
    assert [(hit["type"], hit["id"]) for hit in json.loads(found.stdout)] == [("article", 3)]
    assert cli("check").exit_code == 0


def test_0004_downgrades_and_upgrades_again_with_data(revision_0003: Path, cli: RunCli) -> None:
    counts, sample = sql(revision_0003, COUNTS), sql(revision_0003, SAMPLE)
    config = sql(revision_0003, "SELECT k, v FROM articles_fts_config ORDER BY k")
    assert cli("db", "upgrade").exit_code == 0
    down = cli("db", "downgrade", "0003")
    assert down.exit_code == 0, down.output
    assert sql(revision_0003, "SELECT version_num FROM alembic_version") == [("0003",)]
    assert _hashsizes(revision_0003) == []
    assert sql(revision_0003, "SELECT k, v FROM articles_fts_config ORDER BY k") == config
    assert sql(revision_0003, COUNTS) == counts
    assert sql(revision_0003, SAMPLE) == sample
    assert cli("db", "upgrade").exit_code == 0
    assert len(_hashsizes(revision_0003)) == 2
    assert sql(revision_0003, COUNTS) == counts


@pytest.fixture
def revision_0004(db_path: Path) -> Path:
    """A database written by communique at revision 0004: the seed and one plain article."""
    return _written_at("0004", db_path)


# What extraction derived, in a form two files can be compared in (no ids, no load times).
DERIVED = {
    "datelines": "SELECT fingerprint, dateline_place, dateline_year, dateline_month, dateline_day"
    " FROM articles ORDER BY fingerprint",
    "documents": "SELECT sha256, status, error, article_id, extraction_version FROM documents"
    " ORDER BY sha256",
    "declarations": "SELECT article_id, kind, title, issuer, issuer_party_id FROM declarations"
    " ORDER BY article_id, id",
    "declaration_parties": "SELECT d.article_id, pa.slug, dp.rule FROM declaration_parties dp"
    " JOIN declarations d ON d.id = dp.declaration_id JOIN parties pa ON pa.id = dp.party_id"
    " ORDER BY 1, 2",
    "point_parties": "SELECT d.article_id, po.ordinal, pa.slug, pp.rule FROM point_parties pp"
    " JOIN declaration_points po ON po.id = pp.point_id"
    " JOIN declarations d ON d.id = po.declaration_id JOIN parties pa ON pa.id = pp.party_id"
    " ORDER BY 1, 2, 3",
    "parties": "SELECT pa.slug, pa.kind, st.slug, pa.speaks_for_state FROM parties pa"
    " LEFT JOIN parties st ON st.id = pa.state_id ORDER BY 1",
    "points": "SELECT d.article_id, po.ordinal, po.text, po.subject, po.label"
    " FROM declaration_points po JOIN declarations d ON d.id = po.declaration_id ORDER BY 1, 2",
}


def _derived(db: Path) -> dict[str, list[tuple[object, ...]]]:
    return {name: sql(db, query) for name, query in DERIVED.items()}


def test_a_0004_database_upgrades_and_reparse_stale_gives_a_fresh_loads_rows(
    revision_0004: Path, cli: RunCli, tmp_path: Path
) -> None:
    counts, sample = sql(revision_0004, COUNTS), sql(revision_0004, SAMPLE)
    assert counts == [(2, 2, 1, 7, 13, 2, 2, 2)]
    result = cli("points", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"communique: backing up {revision_0004} to {revision_0004}.0004.bak before upgrading it\n"
        f"communique: upgrading {revision_0004} from revision 0004 to {HEAD_REVISION}\n"
        "communique: applying revision 0005 (1 of 6)\n"
        "communique: applying revision 0006 (2 of 6)\n"
        "communique: applying revision 0007 (3 of 6)\n"
        "communique: applying revision 0008 (4 of 6)\n"
        "communique: applying revision 0009 (5 of 6)\n"
        "communique: applying revision 0010 (6 of 6)\n" + DATELINES + STALE.format("2 documents")
    )
    # Nothing lost; the new columns say the rows came from an extraction that kept no rules.
    assert sql(revision_0004, COUNTS) == counts
    assert sql(revision_0004, SAMPLE) == sample
    assert sql(revision_0004, "SELECT count(*) FROM point_parties WHERE rule IS NULL") == [(13,)]
    assert sql(revision_0004, "SELECT DISTINCT extraction_version FROM documents") == [(None,)]
    redone = cli("reparse", "--stale")
    assert redone.exit_code == 0, redone.output
    assert cli("points").stderr == ""
    # The same rows as a fresh load of the same two texts by this version.
    fresh = tmp_path / "fresh.db"
    page = tmp_path / "art.txt"
    page.write_text(
        "Talks held in Pyongyang\n\nPyongyang, May 2 (KCNA) -- Officials of the two countries"
        " held talks here today on trade.\n\nThey agreed to meet again.\n",
        encoding="utf-8",
    )
    assert cli("--db", str(fresh), "seed").exit_code == 0
    assert cli("--db", str(fresh), "seed", str(page)).exit_code == 0
    assert _derived(revision_0004) == _derived(fresh)
    assert sql(revision_0004, "SELECT DISTINCT rule FROM point_parties ORDER BY 1") == [
        ("both-sides",),
        ("document",),
        ("stance-subject",),
    ]


def test_0005_downgrades_and_upgrades_again_with_data(revision_0004: Path, cli: RunCli) -> None:
    counts, sample = sql(revision_0004, COUNTS), sql(revision_0004, SAMPLE)
    assert cli("db", "upgrade").exit_code == 0
    assert cli("reparse", "--stale").exit_code == 0
    down = cli("db", "downgrade", "0004")
    assert down.exit_code == 0, down.output
    assert sql(revision_0004, "SELECT version_num FROM alembic_version") == [("0004",)]
    columns = {
        table: [str(row[1]) for row in sql(revision_0004, f"PRAGMA table_info({table})")]
        for table in ("documents", "point_parties", "declaration_parties")
    }
    assert "extraction_version" not in columns["documents"]
    assert "rule" not in columns["point_parties"] + columns["declaration_parties"]
    assert sql(revision_0004, COUNTS) == counts
    assert sql(revision_0004, SAMPLE) == sample
    assert cli("db", "upgrade").exit_code == 0
    assert sql(revision_0004, COUNTS) == counts
    assert sql(revision_0004, "SELECT count(*) FROM point_parties WHERE rule IS NULL") == [(13,)]
    assert cli("check").exit_code == 0


def test_0006_downgrades_and_upgrades_again_with_data(revision_0004: Path, cli: RunCli) -> None:
    assert cli("db", "upgrade").exit_code == 0
    assert cli("reparse", "--stale").exit_code == 0
    counts, sample = sql(revision_0004, COUNTS), sql(revision_0004, SAMPLE)
    overview = "SELECT id, parties, topics, published FROM point_overview ORDER BY id"
    points = sql(revision_0004, overview)
    assert sql(revision_0004, "SELECT slug, kind, state_id, speaks_for_state FROM parties") == [
        ("dprk", "state", None, 0),
        ("russia", "state", None, 0),
    ]
    assert sql(revision_0004, "SELECT DISTINCT speaks_for FROM point_overview ORDER BY 1") == [
        ("DPRK",),
        ("DPRK, Russia",),
    ]
    down = cli("db", "downgrade", "0005")
    assert down.exit_code == 0, down.output
    assert sql(revision_0004, "SELECT version_num FROM alembic_version") == [("0005",)]
    columns = [str(row[1]) for row in sql(revision_0004, "PRAGMA table_info(parties)")]
    assert columns == ["id", "slug", "name", "short_name"]
    view = [str(row[1]) for row in sql(revision_0004, "PRAGMA table_info(point_overview)")]
    assert "speaks_for" not in view
    assert sql(revision_0004, COUNTS) == counts
    assert sql(revision_0004, SAMPLE) == sample
    assert sql(revision_0004, overview) == points
    assert cli("db", "upgrade").exit_code == 0
    assert sql(revision_0004, COUNTS) == counts
    assert sql(revision_0004, overview) == points
    assert sql(revision_0004, "SELECT slug, kind FROM parties ORDER BY 1") == [
        ("dprk", "state"),
        ("russia", "state"),
    ]
    assert cli("check").exit_code == 0


def test_0007_downgrades_and_upgrades_again_with_data(revision_0004: Path, cli: RunCli) -> None:
    assert cli("db", "upgrade").exit_code == 0
    assert cli("reparse").exit_code == 0
    datelines = "SELECT id, dateline_year, dateline_month, dateline_day FROM articles ORDER BY id"
    filled = sql(revision_0004, datelines)
    assert filled == [(1, None, 7, 21), (2, None, 5, 2)]
    overview = "SELECT id, published, headline FROM article_overview ORDER BY id"
    shown = sql(revision_0004, overview)
    counts = sql(revision_0004, COUNTS)
    down = cli("db", "downgrade", "0006")
    assert down.exit_code == 0, down.output
    columns = [str(row[1]) for row in sql(revision_0004, "PRAGMA table_info(articles)")]
    assert not [
        column
        for column in columns
        if column.startswith("dateline_") and column != "dateline_place"
    ]
    view = [str(row[1]) for row in sql(revision_0004, "PRAGMA table_info(article_overview)")]
    assert "dateline_date" not in view
    assert sql(revision_0004, overview) == shown
    assert sql(revision_0004, COUNTS) == counts
    up = cli("db", "upgrade")
    assert up.exit_code == 0, up.output
    assert up.stderr.endswith(DATELINES)
    assert sql(revision_0004, datelines) == [(1, None, None, None), (2, None, None, None)]
    assert cli("reparse").exit_code == 0
    assert sql(revision_0004, datelines) == filled
    assert sql(revision_0004, "SELECT dateline_date FROM article_overview ORDER BY id") == [
        ("----07-21",),
        ("----05-02",),
    ]


def test_0008_downgrades_and_upgrades_again_with_data(revision_0004: Path, cli: RunCli) -> None:
    assert cli("db", "upgrade", "0008").exit_code == 0
    views = "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"
    assert sql(revision_0004, views) == [
        ("article_overview",),
        ("declaration_overview",),
        ("point_overview",),
    ]
    rows = sql(revision_0004, "SELECT id, kind, points FROM declaration_overview")
    assert rows == [(1, "joint declaration", 7)]
    counts = sql(revision_0004, COUNTS)
    assert cli("db", "downgrade", "0007").exit_code == 0
    assert sql(revision_0004, views) == [("article_overview",), ("point_overview",)]
    assert sql(revision_0004, COUNTS) == counts
    assert cli("db", "upgrade").exit_code == 0
    assert sql(revision_0004, "SELECT id, kind, points FROM declaration_overview") == rows


def test_0009_declares_the_search_indexes_so_other_tools_find_them(
    revision_0004: Path, cli: RunCli
) -> None:
    import sqlite_utils

    def matches() -> list[list[tuple[object, ...]]]:
        """What each index finds, with its rank, read with plain sqlite3 (any command of
        ours would first bring the file to the newest revision)."""
        found = []
        with closing(sqlite3.connect(revision_0004)) as connection:
            for index in ("articles_fts", "declaration_points_fts"):
                for words in ("missile", "reunif*", '"peaceful in its nature"', "talks"):
                    found.append(
                        connection.execute(
                            f"SELECT rowid, round(bm25({index}), 9) FROM {index}"
                            f" WHERE {index} MATCH ? ORDER BY rowid",
                            [words],
                        ).fetchall()
                    )
        return found

    def detected(table: str) -> str | None:
        database = sqlite_utils.Database(revision_0004)
        try:
            return database.table(table).detect_fts()
        finally:
            database.close()

    assert cli("db", "upgrade", "0008").exit_code == 0
    before = matches()
    assert sum(len(rows) for rows in before) > 4
    assert detected("articles") is None
    up = cli("db", "upgrade")
    assert up.exit_code == 0, up.output
    assert matches() == before
    assert detected("articles") == "articles_fts"
    assert detected("declaration_points") == "declaration_points_fts"
    database = sqlite_utils.Database(revision_0004)
    assert [row["id"] for row in database.table("articles").search("missile")] == [1]
    database.close()
    tool = Path(sys.executable).parent / "sqlite-utils"
    found = subprocess.run(
        [str(tool), "search", str(revision_0004), "articles", "missile", "-c", "id"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (found.returncode, json.loads(found.stdout)) == (0, [{"id": 1}]), found.stderr
    assert _hashsizes(revision_0004) == [
        ("articles_fts", 16 * 1024 * 1024),
        ("declaration_points_fts", 16 * 1024 * 1024),
    ]
    assert cli("check").exit_code == 0
    assert cli("db", "downgrade", "0008").exit_code == 0
    assert matches() == before
    assert detected("articles") is None
