"""The reading commands and their formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import RunCli


@pytest.mark.usefixtures("seeded")
def test_articles_table(cli: RunCli) -> None:
    result = cli("articles")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "id  published   source  dateline   headline                               "
        "documents  points",
        "--  ----------  ------  ---------  -------------------------------------  "
        "---------  ------",
        "1   2000-07-21  kcna    Pyongyang  Landmark event in DPRK-Russia history  1          7",
    ]


@pytest.mark.parametrize(
    ("options", "ids"),
    [
        ((), [1]),
        (("--source", "kcna"), [1]),
        (("--source", "globalsecurity"), []),
        (("--since", "2000-07-21"), [1]),
        (("--since", "2000-07-22"), []),
        (("--until", "2000-07-21"), [1]),
        (("--until", "2000-07-20"), []),
    ],
)
@pytest.mark.usefixtures("seeded")
def test_articles_filters(cli: RunCli, options: tuple[str, ...], ids: list[int]) -> None:
    result = cli("articles", *options, "--format", "json")
    assert result.exit_code == 0
    assert [row["id"] for row in json.loads(result.stdout)] == ids


@pytest.mark.usefixtures("seeded")
def test_articles_rejects_a_bad_date(cli: RunCli) -> None:
    result = cli("articles", "--since", "21/07/2000")
    assert result.exit_code == 2
    assert "'21/07/2000' is not a date like 2000, 2000-07 or 2000-07-21" in result.stderr


@pytest.mark.usefixtures("seeded")
def test_points_formats_agree(cli: RunCli) -> None:
    as_json = json.loads(cli("points", "--format", "json").stdout)
    as_jsonl = [json.loads(line) for line in cli("points", "--format", "jsonl").stdout.splitlines()]
    as_csv = list(csv.DictReader(io.StringIO(cli("points", "--format", "csv").stdout)))
    assert as_json == as_jsonl
    assert len(as_json) == 7
    assert as_json[3] == {
        "id": 4,
        "article_id": 1,
        "declaration_id": 1,
        "ordinal": 4,
        "subject": "the DPRK",
        "parties": ["DPRK"],
        "topics": ["missiles"],
        "text": "In particular, the DPRK stated that its missile program does not pose any "
        "threat to anybody but is purely peaceful in its nature.",
    }
    assert [row["parties"] for row in as_csv] == ["DPRK, Russia"] * 3 + ["DPRK"] + [
        "DPRK, Russia"
    ] * 3
    assert list(as_csv[0]) == list(as_json[0])
    # Names as JSON arrays for programs, joined by commas in a table or csv.
    assert as_json[0]["parties"] == ["DPRK", "Russia"]
    assert as_csv[0]["topics"] == ", ".join(as_json[0]["topics"])


@pytest.mark.parametrize(
    ("options", "ordinals"),
    [
        (("--party", "dprk"), [1, 2, 3, 4, 5, 6, 7]),
        (("--party", "DPRK"), [1, 2, 3, 4, 5, 6, 7]),
        (("--party", "North Korea"), [1, 2, 3, 4, 5, 6, 7]),
        (("--party", "russia"), [1, 2, 3, 5, 6, 7]),
        (("--party", "china"), []),
        (("--article", "1"), [1, 2, 3, 4, 5, 6, 7]),
        (("--article", "2"), []),
        (("--declaration", "1", "--party", "Russia"), [1, 2, 3, 5, 6, 7]),
    ],
)
@pytest.mark.usefixtures("seeded")
def test_points_filters(cli: RunCli, options: tuple[str, ...], ordinals: list[int]) -> None:
    result = cli("points", *options, "--format", "json")
    assert result.exit_code == 0
    assert [row["ordinal"] for row in json.loads(result.stdout)] == ordinals


@pytest.mark.usefixtures("seeded")
def test_sources_and_parties(cli: RunCli) -> None:
    assert json.loads(cli("sources", "--format", "json").stdout) == [
        {
            "id": 2,
            "slug": "globalsecurity",
            "name": "GlobalSecurity.org",
            "kind": "website",
            "country": "US",
            "articles": 0,
            "captures": 1,
        },
        {
            "id": 1,
            "slug": "kcna",
            "name": "Korean Central News Agency",
            "kind": "news agency",
            "country": "DPRK",
            "articles": 1,
            "captures": 0,
        },
    ]
    assert cli("parties", "--format", "csv").stdout.splitlines() == [
        "id,slug,name,short_name,kind,state,speaks_for_state,points,signatories",
        "1,dprk,Democratic People's Republic of Korea,DPRK,state,,0,7,1",
        "2,russia,Russian Federation,Russia,state,,0,6,1",
    ]


def test_empty_listings_still_have_their_columns(cli: RunCli) -> None:
    assert cli("db", "upgrade").exit_code == 0
    assert cli("points", "--format", "csv").stdout == (
        "id,article_id,declaration_id,ordinal,subject,parties,topics,text\n"
    )
    assert cli("articles", "--format", "json").stdout == "[]\n"
    assert cli("parties").stdout.splitlines()[0].split() == [
        "id",
        "slug",
        "name",
        "short_name",
        "kind",
        "state",
        "speaks_for_state",
        "points",
        "signatories",
    ]


@pytest.mark.usefixtures("seeded")
def test_show_text(cli: RunCli) -> None:
    result = cli("show", "1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:7] == [
        "Article 1: Landmark event in DPRK-Russia history",
        "Published:   2000-07-21",
        "Dateline:    Pyongyang, July 21",
        "Source:      Korean Central News Agency (kcna)",
        "Captures (1):",
        '  document 1: GlobalSecurity.org, section "Weapons of Mass Destruction (WMD)"',
        "    https://www.globalsecurity.org/wmd/library/news/dprk/2000/dprk-000721.htm",
    ]
    assert "Joint declaration: DPRK-Russia joint declaration" in lines
    assert "Signed:      Pyongyang, 2000-07-19" in lines
    assert "Signatory:   Kim Jong Il, Chairman of the National Defence Commission (DPRK)" in lines
    assert "Signatory:   V. V. Putin, President (Russia)" in lines
    assert "Points (7):" in lines
    assert "Speaks for:  DPRK, Russia (title)" in lines
    assert [line for line in lines if line.startswith("       held by:")] == [
        "       held by: DPRK, Russia (both-sides)",
        "       held by: DPRK, Russia (stance-subject)",
        "       held by: DPRK, Russia (stance-subject)",
        "       held by: DPRK (stance-subject)",
        "       held by: DPRK, Russia (stance-subject)",
        "       held by: DPRK, Russia (document)",
        "       held by: DPRK, Russia (both-sides)",
    ]


@pytest.mark.usefixtures("seeded")
def test_show_json(cli: RunCli) -> None:
    article = json.loads(cli("show", "1", "--format", "json").stdout)
    assert article["headline"] == "Landmark event in DPRK-Russia history"
    assert article["published"] == "2000-07-21"
    (declaration,) = article["declarations"]
    assert declaration["signed"] == "2000-07-19"
    assert [s["party"] for s in declaration["signatories"]] == ["dprk", "russia"]
    assert [p["parties"] for p in declaration["points"]][3] == ["DPRK"]
    assert [p["ordinal"] for p in declaration["points"]] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.usefixtures("seeded")
def test_show_an_unknown_article(cli: RunCli) -> None:
    result = cli("show", "42")
    assert result.exit_code == 1
    assert result.stderr == "Error: no article with id 42; `communique articles` lists them\n"


def test_listings_need_an_existing_database(cli: RunCli, db_path: Path) -> None:
    result = cli("articles")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {db_path}: no such database; load something first with `communique seed`"
        " or name another file with --db or COMMUNIQUE_DB\n"
    )
    assert not db_path.exists()


def test_json_keeps_text_readable(cli: RunCli, tmp_path: Path, seed_text: str) -> None:
    page = tmp_path / "quotes.txt"
    page.write_text(
        seed_text.replace("Landmark event", "Landmark \u201cevent\u201d"), encoding="utf-8"
    )
    assert cli("seed", str(page)).exit_code == 0
    output = cli("articles", "--format", "json").stdout
    assert "Landmark \u201cevent\u201d" in output
    assert "\\u201c" not in output


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            ("points", "--party", "russa"),
            "Error: no party is called 'russa'; `communique parties` lists them\n",
        ),
        (
            ("articles", "--source", "tass"),
            "Error: no source is called 'tass'; `communique sources` lists them\n",
        ),
    ],
)
@pytest.mark.usefixtures("seeded")
def test_unknown_filters_are_errors_not_empty_answers(
    cli: RunCli, command: tuple[str, ...], message: str
) -> None:
    result = cli(*command)
    assert result.exit_code == 1
    assert result.stderr == message


@pytest.mark.usefixtures("seeded")
def test_source_filters_ignore_case(cli: RunCli) -> None:
    result = cli("articles", "--source", "KCNA", "--format", "csv")
    assert result.stdout.splitlines()[1].startswith("1,2000-07-21,kcna,")


@pytest.mark.usefixtures("seeded")
def test_report_of_the_seed(cli: RunCli) -> None:
    assert json.loads(cli("report", "--format", "json").stdout) == {
        "documents": 1,
        "documents_by_status": {"parsed": 1},
        "articles": 1,
        "articles_with_dateline": 1,
        "articles_with_dateline_percent": 100.0,
        "articles_with_full_date": 1,
        "articles_with_full_date_percent": 100.0,
        "published_documents": 1,
        "published_documents_by_kind": {"joint declaration": 1},
        "points": 7,
        "points_unattributed": 0,
        "points_by_topic": {
            "economic-cooperation": 2,
            "sovereignty": 2,
            "defence-cooperation": 1,
            "international-law": 1,
            "missiles": 1,
            "reunification": 1,
            "science-technology": 1,
            "strategic-stability": 1,
            "terrorism-crime": 1,
        },
        "points_by_party": {"DPRK": 7, "Russia": 6},
        "points_by_rule": {"stance-subject": 7, "both-sides": 4, "document": 2},
        "documents_from_older_extraction": 0,
        "snapshots": 0,
        "archives_followed": 0,
        "items_followed": 0,
        "items_withdrawn": 0,
        "items_alternating": 0,
        "articles_superseded": 0,
    }
    assert cli("report").stdout.splitlines() == [
        "documents                   1",
        "  parsed                    1",
        "articles                    1",
        "  with dateline             1 (100.0%)",
        "  with full date            1 (100.0%)",
        "published documents         1",
        "  joint declaration         1",
        "points                      7",
        "  unattributed              0",
        "  by topic:",
        "  economic-cooperation      2",
        "  sovereignty               2",
        "  defence-cooperation       1",
        "  international-law         1",
        "  missiles                  1",
        "  reunification             1",
        "  science-technology        1",
        "  strategic-stability       1",
        "  terrorism-crime           1",
        "  by party:",
        "  DPRK                      7",
        "  Russia                    6",
        "  attributions by rule:",
        "  stance-subject            7",
        "  both-sides                4",
        "  document                  2",
        "from an older extraction    0",
        "snapshots                   0 (of 0 archive(s))",
        "  items followed            0",
        "  withdrawn now             0",
        "  alternating               0",
        "  articles superseded       0 (left out of listings unless --all-versions)",
    ]
