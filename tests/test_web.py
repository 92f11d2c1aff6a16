"""The web view: the file in Datasette, through `communique serve` and through a plain
`datasette FILE`, explained, searchable, with canned queries and an article page; and the
article page and a search driven in headless Chromium."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from communique.resources import schema_page
from communique.web.article import layout, placed_points
from communique.web.metadata import metadata, parse_schema_page

from conftest import SHARED, console_script, run_console, sql, unavailable

CORPUS = SHARED / "corpus" / "kcna-2024-dev.json"


def _columns_of(db: Path) -> dict[str, list[str]]:
    """Every table and view of the file with its columns, read with plain sqlite3."""
    with closing(sqlite3.connect(db)) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                " AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
            for name in names
        }


def test_every_table_view_and_column_is_explained(seeded: Path) -> None:
    """The schema page's words reach Datasette for everything in the file, FTS5's own
    tables included."""
    columns_of = _columns_of(seeded)
    page = parse_schema_page(schema_page().read_text(encoding="utf-8"))
    tables = metadata("test", page, columns_of)["databases"]["test"]["tables"]
    assert sorted(tables) == sorted(columns_of)
    for name, columns in columns_of.items():
        assert tables[name]["title"].startswith(name), name
        assert tables[name].get("description_html") or tables[name].get("description"), name
        assert sorted(tables[name]["columns"]) == sorted(columns), name
        assert all(tables[name]["columns"].values()), name
    assert tables["articles"]["title"] == "articles: news articles"
    assert (
        tables["articles"]["columns"]["dateline_month"]
        == tables["articles"]["columns"]["dateline_year"]
    )
    assert tables["articles"]["columns"]["headline"] == (
        "the headline, without line breaks, tabs or trailing stamps;"
        " NULL when there was only a stamp"
    )
    assert tables["articles_fts"]["columns"] == {
        "headline": "in articles_fts: the article's headline",
        "body": "in articles_fts: the article's body",
    }
    assert tables["declaration_points_fts"]["columns"] == {
        "text": "in declaration_points_fts: the point's text"
    }
    assert tables["declarations"]["label_column"] == "kind"
    assert tables["point_overview"]["fts_table"] == "declaration_points_fts"
    assert tables["articles_fts_data"]["title"] == (
        "articles_fts_data: FTS5's own data table of the full-text index articles_fts"
    )
    assert (
        "<code>content=&quot;articles&quot;</code>"
        not in tables["articles_fts"]["description_html"]
    )
    assert '<code>content="articles"</code>' in tables["articles_fts"]["description_html"]


def test_the_page_reader_takes_headings_prose_and_column_rows() -> None:
    page = parse_schema_page(
        "# The schema\n\nIntro with `code`.\n\n## Tables\n\n"
        "### `a` and `b`: pairs\n\nOne row per *pair*; see [x](y.md).\n\n"
        "| column | meaning |\n| --- | --- |\n| `id` | key |\n| `p`, `q` | in `a`: both <b> |\n"
        "\n```sql\nselect 1;\n```\n\nAfter the table.\n"
    )
    assert page.description == "Intro with `code`."
    assert sorted(page.relations) == ["a", "b"]
    assert page.relations["a"].title == "pairs"
    assert page.relations["b"].description == (
        "One row per *pair*; see [x](y.md).\n\nAfter the table."
    )
    assert page.relations["a"].columns == {
        "id": "key",
        "p": "in `a`: both <b>",
        "q": "in `a`: both <b>",
    }
    assert page.relations["b"].columns == {"id": "key"}
    tables = metadata("d", page, {"a": ["id", "p"], "b": ["id", "q"]})["databases"]["d"]["tables"]
    assert tables["a"]["columns"] == {"id": "key", "p": "in a: both <b>"}
    assert tables["b"]["columns"] == {"id": "key"}
    assert tables["a"]["description_html"] == (
        "<p>One row per <em>pair</em>; see x.</p><p>After the table.</p>"
    )


def test_the_article_layout_marks_each_point_in_its_paragraph() -> None:
    point = {"id": 5, "text": "The DPRK  and Russia\nagree.", "ordinal": 1}
    lost = {"id": 6, "text": "Words found nowhere.", "ordinal": 2}
    article = {
        "body": "Pyongyang, July 21 (KCNA) -- It says:\n\nThe DPRK and Russia agree.\n\nEnd.",
        "declarations": [{"id": 1, "kind": "statement", "points": [point, lost]}],
    }
    paragraphs = layout(article)
    assert [(p.text, [q["id"] for q in p.points]) for p in paragraphs] == [
        ("Pyongyang, July 21 (KCNA) -- It says:", []),
        ("The DPRK and Russia agree.", [5]),
        ("End.", []),
    ]
    assert paragraphs[1].points[0]["declaration"]["kind"] == "statement"
    assert placed_points(paragraphs) == {5}


def _datasette() -> Path:
    """Datasette's console script beside the running interpreter: the `web` extra."""
    script = Path(sys.executable).parent / "datasette"
    if not script.exists():
        unavailable("Datasette is not installed (pip install -e '.[web]')")
    return script


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _json(url: str) -> Any:
    status, body = _get(url)
    assert status == 200, body[:500]
    return json.loads(body)


@contextmanager
def _serving(command: list[str], port: int, log: Path) -> Iterator[str]:
    """Run a web server command until its instance answers; its base URL while it runs."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server stopped: {log.read_text(errors='replace')}")
            try:
                if _get(f"{base}/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _communique_serve(db: Path, log: Path, *datasette_options: str) -> Iterator[str]:
    _datasette()
    port = _free_port()
    command = [str(console_script()), "--db", str(db), "serve", "--port", str(port)]
    command += ["--", *datasette_options] if datasette_options else []
    with _serving(command, port, log) as base:
        yield f"{base}/{db.stem}"


SEED_HOLDERS = [
    "DPRK (both-sides); Russia (both-sides)",
    "DPRK (stance-subject); Russia (stance-subject)",
    "DPRK (stance-subject); Russia (stance-subject)",
    "DPRK (stance-subject)",
    "DPRK (stance-subject); Russia (stance-subject)",
    "DPRK (document); Russia (document)",
    "DPRK (both-sides); Russia (both-sides)",
]
"""The seed's joint declaration read by hand: "Both sides ..." (1, 7) and "All peoples of the
world should ..." (6, no holder named: the document's) are joint; "In particular, the DPRK
stated ..." (4) is the DPRK's; the others name both."""


@pytest.mark.slow
def test_serve_explains_the_file_and_answers_the_canned_queries(
    seeded: Path, tmp_path: Path
) -> None:
    options = ("--setting", "sql_time_limit_ms", "4321")
    with _communique_serve(seeded, tmp_path / "serve.log", *options) as db:
        assert _json(f"{db.rsplit('/', 1)[0]}/-/settings.json")["sql_time_limit_ms"] == 4321
        served = _json(f"{db}.json")
        assert served["database"] == "test"
        tables = _json(f"{db}/articles.json?_size=0")
        assert "news articles" in json.dumps(_json(f"{db.rsplit('/', 1)[0]}/-/metadata.json"))
        assert tables["filtered_table_rows_count"] == 1

        rows = _json(f"{db}/points_of_a_declaration.json?declaration=1&_shape=arrays")["rows"]
        assert [[row[0], row[1], row[3]] for row in rows] == [
            [ordinal, None, holders] for ordinal, holders in enumerate(SEED_HOLDERS, 1)
        ]
        assert rows[3][2].startswith("In particular, the DPRK stated that its missile program")

        held = _json(
            f"{db}/positions_of_a_party_on_a_topic.json?party=dprk&topic=missiles&_shape=objects"
        )["rows"]
        assert [(row["holder"], row["rule"]) for row in held] == [("DPRK", "stance-subject")]
        russia = f"{db}/positions_of_a_party_on_a_topic.json?party=russia&topic=missiles"
        assert _json(russia)["rows"] == []

        between = f"{db}/documents_between_two_parties.json?first=russia&second=dprk&_shape=objects"
        assert [(row["kind"], row["declaration_id"]) for row in _json(between)["rows"]] == [
            ("joint declaration", 1)
        ]
        nobody = f"{db}/documents_between_two_parties.json?first=dprk&second=china"
        assert _json(nobody)["rows"] == []

        status, page = _get(f"{db}/-/article/1")
        assert status == 200
        assert page.count('class="point-mark"') == 7
        assert "Landmark event in DPRK-Russia history" in page
        assert "Pyongyang, July 21" in page
        assert _get(f"{db}/-/article/2")[0] == 404

        overview = _get(f"{db}/article_overview")[1]
        assert 'href="/test/-/article/1"' in overview


def test_serve_without_a_database_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = run_console("--db", str(missing), "serve", "--port", str(_free_port()))
    assert result.returncode == 1
    assert result.stderr == f"Error: no database at {missing}; `communique seed` makes one\n"
    assert not missing.exists()


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.exists():
        unavailable(f"the dev corpus is expected at {CORPUS} (a checkout beside shared/)")
    db = tmp_path_factory.mktemp("web") / "corpus.db"
    loaded = run_console("--db", str(db), "seed", str(CORPUS))
    assert loaded.returncode == 0, loaded.stderr
    return db


def _fts_count(db: Path, index: str, words: str) -> int:
    (count,) = sql(db, f"SELECT count(*) FROM {index} WHERE {index} MATCH ?", words)[0]
    assert isinstance(count, int)
    return count


@pytest.mark.slow
def test_plain_datasette_and_sqlite_utils_find_the_search(corpus_db: Path, tmp_path: Path) -> None:
    """`datasette FILE`, without our command, searches through our indexes and shows the
    plugin's explanations; so does `sqlite-utils search`."""
    (articles,) = sql(corpus_db, "SELECT count(*) FROM articles")[0]
    missile = _fts_count(corpus_db, "articles_fts", "missile")
    sovereignty = _fts_count(corpus_db, "declaration_points_fts", "sovereignty")
    assert 0 < missile < articles  # type: ignore[operator]
    port = _free_port()
    command = [str(_datasette()), "serve", str(corpus_db), "--port", str(port)]
    with _serving(command, port, tmp_path / "datasette.log") as base:
        db = f"{base}/corpus"
        found = _json(f"{db}/articles.json?_search=missile&_size=0")
        assert found["filtered_table_rows_count"] == missile
        points = _json(f"{db}/declaration_points.json?_search=sovereignty&_size=0")
        assert points["filtered_table_rows_count"] == sovereignty
        view = _json(f"{db}/point_overview.json?_search=sovereignty&_size=0")
        assert view["filtered_table_rows_count"] == sovereignty
        described = _json(f"{base}/-/metadata.json")["databases"]["corpus"]
        assert described["tables"]["point_overview"]["title"] == (
            "point_overview: points with their holders and topics"
        )
    tool = Path(sys.executable).parent / "sqlite-utils"
    searched = subprocess.run(
        [str(tool), "search", str(corpus_db), "articles", "missile", "-c", "id"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert searched.returncode == 0, searched.stderr
    assert len(json.loads(searched.stdout)) == missile


@pytest.mark.slow
def test_other_files_are_left_as_they_are(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, headline TEXT)")
        connection.commit()
    port = _free_port()
    command = [str(_datasette()), "serve", str(other), "--port", str(port)]
    with _serving(command, port, tmp_path / "datasette.log") as base:
        assert "other" not in (_json(f"{base}/-/metadata.json").get("databases") or {})
        assert _get(f"{base}/other/-/article/1")[0] == 404


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        unavailable(
            "headless Chromium and chromedriver are not installed (Debian: chromium,"
            " chromium-driver)"
        )
    return browser, driver


@pytest.mark.slow
def test_the_article_page_and_a_search_in_a_real_browser(seeded: Path, tmp_path: Path) -> None:
    browser, driver_path = _chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1200,2400",
    ):
        options.add_argument(flag)
    with _communique_serve(seeded, tmp_path / "serve.log") as db:
        chrome = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        try:
            chrome.get(f"{db}/-/article/1")
            assert chrome.find_element(By.TAG_NAME, "h1").text == (
                "Landmark event in DPRK-Russia history"
            )
            marks = chrome.find_elements(By.CSS_SELECTOR, ".body .point-mark")
            assert len(marks) == 7
            holders = [
                [holder.text for holder in mark.find_elements(By.CSS_SELECTOR, ".holder")]
                for mark in marks
            ]
            assert holders == [
                [holder.split(" (")[0] for holder in row.split("; ")] for row in SEED_HOLDERS
            ]
            assert "#missiles" in marks[3].text
            marked = chrome.find_elements(By.CSS_SELECTOR, ".body p.is-point")
            assert marked[3].text.startswith("In particular, the DPRK stated")
            facts = chrome.find_element(By.CSS_SELECTOR, "section.declaration").text
            assert "Joint declaration: DPRK-Russia joint declaration" in facts
            assert "Kim Jong Il, Chairman of the National Defence Commission (DPRK)" in facts
            chrome.save_screenshot(str(tmp_path / "article.png"))

            chrome.get(f"{db}/point_overview?_search=missile")
            cells = chrome.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td.col-text")
            assert [cell.text for cell in cells] == [
                sql(seeded, "SELECT text FROM declaration_points WHERE ordinal = 4")[0][0]
            ]
            link = chrome.find_element(By.CSS_SELECTOR, "td.col-article_id a")
            link.click()
            assert chrome.current_url.endswith("/test/-/article/1")
            chrome.save_screenshot(str(tmp_path / "search.png"))
        finally:
            chrome.quit()
    assert (tmp_path / "article.png").stat().st_size > 10_000


@pytest.mark.slow
def test_the_article_page_shows_captured_text_as_text(tmp_path: Path) -> None:
    """A captured link that is no web address is shown, never followed; control characters
    show as escapes; a name with spaces and accents still reaches its pages."""
    record = {
        "topic": "Top News",
        "headline": "Talks \x1b[31mHeld",
        "link": "javascript:alert(document.domain)",
        "date": 1722729600000,
        "date_str": "2024-08-04",
        "story_text": "Pyongyang, August 4 (KCNA) -- Talks were held.",
    }
    archive = tmp_path / "archive.json"
    archive.write_text(json.dumps([record]), encoding="utf-8")
    db = tmp_path / "my café.db"
    assert run_console("--db", str(db), "seed", str(archive)).returncode == 0
    with _communique_serve(db, tmp_path / "serve.log") as base:
        root = base.rsplit("/", 1)[0]
        plugins = [plugin["name"] for plugin in _json(f"{root}/-/plugins.json")]
        assert "communique" in plugins
        overview = _get(f"{root}/my+caf~C3~A9/article_overview")[1]
        assert 'href="/my+caf~C3~A9/-/article/1"' in overview
        status, page = _get(f"{root}/my+caf~C3~A9/-/article/1")
        assert status == 200
        assert 'href="javascript:' not in page
        assert "(javascript:alert(document.domain))" in page
        assert "Talks \\x1b[31mHeld" in page
        assert "\x1b" not in page
        assert _get(f"{root}/my+caf~C3~A9/-/article/99999999999999999999999")[0] == 404


def test_serve_keeps_to_loopback_and_says_when_the_port_is_taken(seeded: Path) -> None:
    _datasette()
    wide = run_console("--db", str(seeded), "serve", "--", "--host", "0.0.0.0")
    assert wide.returncode == 2
    assert wide.stderr.splitlines()[-1] == (
        "Error: --host: `communique serve` listens on 127.0.0.1 only (--port chooses the"
        " port); docs/web.md says how to publish a read-only copy"
    )
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run_console("--db", str(seeded), "serve", "--port", str(port))
    assert busy.returncode == 1
    assert busy.stderr == (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use);"
        " choose another port with --port\n"
    )
