"""JSON archives: arrays and JSON Lines of records shaped like kcna.kp scrapes."""

from __future__ import annotations

import hashlib
import json
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from communique.extract import RECORD_FORMAT, CaptureHints, extract
from communique.extract.archive import link_host
from communique.inputs.json_archives import ArchiveProblem, ArchiveRecord, read_archive

from conftest import RunCli, sql

STORY = (
    "Pyongyang, August 5 (KCNA) -- A spokesperson for the Foreign Ministry of the DPRK"
    " released the following press statement on Monday:\n"
    "The DPRK strongly condemns the joint military drills.\n"
    "The U.S. is escalating tension on the Korean peninsula. -0-"
)


def _record(**changes: Any) -> dict[str, Any]:
    record = {
        "topic": "External",
        "headline": "Press Statement of FM Spokesperson\n\n[Juche113.8.5.]",
        "link": "http://www.kcna.kp/en/article/q/abc.kcmsf",
        "date": 1722816000000,
        "date_str": "2024-08-05",
        "story_text": STORY,
    }
    record.update(changes)
    return record


def _write_array(path: Path, records: list[Any]) -> list[str]:
    texts = [json.dumps(record, ensure_ascii=False) for record in records]
    path.write_text("[\n" + ",\n".join(texts) + "\n]\n", encoding="utf-8")
    return texts


def test_array_records_are_documents_of_their_own(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive.json"
    texts = _write_array(
        archive,
        [
            _record(),
            _record(topic="Top News", link="http://www.kcna.kp/en/article/q/def.kcmsf"),
            _record(story_text="", headline="Photo of the day", link="http://www.kcna.kp/p.kcmsf"),
        ],
    )
    result = cli("seed", str(archive))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "3 added (1 joined an existing article, 1 with no text), 0 unchanged, 0 failed\n"
    )
    rows = sql(
        db_path,
        "SELECT origin, url, section, raw_text, sha256, status, article_id, format"
        " FROM documents ORDER BY id",
    )
    origin = str(archive.resolve())
    assert [row[:3] for row in rows] == [
        (f"{origin}#0", "http://www.kcna.kp/en/article/q/abc.kcmsf", "External"),
        (f"{origin}#1", "http://www.kcna.kp/en/article/q/def.kcmsf", "Top News"),
        (f"{origin}#2", "http://www.kcna.kp/p.kcmsf", "External"),
    ]
    assert [row[3] for row in rows] == texts
    assert [row[4] for row in rows] == [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    assert [row[5:] for row in rows] == [
        ("parsed", 1, "kcna-json"),
        ("parsed", 1, "kcna-json"),
        ("no text", None, "kcna-json"),
    ]
    assert sql(
        db_path,
        "SELECT a.headline, s.slug, a.published_on, a.published_from,"
        " a.dateline_place, c.slug FROM articles a JOIN sources s"
        " ON s.id = a.source_id JOIN documents d ON d.article_id = a.id"
        " JOIN sources c ON c.id = d.carrier_id WHERE d.id = 1",
    ) == [
        (
            "Press Statement of FM Spokesperson",
            "kcna",
            "2024-08-05",
            "record",
            "Pyongyang",
            "kcna-kp",
        )
    ]
    assert sql(db_path, "SELECT kind, issuer FROM declarations") == [
        ("press statement", "Foreign Ministry of the DPRK")
    ]
    again = cli("seed", str(archive))
    assert again.stdout == "0 added, 3 unchanged, 0 failed\n"


def test_json_lines_and_the_epoch_date(cli: RunCli, db_path: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive.jsonl"
    first = _record(date_str=None, date=1722816000000)
    second = _record(
        story_text=STORY.replace("August 5", "August 6"), date_str=None, date=1722902400000
    )
    archive.write_text(json.dumps(first) + "\n\n" + json.dumps(second) + "\n", encoding="utf-8")
    result = cli("seed", str(archive))
    assert result.exit_code == 0, result.output
    assert sql(db_path, "SELECT origin FROM documents ORDER BY id") == [
        (f"{archive.resolve()}#0",),
        (f"{archive.resolve()}#1",),
    ]
    assert sql(db_path, "SELECT published_on FROM articles ORDER BY id") == [
        ("2024-08-05",),
        ("2024-08-06",),
    ]


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        ("this is not json", ["not a JSON array or JSON Lines file"]),
        ('[{"headline": "a", "story_text": "b"}', ["record 1: truncated: the array is not closed"]),
        (
            '[1, {"topic": "x"}]',
            [
                "record 0: expected an object, found int",
                "record 1: has neither story_text nor headline",
            ],
        ),
        ('[{"headline": 5, "story_text": "x"}]', ["record 0: headline must be text, found int"]),
        (
            '[{"headline": "a", "date_str": "2024-13-45", "story_text": "x"}]',
            ["record 0: unreadable date: month must be in 1..12"],
        ),
        (
            '[{"headline": "a", "story_text": "x"} {"b": 1}]',
            ["record 1: expected ',' or ']' but found '{'"],
        ),
    ],
    ids=["not-json", "truncated", "wrong-shape", "wrong-type", "bad-date", "missing-comma"],
)
def test_malformed_archives_name_the_file_and_record(
    cli: RunCli, tmp_path: Path, content: str, problems: list[str]
) -> None:
    archive = tmp_path / "bad.json"
    archive.write_text(content, encoding="utf-8")
    result = cli("seed", str(archive))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {archive}: {problem}" for problem in problems]
    assert "Traceback" not in result.stderr


def test_good_records_of_a_bad_file_still_load(cli: RunCli, db_path: Path, tmp_path: Path) -> None:
    archive = tmp_path / "mixed.json"
    _write_array(
        archive,
        [
            _record(),
            {"topic": "no text fields"},
            _record(story_text=STORY.replace("August 5", "August 7")),
        ],
    )
    result = cli("seed", str(archive))
    assert result.exit_code == 1
    assert result.stdout == "2 added, 0 unchanged, 1 failed\n"
    assert sql(db_path, "SELECT count(*) FROM documents") == [(2,)]


def _peak_memory_reading(archive: Path, records: int) -> int:
    story = STORY + " " + "x" * 2000
    with archive.open("w", encoding="utf-8") as out:
        out.write("[")
        for index in range(records):
            out.write(("," if index else "") + json.dumps(_record(story_text=f"{index} {story}")))
        out.write("]")
    tracemalloc.start()
    count = sum(isinstance(item, ArchiveRecord) for item in read_archive(archive))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == records
    return peak


def test_reading_an_archive_does_not_hold_it_whole(tmp_path: Path) -> None:
    small = _peak_memory_reading(tmp_path / "small.json", 2000)
    large = _peak_memory_reading(tmp_path / "large.json", 16000)
    size = (tmp_path / "large.json").stat().st_size
    assert size > 32_000_000
    assert large < 1.5 * small
    assert large < size / 4


def test_a_number_split_across_chunks_is_read_whole(tmp_path: Path) -> None:
    archive = tmp_path / "numbers.json"
    padding = " " * ((1 << 20) - 3)
    archive.write_text(
        "[" + padding + '{"headline": "h", "story_text": "s", "date": 1722816000000}]',
        encoding="utf-8",
    )
    (item,) = list(read_archive(archive))
    assert isinstance(item, ArchiveRecord)
    assert item.record["date"] == 1722816000000


def test_an_empty_array_has_no_records(tmp_path: Path) -> None:
    archive = tmp_path / "empty.json"
    archive.write_text("  [ ]  ", encoding="utf-8")
    assert list(read_archive(archive)) == []
    archive.write_text("[] trailing", encoding="utf-8")
    assert list(read_archive(archive)) == [
        ArchiveProblem(None, "text after the end of the array", fatal=True)
    ]


LINKS = {
    "http://www.kcna.kp/en/article/q/abc.kcmsf": "kcna-kp",
    "HTTP://WWW.KCNA.KP:80/en/x?y#z": "kcna-kp",
    " https://reader@kcna.kp?page=2": "kcna-kp",
    "http://www.kc\tna.kp/en/": "kcna-kp",
    "https://kcna.kp.example.org/kcna.kp": None,
    "http://example.org/http://www.kcna.kp/": None,
    "kcna.kp/en/article": None,
    "http:/\t/kcna.kp/en": "kcna-kp",
    "mailto:kcna.kp": None,
}


@pytest.mark.parametrize("link", LINKS)
def test_the_carrier_is_the_host_the_link_names(link: str) -> None:
    extraction = extract(json.dumps(_record(link=link)), CaptureHints(format=RECORD_FORMAT))
    assert (extraction.carrier.slug if extraction.carrier else None) == LINKS[link]
    assert link_host(link) == (urlsplit(link).hostname or "")


def test_a_link_that_is_no_url_fails_its_record() -> None:
    with pytest.raises(ValueError, match="Invalid IPv6 URL"):
        extract(json.dumps(_record(link="http://[::1/x")), CaptureHints(format=RECORD_FORMAT))


def test_an_unreadable_date_str_is_quoted_as_it_is(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    """Only a date_str's first ten characters are read as a date; the error quotes it whole."""
    archive = tmp_path / "future.json"
    _write_array(archive, [_record(date_str="10000-01-01")])
    result = cli("seed", str(archive))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {archive}: record 0: unreadable date:"
        " date_str '10000-01-01' is not a date (YYYY-MM-DD)"
    ]
    assert sql(db_path, "SELECT count(*) FROM documents") == [(0,)]
