"""Declarations as first-class rows: the `declarations` listing with the filters of
`articles`, the `declaration_overview` view, and exports of one article or declaration."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import RunCli, sql

STATEMENT = (
    "Statement on Drills\n\nPyongyang, June 2 (KCNA) -- A spokesman for the DPRK Foreign"
    " Ministry issued the following press statement on Friday:\n\nThe U.S. is escalating"
    " tensions with its missile drills.\n\nThe DPRK will defend its sovereignty. -0-\n"
)


@pytest.fixture
def two(cli: RunCli, seeded: Path, tmp_path: Path) -> Path:
    page = tmp_path / "statement.txt"
    page.write_text(STATEMENT, encoding="utf-8")
    assert cli("seed", str(page)).exit_code == 0
    return seeded


def _listed(cli: RunCli, *options: str) -> list[dict[str, object]]:
    result = cli("declarations", *options, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


@pytest.mark.usefixtures("two")
def test_declarations_lists_each_published_document(cli: RunCli) -> None:
    assert _listed(cli) == [
        {
            "id": 1,
            "article_id": 1,
            "published": "2000-07-21",
            "kind": "joint declaration",
            "title_or_issuer": "DPRK-Russia joint declaration",
            "parties": ["DPRK", "Russia"],
            "points": 7,
        },
        {
            "id": 2,
            "article_id": 2,
            "published": "----06-02",
            "kind": "press statement",
            "title_or_issuer": "DPRK Foreign Ministry",
            "parties": ["DPRK Foreign Ministry"],
            "points": 2,
        },
    ]
    table = cli("declarations").stdout.splitlines()
    assert table[0].split() == [
        "id",
        "article_id",
        "published",
        "kind",
        "title_or_issuer",
        "parties",
        "points",
    ]
    as_csv = list(csv.DictReader(io.StringIO(cli("declarations", "--format", "csv").stdout)))
    assert as_csv[0]["parties"] == "DPRK, Russia"


@pytest.mark.usefixtures("two")
@pytest.mark.parametrize(
    ("options", "ids"),
    [
        (["--kind", "joint declaration"], [1]),
        (["--kind", "Press Statement"], [2]),
        (["--party", "russia"], [1]),
        (["--party", "dprk"], [1, 2]),
        (["--party", "dprk", "--exact"], [1]),
        (["--topic", "missiles"], [1, 2]),
        (["--topic", "reunification"], [1]),
        (["--since", "2000", "--until", "2000-07"], [1]),
        (["--since", "2001"], []),
        (["--since", "2001", "--include-undated"], [2]),
        (["--source", "kcna"], [1, 2]),
        (["--section", "Weapons of Mass Destruction (WMD)"], [1]),
    ],
    ids=lambda value: " ".join(map(str, value)),
)
def test_declarations_take_the_filters_of_articles(
    cli: RunCli, options: list[str], ids: list[int]
) -> None:
    assert [row["id"] for row in _listed(cli, *options)] == ids


def test_the_declaration_overview_view_reads_with_sqlite(two: Path) -> None:
    assert sql(
        two,
        "SELECT id, article_id, published, source, kind, title, issuer, title_or_issuer,"
        " parties, speaks_for, points FROM declaration_overview ORDER BY id",
    ) == [
        (
            1,
            1,
            "2000-07-21",
            "kcna",
            "joint declaration",
            "DPRK-Russia joint declaration",
            None,
            "DPRK-Russia joint declaration",
            "DPRK, Russia",
            "DPRK, Russia",
            7,
        ),
        (
            2,
            2,
            "----06-02",
            "kcna",
            "press statement",
            None,
            "DPRK Foreign Ministry",
            "DPRK Foreign Ministry",
            "DPRK Foreign Ministry",
            "DPRK",
            2,
        ),
    ]


@pytest.mark.usefixtures("two")
def test_export_of_one_article_or_declaration(cli: RunCli) -> None:
    def exported(*options: str) -> list[dict[str, object]]:
        result = cli("export", *options, "--format", "json")
        assert result.exit_code == 0, result.output
        rows: list[dict[str, object]] = json.loads(result.stdout)
        return rows

    assert [row["id"] for row in exported("--what", "points", "--declaration", "2")] == [8, 9]
    assert [row["id"] for row in exported("--what", "points", "--article", "1")] == list(
        range(1, 8)
    )
    assert [row["id"] for row in exported("--what", "articles", "--declaration", "2")] == [2]
    assert [row["id"] for row in exported("--what", "articles", "--article", "1")] == [1]
    assert [row["article_id"] for row in exported("--what", "documents", "--article", "2")] == [2]
    declarations = exported("--what", "declarations", "--article", "2")
    assert [(row["id"], row["speaks_for"]) for row in declarations] == [(2, "DPRK")]
    assert exported("--what", "points", "--declaration", "99") == []
