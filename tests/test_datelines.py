"""The dateline's own date, kept beside the publication date: stored, shown, in the overview
view, and filled by `reparse` for databases loaded before it was kept."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from communique.extract import extract

from conftest import RunCli, sql

PAGE = """KCNA KCNA.kp (En)

DPRK Foreign Ministry Spokesman on U.S. Moves

Date: 04/03/2005 | Source: KCNA.kp (En) | Read original version at source

Pyongyang, March 3 (KCNA) -- A spokesman for the DPRK Foreign Ministry said today:

The U.S. is escalating its hostile moves against the DPRK. -0-
"""
"""A KCNA Watch page whose header gives the day after the dateline's."""

RECORD = {
    "topic": "Top News",
    "headline": "Talks Held",
    "link": "http://www.kcna.kp/en/article/q/dateline-test.kcmsf",
    "date": 1725580800000,
    "date_str": "2024-09-06",
    "story_text": "Pyongyang, September 5 (KCNA) -- Talks were held here on Thursday. -0-",
}
"""An archive record dated the day after its dateline."""

DATED = """Joint Statement

Pyongyang, July 21, 2000 (KCNA) -- The two sides held talks here today. -0-
"""
"""A dateline that states its year."""


def test_the_datelines_own_date_is_kept_beside_the_publication_date() -> None:
    article = extract(PAGE).article
    assert article is not None
    published = (article.published_year, article.published_month, article.published_day)
    assert (published, article.published_from) == ((2005, 3, 4), "header")
    dateline = (article.dateline_year, article.dateline_month, article.dateline_day)
    assert (article.dateline_place, dateline) == ("Pyongyang", (None, 3, 3))
    dated = extract(DATED).article
    assert dated is not None
    assert (dated.dateline_year, dated.dateline_month, dated.dateline_day) == (2000, 7, 21)


def test_the_datelines_date_is_stored_shown_and_in_the_overview(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    page, record, dated = tmp_path / "page.txt", tmp_path / "records.json", tmp_path / "d.txt"
    page.write_text(PAGE, encoding="utf-8")
    record.write_text(json.dumps([RECORD]), encoding="utf-8")
    dated.write_text(DATED, encoding="utf-8")
    for path in (page, record, dated):
        assert cli("seed", str(path)).exit_code == 0
    assert sql(
        db_path,
        "SELECT published_on, dateline_place, dateline_year, dateline_month, dateline_day"
        " FROM articles ORDER BY id",
    ) == [
        ("2005-03-04", "Pyongyang", None, 3, 3),
        ("2024-09-06", "Pyongyang", None, 9, 5),
        ("2000-07-21", "Pyongyang", 2000, 7, 21),
    ]
    assert sql(db_path, "SELECT id, published, dateline_date FROM article_overview") == [
        (1, "2005-03-04", "----03-03"),
        (2, "2024-09-06", "----09-05"),
        (3, "2000-07-21", "2000-07-21"),
    ]
    shown = cli("show", "1").stdout
    assert "Published:   2005-03-04\n" in shown
    assert "Dateline:    Pyongyang, March 3\n" in shown
    assert "Dateline:    Pyongyang, July 21, 2000\n" in cli("show", "3").stdout
    detail = json.loads(cli("show", "2", "--format", "json").stdout)
    assert (detail["published"], detail["dateline"], detail["dateline_date"]) == (
        "2024-09-06",
        "Pyongyang",
        "----09-05",
    )


def test_reparse_fills_the_datelines_date_of_rows_loaded_before(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    assert cli("seed", str(page)).exit_code == 0
    fresh = sql(db_path, "SELECT dateline_year, dateline_month, dateline_day FROM articles")
    # As an upgrade to revision 0007 leaves an older database: no dateline date, older rows.
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute(
            "UPDATE articles SET dateline_year = NULL, dateline_month = NULL, dateline_day = NULL"
        )
        connection.execute("UPDATE documents SET extraction_version = 3")
    assert cli("show", "1").stdout.count("Dateline:    Pyongyang\n") == 1
    assert cli("reparse", "--stale").exit_code == 0
    assert sql(db_path, "SELECT dateline_year, dateline_month, dateline_day FROM articles") == fresh
    assert fresh == [(None, 3, 3)]
