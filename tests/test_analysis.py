"""Topic coding, the overview views, partial dates, and export."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.extract import extract
from communique.extract.taxonomy import Taxonomy, _term_pattern, load_taxonomy

from conftest import SHARED, RunCli, sql, unavailable

SEED_TOPICS = {
    1: ["reunification", "sovereignty"],
    2: ["sovereignty", "international-law"],
    3: ["strategic-stability"],
    4: ["missiles"],
    5: ["terrorism-crime"],
    6: ["economic-cooperation"],
    7: ["economic-cooperation", "science-technology", "defence-cooperation"],
}


def test_the_seeds_points_carry_their_topics(seed_text: str) -> None:
    article = extract(seed_text).article
    assert article is not None
    (declaration,) = article.declarations
    assert {p.ordinal: [t.slug for t in p.topics] for p in declaration.points} == SEED_TOPICS


def test_point_4_is_missiles_not_nuclear_weapons(seeded: Path) -> None:
    assert sql(
        seeded,
        "SELECT t.slug FROM point_topics pt JOIN topics t ON t.id = pt.topic_id"
        " JOIN declaration_points p ON p.id = pt.point_id WHERE p.ordinal = 4",
    ) == [("missiles",)]


@pytest.mark.parametrize(
    "text",
    [
        "Both sides will expand cooperation.",
        "The two countries want peace.",
        "Security matters to all.",
        "Peace, security and cooperation are our goals.",
    ],
)
def test_a_common_word_alone_tags_nothing(text: str) -> None:
    assert load_taxonomy().tag(text) == ()


def _tag_by_definition(taxonomy: Taxonomy, text: str) -> tuple[str, ...]:
    """What `tag` means, without its shortcuts: every term of every topic, tried on the text."""
    found = [
        slug
        for slug, terms in taxonomy.terms.items()
        if any(re.search(_term_pattern(term), text, re.IGNORECASE) for term in terms)
    ]
    return tuple(slug for slug in taxonomy.topics if slug in found)


def _texts_to_tag(seed_text: str) -> list[str]:
    texts = [
        "The inter-Korean summit and international law, internal affairs, interference.",
        "INTERNATIONAL LAW and the U.N. Charter; denuclearization of the peninsula.",
        "\u00c9conomie: the two sides\u2019 economic cooperation and mutually beneficial trade.",
        "Joint military exercises, ballistic missile launches and an ICBM test_launch.",
        "Reunification efforts, re-unification, Reunify; north-south cooperation",
        "The Korean People's Army, a people\u2019s army.",
    ]
    article = extract(seed_text).article
    assert article is not None
    texts += [point.text for point in article.declarations[0].points]
    if (SHARED / "corpus" / "kcna-2024-dev.json").exists():
        records = json.loads((SHARED / "corpus" / "kcna-2024-dev.json").read_text("utf-8"))
        texts += [r["story_text"] for r in records if r.get("story_text")][:400]
    return texts


@pytest.mark.slow
def test_tagging_finds_exactly_what_every_term_finds(seed_text: str, tmp_path: Path) -> None:
    """`tag` runs only the terms whose first word begins some word of the text, found with
    one pattern and a byte table; that must change nothing, also where one term's first word
    begins another's ("reunif*" and "reunification council"), and where a term begins with
    punctuation ("'s army", which has no first word to look for)."""
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[topics.councils]\nname = "Councils"\nterms = ["reunification council"]\n'
        '[topics.armies]\nname = "Armies"\nterms = ["\'s army"]\n',
        encoding="utf-8",
    )
    for taxonomy in (load_taxonomy(), load_taxonomy(extra)):
        for text in _texts_to_tag(seed_text):
            assert tuple(t.slug for t in taxonomy.tag(text)) == _tag_by_definition(
                taxonomy, text
            ), text
    assert [t.slug for t in load_taxonomy(extra).tag("Reunification efforts")] == ["reunification"]
    assert [t.slug for t in load_taxonomy(extra).tag("The People's Army")] == ["armies"]


@pytest.mark.usefixtures("seeded")
def test_points_by_topic(cli: RunCli) -> None:
    result = cli("points", "--topic", "economic-cooperation", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["ordinal"] for row in rows] == ["6", "7"]
    assert rows[1]["topics"] == "economic-cooperation, science-technology, defence-cooperation"
    by_name = cli("points", "--topic", "Economic cooperation", "--format", "csv")
    assert by_name.stdout == result.stdout
    unknown = cli("points", "--topic", "weather")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "Error: no topic is called 'weather'; `communique report` lists them\n",
    )


def test_a_users_taxonomy_extends_the_packaged_one(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    extra = tmp_path / "topics.toml"
    extra.write_text(
        '[topics.friendship]\nname = "Friendship"\n'
        'terms = ["friendly relations", "good neighbor*"]\n'
        '[topics.missiles]\nterms = ["program does not pose"]\n',
        encoding="utf-8",
    )
    page = tmp_path / "seed.txt"
    page.write_text(
        seed_text.replace("outside interference", "good neighborliness"), encoding="utf-8"
    )
    assert cli("seed", "--taxonomy", str(extra), str(page)).exit_code == 0
    assert sql(
        db_path,
        "SELECT p.ordinal, t.slug FROM point_topics pt JOIN topics t"
        " ON t.id = pt.topic_id JOIN declaration_points p ON p.id = pt.point_id"
        " WHERE t.slug IN ('friendship', 'missiles') ORDER BY p.ordinal",
    ) == [(1, "friendship"), (4, "missiles")]


def test_article_overview_rows(seeded: Path) -> None:
    assert sql(seeded, "SELECT * FROM article_overview") == [
        (
            1,
            "2000-07-21",
            "2000-07-21",
            "kcna",
            "Pyongyang",
            "----07-21",
            "Landmark event in DPRK-Russia history",
            "Weapons of Mass Destruction (WMD)",
            1,
            1,
            7,
        )
    ]


def test_point_overview_rows(seeded: Path) -> None:
    rows = sql(
        seeded,
        "SELECT id, ordinal, label, subject, parties, topics, declaration_id,"
        " declaration_kind, declaration_title, article_id, headline, published,"
        " published_on, source FROM point_overview ORDER BY id",
    )
    assert len(rows) == 7
    assert rows[3] == (
        4,
        4,
        None,
        "the DPRK",
        "DPRK",
        "missiles",
        1,
        "joint declaration",
        "DPRK-Russia joint declaration",
        1,
        "Landmark event in DPRK-Russia history",
        "2000-07-21",
        "2000-07-21",
        "kcna",
    )
    assert [row[5] for row in rows] == [", ".join(SEED_TOPICS[i]) for i in range(1, 8)]


def test_which_positions_did_russia_take_and_when(seeded: Path) -> None:
    rows = sql(
        seeded,
        "SELECT published, ordinal FROM point_overview"
        " WHERE parties LIKE '%Russia%' ORDER BY ordinal",
    )
    assert rows == [("2000-07-21", n) for n in (1, 2, 3, 5, 6, 7)]


@pytest.fixture
def dated(cli: RunCli, db_path: Path, tmp_path: Path) -> Path:
    """Four articles: full date, year and month, month and day only, and no date at all."""
    texts = {
        "full.txt": ("A", "Pyongyang, July 21, 2000 (KCNA) -- Full."),
        "month.txt": ("B", "Pyongyang (KCNA) -- no dateline date."),
        "noyear.txt": ("C", "Pyongyang, March 3 (KCNA) -- Day without year."),
        "nodate.txt": ("D", "Plain words with no date."),
    }
    for name, (headline, body) in texts.items():
        (tmp_path / name).write_text(f"{headline} headline\n\n{body}\n", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '["month.txt"]\npublished_year = 2001\n', encoding="utf-8"
    )
    cli("seed", str(tmp_path))
    return db_path


@pytest.mark.usefixtures("dated")
def test_partial_dates_in_listings(cli: RunCli) -> None:
    rows = json.loads(cli("articles", "--format", "json").stdout)
    assert [(row["headline"], row["published"]) for row in rows] == [
        ("A headline", "2000-07-21"),
        ("B headline", "2001"),
        ("C headline", "----03-03"),
        ("D headline", None),
    ]


@pytest.mark.parametrize(
    ("options", "headlines"),
    [
        (("--since", "2000"), ["A", "B"]),
        (("--since", "2000-08"), ["B"]),
        (("--until", "2000-07"), ["A"]),
        (("--until", "2000-07-20"), []),
        (("--since", "2001-12-31"), ["B"]),
        (("--until", "2001-01"), ["A", "B"]),
        (("--since", "2000", "--include-undated"), ["A", "B", "C", "D"]),
    ],
)
@pytest.mark.usefixtures("dated")
def test_partial_date_filters(cli: RunCli, options: tuple[str, ...], headlines: list[str]) -> None:
    rows = json.loads(cli("articles", *options, "--format", "json").stdout)
    assert [row["headline"][0] for row in rows] == headlines


def _export(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", str(db), "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_export_formats_and_filters(seeded: Path, tmp_path: Path) -> None:
    points = [json.loads(line) for line in _export(seeded, "--what", "points").splitlines()]
    assert [p["ordinal"] for p in points] == [1, 2, 3, 4, 5, 6, 7]
    assert points[3]["parties"] == "DPRK" and points[3]["topics"] == "missiles"
    russia = _export(seeded, "--what", "points", "--party", "russia", "--format", "csv")
    assert len(list(csv.DictReader(io.StringIO(russia)))) == 6
    documents = json.loads(_export(seeded, "--what", "documents", "--format", "json"))
    assert [(d["id"], d["carrier"], d["status"]) for d in documents] == [
        (1, "globalsecurity", "parsed")
    ]
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["--db", str(seeded), "export", "-o", str(target)])
    assert result.stderr == f"communique: exported 1 articles to {target}\n"
    assert json.loads(target.read_text(encoding="utf-8"))["headline"] == (
        "Landmark event in DPRK-Russia history"
    )
    assert _export(seeded, "--what", "points", "--topic", "sanctions", "--format", "json") == "[]\n"


ARTICLE_FIELDS = (
    "SELECT a.headline, a.body, a.lead, a.dateline_place, a.published_on, s.slug"
    " FROM articles a LEFT JOIN sources s ON s.id = a.source_id ORDER BY a.fingerprint"
)
POINT_FIELDS = (
    "SELECT a.fingerprint, p.ordinal, p.text, p.subject, group_concat(pa.slug)"
    " FROM declaration_points p JOIN declarations d ON d.id = p.declaration_id"
    " JOIN articles a ON a.id = d.article_id LEFT JOIN point_parties pp ON pp.point_id = p.id"
    " LEFT JOIN parties pa ON pa.id = pp.party_id GROUP BY p.id ORDER BY a.fingerprint, p.ordinal"
)


def _round_trip(source: Path, tmp_path: Path) -> Path:
    exported = tmp_path / "articles.jsonl"
    exported.write_text(_export(source, "--what", "articles"), encoding="utf-8")
    again = tmp_path / "again.db"
    result = CliRunner().invoke(main, ["--db", str(again), "seed", str(exported)])
    assert result.exit_code == 0, result.output
    return again


def test_exported_articles_load_back_as_the_same_articles(seeded: Path, tmp_path: Path) -> None:
    again = _round_trip(seeded, tmp_path)
    assert sql(again, ARTICLE_FIELDS) == sql(seeded, ARTICLE_FIELDS)
    assert sql(again, POINT_FIELDS) == sql(seeded, POINT_FIELDS)


@pytest.mark.slow
def test_the_corpus_round_trips_through_export(tmp_path: Path) -> None:
    source = tmp_path / "corpus.db"
    corpus = SHARED / "corpus" / "kcna-2024-dev.json"
    if not corpus.exists():
        unavailable(f"the dev corpus is expected at {corpus} (a checkout beside shared/)")
    assert CliRunner().invoke(main, ["--db", str(source), "seed", str(corpus)]).exit_code == 0
    again = _round_trip(source, tmp_path)
    assert sql(again, "SELECT count(*) FROM articles") == [(714,)]
    assert sql(again, ARTICLE_FIELDS) == sql(source, ARTICLE_FIELDS)
    assert sql(again, POINT_FIELDS) == sql(source, POINT_FIELDS)


def test_exported_documents_are_filtered_by_their_own_section(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    story = "Pyongyang, May 2 (KCNA) -- One story, captured under two topics."
    archive = tmp_path / "two.jsonl"
    archive.write_text(
        "\n".join(
            json.dumps(
                {
                    "topic": topic,
                    "headline": "One story",
                    "link": f"http://x/{n}",
                    "date_str": "2024-05-02",
                    "story_text": story,
                }
            )
            for n, topic in enumerate(["External", "Korea"])
        ),
        encoding="utf-8",
    )
    assert cli("seed", str(archive)).exit_code == 0
    rows = json.loads(
        _export(db_path, "--what", "documents", "--section", "Korea", "--format", "json")
    )
    assert [(row["id"], row["section"]) for row in rows] == [(2, "Korea")]
