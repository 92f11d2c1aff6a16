"""Page captures of the common carriers, recognised by their own furniture. The texts in
tests/captures reproduce each site's structure with invented content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from communique.extract import CaptureHints, Extraction, extract

from conftest import RunCli, sql

CAPTURES = Path(__file__).parent / "captures"


def _extract(name: str, year: int | None = None) -> Extraction:
    return extract((CAPTURES / name).read_text(encoding="utf-8"), CaptureHints(published_year=year))


def _holders(extraction: Extraction) -> list[list[str]]:
    assert extraction.article is not None
    (declaration,) = extraction.article.declarations
    return [[party.slug for party in point.parties] for point in declaration.points]


def test_globalsecurity_with_kns_attribution() -> None:
    found = _extract("globalsecurity-kns-2016.txt", 2016)
    assert found.carrier is not None and found.carrier.slug == "globalsecurity"
    assert found.distributor is not None and found.distributor.slug == "kns"
    assert found.section == "Weapons of Mass Destruction (WMD)"
    article = found.article
    assert article is not None and article.source is not None
    assert article.headline == "Foreign Ministry Spokesman Slams Sanctions Moves"
    assert article.source.slug == "kcna"
    assert (article.published_year, article.published_month, article.published_day) == (2016, 3, 4)
    assert article.published_from == "manifest"
    assert "NEWSLETTER" not in article.body and "UNITED24" not in article.body
    assert article.body.endswith("to defend its dignity.")
    (declaration,) = article.declarations
    assert (declaration.kind, declaration.title) == ("statement", None)
    assert declaration.issuer == "Foreign Ministry of the DPRK"
    assert _holders(found) == [["dprk-foreign-ministry"]] * 3


def test_globalsecurity_indented_single_newline_capture() -> None:
    found = _extract("globalsecurity-indented-2005.txt", 2005)
    article = found.article
    assert article is not None and article.source is not None
    assert found.distributor is None
    assert article.source.slug == "kcna"
    assert article.headline == "DPRK and China Issue Joint Press Statement"
    assert "podcast" not in article.body
    assert len(article.body.split("\n\n")) == 3
    (declaration,) = article.declarations
    assert (declaration.kind, declaration.title, declaration.intro) == (
        "joint press statement",
        "DPRK-China joint press statement",
        "It says:",
    )
    assert declaration.issuer is None
    # The first point follows the colon on the dateline's line.
    assert declaration.points[0].text.startswith("The two sides exchanged views")
    assert _holders(found) == [["dprk", "china"], ["china"], ["dprk", "china"]]


def test_globalsecurity_nis_digest_is_its_own_source() -> None:
    found = _extract("globalsecurity-nis-2006.txt")
    article = found.article
    assert article is not None and article.source is not None
    assert article.source.slug == "nis"
    assert article.headline == "Major Weekly Developments in North Korea (Oct. 2 - Oct. 8, 2006)"
    assert article.dateline_place is None
    assert (article.published_year, article.published_month, article.published_day) == (
        None,
        None,
        None,
    )
    assert article.declarations == ()
    assert found.warnings == ()


def test_kcna_watch_date_line_gives_the_full_date() -> None:
    found = _extract("kcnawatch-2025.txt")
    assert found.carrier is not None and found.carrier.slug == "kcnawatch"
    article = found.article
    assert article is not None and article.source is not None
    assert article.headline == (
        "Press Statement of Spokesperson of DPRK Ministry of National Defence"
    )
    assert article.source.slug == "kcna"
    assert (article.published_year, article.published_month, article.published_day) == (2025, 1, 14)
    assert article.published_from == "header"
    assert "More From" not in article.body and "Bridge Reopened" not in article.body
    assert "www.kcna.kp" not in article.body
    (declaration,) = article.declarations
    assert declaration.kind == "press statement"
    assert declaration.title == "Provocations will be met with resolute response"
    assert declaration.issuer == "Ministry of National Defence of the DPRK"
    # "The U.S. is conducting ..." is the DPRK's position, not the United States'.
    assert declaration.points[0].subject == "The U.S."
    assert _holders(found) == [["dprk-defence-ministry"]] * 3


def test_kcna_co_jp_calendar_line_and_numbered_points() -> None:
    found = _extract("kcna-co-jp-2013.txt")
    assert found.carrier is not None and found.carrier.slug == "kcna-co-jp"
    assert found.distributor is not None and found.distributor.slug == "kns"
    article = found.article
    assert article is not None
    assert article.headline == "Memorandum of DPRK Foreign Ministry Issued"
    assert (article.published_year, article.published_month, article.published_day) == (2013, 7, 19)
    assert article.published_from == "header"
    assert "Copyright" not in article.body
    (declaration,) = article.declarations
    assert (declaration.kind, declaration.intro) == (
        "memorandum",
        "Follows the full text of the memorandum:",
    )
    assert declaration.issuer == "DPRK Foreign Ministry"
    assert [point.label for point in declaration.points] == ["1", "2", "3"]
    assert declaration.points[1].text == (
        "2. The U.S. should abandon its hostile policy toward the DPRK."
    )
    assert _holders(found) == [["dprk-foreign-ministry"]] * 3


def test_a_juche_year_alone_in_the_calendar_line_counts() -> None:
    text = (CAPTURES / "kcna-co-jp-2013.txt").read_text(encoding="utf-8")
    found = extract(text.replace("July 19. 2013 Juche 102", "July 19. Juch 102"))
    assert found.article is not None
    assert found.article.published_year == 2013


def test_plain_text_takes_its_first_line_and_ignores_dates_in_the_body() -> None:
    found = _extract("plain-anecdote.txt")
    assert found.carrier is None
    article = found.article
    assert article is not None
    assert article.headline == "Revolutionary Anecdote: Visit to a Fish Farm"
    # "May Juche 106 (2017)" opens an anecdote; "on Tuesday" is no date either.
    assert (article.published_year, article.published_month, article.published_day) == (
        None,
        None,
        None,
    )
    assert article.published_from is None
    assert found.warnings == ("no dateline found",)


def test_carriers_are_found_by_furniture_not_file_name(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    for index, name in enumerate(sorted(path.name for path in CAPTURES.glob("*.txt"))):
        shutil.copy(CAPTURES / name, tmp_path / f"capture-{index}.txt")
    result = cli("seed", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = sql(
        db_path,
        "SELECT a.headline, c.slug, dist.slug, s.slug, a.published_on, a.published_from"
        " FROM documents d JOIN articles a ON a.id = d.article_id"
        " LEFT JOIN sources c ON c.id = d.carrier_id LEFT JOIN sources dist"
        " ON dist.id = d.distributor_id LEFT JOIN sources s ON s.id = a.source_id ORDER BY d.id",
    )
    assert [row[1:] for row in rows] == [
        ("globalsecurity", None, "kcna", None, "dateline"),
        ("globalsecurity", "kns", "kcna", None, "dateline"),
        ("globalsecurity", None, "nis", None, None),
        ("kcna-co-jp", "kns", "kcna", "2013-07-19", "header"),
        ("kcnawatch", None, "kcna", "2025-01-14", "header"),
        (None, None, None, None, None),
    ]


@pytest.mark.parametrize(
    "banner",
    [
        "Find a Security Clearance Job!",
        "The Largest Security-Cleared Career Network for Defense and Intelligence Jobs - JOIN NOW",
    ],
)
def test_either_globalsecurity_job_board_line(banner: str, seed_text: str) -> None:
    text = seed_text.replace("Find a Security Clearance Job!", banner)
    found = extract(text, CaptureHints(published_year=2000))
    assert found.carrier is not None and found.carrier.slug == "globalsecurity"
    assert found.article is not None
    assert found.article.headline == "Landmark event in DPRK-Russia history"
