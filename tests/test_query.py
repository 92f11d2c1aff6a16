"""`communique query`: reading works, and nothing a query says can change the file."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from communique.read import sandbox

from conftest import RunCli, sql

WRITES = {
    "insert": "INSERT INTO parties (slug, name, short_name) VALUES ('x', 'X', 'X')",
    "update": "UPDATE parties SET name = 'changed'",
    "delete": "DELETE FROM declaration_points",
    "drop": "DROP TABLE point_parties",
    "create": "CREATE TABLE notes (id INTEGER)",
    "create_index": "CREATE INDEX ix_notes ON parties (name)",
    "attach": "ATTACH DATABASE '{tmp}/other.db' AS other",
    "writable_schema": "PRAGMA writable_schema = ON",
    "journal_mode": "PRAGMA journal_mode = DELETE",
    "vacuum_into": "VACUUM INTO '{tmp}/copy.db'",
    "vacuum": "VACUUM",
    "load_extension": "SELECT load_extension('/nonexistent/ext')",
    "chained": "SELECT 1; DELETE FROM parties",
    "begin": "BEGIN IMMEDIATE",
    "replace": "REPLACE INTO parties (id, slug, name, short_name) VALUES (1, 'x', 'X', 'X')",
    "cte_delete": "WITH x AS (SELECT 1) DELETE FROM parties",
    # FTS5 takes its commands as INSERTs into the index, and they rewrite it.
    "fts_optimize": "INSERT INTO articles_fts (articles_fts) VALUES ('optimize')",
    "fts_delete_all": "INSERT INTO declaration_points_fts (declaration_points_fts)"
    " VALUES ('delete-all')",
    "fts_setting": "INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 1024)",
    "fts3_tokenizer": "SELECT fts3_tokenizer('simple')",
}


@pytest.mark.parametrize("statement", WRITES.values(), ids=WRITES.keys())
def test_query_refuses_anything_that_writes(
    cli: RunCli, seeded: Path, tmp_path: Path, statement: str
) -> None:
    before = seeded.read_bytes()
    result = cli("query", statement.format(tmp=tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: query refused:")
    assert seeded.read_bytes() == before
    assert not (tmp_path / "other.db").exists()
    assert not (tmp_path / "copy.db").exists()
    assert sql(seeded, "SELECT count(*) FROM declaration_points") == [(7,)]


@pytest.mark.usefixtures("seeded")
def test_query_reads_with_bound_parameters(cli: RunCli) -> None:
    result = cli(
        "query",
        "SELECT slug, name FROM parties WHERE slug = :slug",
        "--param",
        "slug=russia",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"slug": "russia", "name": "Russian Federation"}]


@pytest.mark.usefixtures("seeded")
def test_query_answers_who_took_which_position(cli: RunCli) -> None:
    result = cli(
        "query",
        "SELECT p.ordinal FROM declaration_points p JOIN point_parties pp ON pp.point_id = p.id"
        " JOIN parties pa ON pa.id = pp.party_id WHERE pa.slug = 'russia' ORDER BY p.ordinal",
        "--format",
        "csv",
    )
    assert result.stdout == "ordinal\n1\n2\n3\n5\n6\n7\n"


def test_query_searches_the_full_text_indexes(cli: RunCli, seeded: Path) -> None:
    before = seeded.read_bytes()
    result = cli(
        "query",
        "SELECT p.ordinal, snippet(declaration_points_fts, 0, '[', ']', '...', 6) AS snippet"
        " FROM declaration_points_fts JOIN declaration_points p"
        " ON p.id = declaration_points_fts.rowid"
        " WHERE declaration_points_fts MATCH :words ORDER BY rank",
        "--param",
        "words=missiles",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "ordinal,snippet\n4,...that its [missile] program does not...\n"
    headlines = cli(
        "query",
        "SELECT rowid, bm25(articles_fts) < 0 FROM articles_fts('headline: landmark')",
        "--format",
        "csv",
    )
    assert headlines.stdout == "rowid,bm25(articles_fts) < 0\n1,1\n", headlines.output
    assert seeded.read_bytes() == before


def test_a_load_committing_meanwhile_does_not_break_a_full_text_query(
    cli: RunCli, seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each load batch recreates the index triggers, a schema change; one committed between
    connecting the indexes and running the query must not make SQLite connect them again."""
    connect_full_text = sandbox._connect_full_text

    def then_a_batch_commits(connection: sqlite3.Connection) -> None:
        connect_full_text(connection)
        with closing(sqlite3.connect(seeded, isolation_level=None)) as writer:
            writer.execute("CREATE TRIGGER a_batch AFTER INSERT ON parties BEGIN SELECT 1; END")
            writer.execute("DROP TRIGGER a_batch")

    monkeypatch.setattr(sandbox, "_connect_full_text", then_a_batch_commits)
    result = cli("query", "SELECT rowid FROM articles_fts('landmark')", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "rowid\n1\n"


def test_other_virtual_tables_stay_refused(cli: RunCli, seeded: Path) -> None:
    with closing(sqlite3.connect(seeded)) as connection, connection:
        connection.execute("CREATE VIRTUAL TABLE notes USING fts5(text)")
        connection.execute("INSERT INTO notes VALUES ('a note')")
    result = cli("query", "SELECT * FROM notes")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: query refused: of the virtual tables, only communique's full-text indexes can"
        " be read here (vtable constructor failed: notes); read others with sqlite3\n"
    )


@pytest.mark.usefixtures("seeded")
def test_reading_pragmas_are_allowed(cli: RunCli) -> None:
    result = cli("query", "PRAGMA table_info(parties)", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    names = [json.loads(line)["name"] for line in result.stdout.splitlines()]
    assert names == ["id", "slug", "name", "short_name", "kind", "state_id", "speaks_for_state"]


def test_a_missing_database_is_an_error_not_an_empty_file(cli: RunCli, db_path: Path) -> None:
    result = cli("query", "SELECT 1")
    assert result.exit_code == 1
    assert "no such database" in result.stderr
    assert not db_path.exists()


@pytest.mark.usefixtures("seeded")
def test_a_bad_parameter_is_a_usage_error(cli: RunCli) -> None:
    result = cli("query", "SELECT :a", "--param", "novalue")
    assert result.exit_code == 2
    assert "'novalue' is not NAME=VALUE" in result.stderr


@pytest.mark.usefixtures("seeded")
def test_sql_errors_are_one_line(cli: RunCli) -> None:
    result = cli("query", "SELECT * FROM no_such_table")
    assert result.exit_code == 1
    assert result.stderr == "Error: query failed: no such table: no_such_table\n"


@pytest.mark.parametrize("statement", [" ", ";", "/* only a comment */"])
@pytest.mark.usefixtures("seeded")
def test_an_empty_statement_is_refused(cli: RunCli, statement: str) -> None:
    result = cli("query", statement)
    assert result.exit_code == 1
    assert result.stderr == "Error: query refused: no statement to run; give one SELECT\n"
