"""The user's vocabularies reach extraction and the look-up of names one way: the command's
--gazetteer and --taxonomy (or their environment variables, read by click), built once into
one value and passed down; extraction itself never reads the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.extract import CaptureHints, Extraction, extract
from communique.extract.vocabularies import load_vocabularies
from communique.load.workers import CHUNK, START_AFTER

from conftest import RunCli, sql, write_variants

GAZETTEER = '[parties.russia]\naliases = ["Muscovy"]\n'
TAXONOMY = '[topics.friendship]\nname = "Friendship"\nterms = ["friendly relations"]\n'


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("command", ["articles", "points", "export"])
def test_party_named_by_an_alias_of_the_users_gazetteer_given_by_flag(
    cli: RunCli, tmp_path: Path, command: str
) -> None:
    gazetteer = _file(tmp_path, "gazetteer.toml", GAZETTEER)
    by_alias = cli(command, "--party", "Muscovy", "--gazetteer", str(gazetteer))
    by_slug = cli(command, "--party", "russia")
    assert (by_alias.exit_code, by_alias.stderr) == (0, "")
    assert by_alias.stdout == by_slug.stdout
    assert by_slug.stdout.count("\n") >= 1
    unknown = cli(command, "--party", "Muscovy")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "Error: no party is called 'Muscovy'; `communique parties` lists them\n",
    )


@pytest.mark.usefixtures("seeded")
def test_search_resolves_a_party_through_the_users_gazetteer(cli: RunCli, tmp_path: Path) -> None:
    gazetteer = _file(tmp_path, "gazetteer.toml", GAZETTEER)
    by_alias = cli("search", "missile", "--party", "Muscovy", "--gazetteer", str(gazetteer))
    by_slug = cli("search", "missile", "--party", "russia")
    assert (by_alias.exit_code, by_alias.stderr) == (0, "")
    assert by_alias.stdout == by_slug.stdout


def test_party_resolved_through_the_gazetteer_named_by_the_environment(
    seeded: Path, tmp_path: Path
) -> None:
    gazetteer = _file(tmp_path, "gazetteer.toml", GAZETTEER)
    runner = CliRunner()
    by_alias = runner.invoke(
        main,
        ["--db", str(seeded), "points", "--party", "Muscovy"],
        env={"COMMUNIQUE_GAZETTEER": str(gazetteer)},
    )
    by_slug = runner.invoke(main, ["--db", str(seeded), "points", "--party", "russia"])
    assert (by_alias.exit_code, by_alias.stderr) == (0, "")
    assert by_alias.stdout == by_slug.stdout


@pytest.mark.usefixtures("seeded")
def test_topic_known_only_to_the_users_taxonomy_is_a_topic(cli: RunCli, tmp_path: Path) -> None:
    taxonomy = _file(tmp_path, "taxonomy.toml", TAXONOMY)
    known = cli("points", "--topic", "friendship", "--taxonomy", str(taxonomy), "--format", "csv")
    assert (known.exit_code, known.stdout, known.stderr) == (
        0,
        "id,article_id,declaration_id,ordinal,subject,parties,topics,text\n",
        "",
    )
    unknown = cli("points", "--topic", "friendship")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "Error: no topic is called 'friendship'; `communique report` lists them\n",
    )


def test_extraction_uses_the_vocabularies_it_is_given_not_the_environment(
    tmp_path: Path, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = seed_text.replace("outside interference", "friendly relations")
    taxonomy = _file(tmp_path, "taxonomy.toml", TAXONOMY)
    other = _file(tmp_path, "other.toml", '[topics.other]\nname = "Other"\nterms = ["friendly"]\n')
    monkeypatch.setenv("COMMUNIQUE_TAXONOMY", str(other))
    monkeypatch.setenv("COMMUNIQUE_GAZETTEER", str(_file(tmp_path, "g.toml", GAZETTEER)))

    def topics(found_in: str | None) -> set[str]:
        vocabularies = load_vocabularies(taxonomy=Path(found_in) if found_in else None)
        return _topics(extract(text, CaptureHints(), vocabularies))

    assert "friendship" in topics(str(taxonomy))
    assert "other" not in topics(str(taxonomy))
    assert {"friendship", "other"}.isdisjoint(topics(None))
    assert _topics(extract(text)).isdisjoint({"friendship", "other"})


def _topics(extraction: Extraction) -> set[str]:
    """The slugs of every topic the extraction's points were coded with."""
    assert extraction.article is not None
    return {
        topic.slug
        for declaration in extraction.article.declarations
        for point in declaration.points
        for topic in point.topics
    }


def test_the_users_vocabularies_reach_the_worker_processes(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    """A load large enough for workers: the vocabularies, built once by the command, are
    handed to each worker with the extraction, and every document is coded with them."""
    taxonomy = _file(tmp_path, "taxonomy.toml", TAXONOMY)
    text = seed_text.replace("outside interference", "friendly relations")
    folder = tmp_path / "many"
    write_variants(folder, text, START_AFTER + CHUNK * 2)
    result = cli("seed", "--quiet", "--jobs", "2", "--taxonomy", str(taxonomy), str(folder))
    assert result.exit_code == 0, result.output
    assert sql(
        db_path,
        "SELECT count(DISTINCT p.declaration_id) FROM point_topics pt JOIN topics t"
        " ON t.id = pt.topic_id JOIN declaration_points p ON p.id = pt.point_id"
        " WHERE t.slug = 'friendship'",
    ) == [(START_AFTER + CHUNK * 2,)]
