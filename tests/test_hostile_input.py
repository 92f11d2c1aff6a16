"""Inputs generated to be awkward: every one either loads exactly, or is refused with one line
naming the file (and record) while the good inputs of the same run still load, and nothing of
a refused input is written."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from communique.db.migrate import bring_to_head
from communique.inputs import json_archives
from communique.inputs.files import Capture, InputProblem, captures
from communique.load.seeding import seed

from conftest import RunCli, console_script, sql

GOOD = "good.txt"


def _variant(seed_text: str, day: int) -> str:
    """The seed article on another day: a text of its own, with the same seven points."""
    return seed_text.replace("July 21", f"July {day}")


def _run_with_good(cli: RunCli, tmp_path: Path, seed_text: str, bad: Path) -> tuple[int, list[str]]:
    """Load the bad input between two good ones; returns the exit status and stderr lines."""
    good = tmp_path / GOOD
    good.write_text(_variant(seed_text, 2), encoding="utf-8")
    other = tmp_path / "other-good.txt"
    other.write_text(_variant(seed_text, 3), encoding="utf-8")
    result = cli("seed", str(good), str(bad), str(other))
    lines = [line for line in result.stderr.splitlines() if not line.startswith("communique:")]
    return result.exit_code, lines


def _stored(db: Path) -> list[tuple[object, ...]]:
    return sql(db, "SELECT count(*), (SELECT count(*) FROM declaration_points) FROM articles")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \r\n\t\n", "contains only whitespace"),
        ("nul.txt", b"Headline\n\nPyongyang, May 2 (KCNA) -- a\x00b", "binary file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("latin.txt", b"caf\xc3 \x81\x8d", "not UTF-8 or Windows-1252 text"),
        (
            "page.txt",
            b"\n<!DOCTYPE html><html><body><p>Pyongyang, May 2 (KCNA) -- Text.</p></body></html>",
            "an HTML page, not text",
        ),
        (
            "saved.txt",
            b"<!-- saved from url=(0042)http://www.kcna.co.jp/item/2000/200007/ -->\n"
            b"<HTML><HEAD><TITLE>KCNA</TITLE></HEAD><BODY>Talks</BODY></HTML>",
            "an HTML page, not text",
        ),
        (
            "xhtml.txt",
            b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
            "an HTML page, not text",
        ),
        (
            "utf32.txt",
            codecs.BOM_UTF32_LE + "Talks held\n\nPyongyang, May 2 (KCNA) -- a".encode("utf-32-le"),
            "binary file (contains NUL characters)",
        ),
    ],
)
def test_refused_text_is_one_line_and_the_good_ones_load(
    cli: RunCli,
    db_path: Path,
    tmp_path: Path,
    seed_text: str,
    name: str,
    content: bytes,
    reason: str,
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    code, lines = _run_with_good(cli, tmp_path, seed_text, bad)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: {reason}"), lines
    assert sql(db_path, "SELECT count(*) FROM documents WHERE origin = ?", str(bad)) == [(0,)]
    assert _stored(db_path) == [(2, 14)]


@pytest.mark.parametrize(
    ("name", "encode", "encoding"),
    [
        ("bom8.txt", lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8"),
        ("bom16.txt", lambda text: text.encode("utf-16"), "utf-16-le"),
        ("crlf.txt", lambda text: text.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        ("cr.txt", lambda text: text.replace("\n", "\r").encode("utf-8"), "utf-8"),
        (
            "smart.txt",
            lambda text: text.replace("Papers here", "\u201cPapers\u201d here").encode("cp1252"),
            "cp1252",
        ),
        (
            "control.txt",
            lambda text: (
                text.replace("Papers here", "Papers\x07 here\x1b") + "x" * 10_000 + "\n"
            ).encode("utf-8"),
            "utf-8",
        ),
    ],
)
def test_awkward_text_loads_whole_with_its_bytes_kept(
    cli: RunCli,
    db_path: Path,
    tmp_path: Path,
    seed_text: str,
    name: str,
    encode: Callable[[str], bytes],
    encoding: str,
) -> None:
    data = encode(_variant(seed_text, 9))
    page = tmp_path / name
    page.write_bytes(data)
    code, lines = _run_with_good(cli, tmp_path, seed_text, page)
    assert (code, lines) == (0, [])
    ((raw, stored_encoding, digest, status),) = sql(
        db_path,
        "SELECT raw_text, encoding, sha256, status FROM documents WHERE origin = ?",
        str(page.resolve()),
    )
    assert stored_encoding == encoding
    assert str(raw).encode(encoding) == data  # verbatim: the stored text gives the bytes back
    assert digest == hashlib.sha256(data).hexdigest()
    assert status == "parsed"
    assert _stored(db_path) == [(3, 21)]
    assert sql(
        db_path,
        "SELECT count(*) FROM declaration_points p JOIN declarations d ON d.id = p.declaration_id"
        " JOIN articles a ON a.id = d.article_id WHERE a.published_day = 9",
    ) == [(7,)]


def test_a_50_mb_text_is_refused_before_it_is_read(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as out:
        out.truncate(50 << 20)  # sparse: 50 MB on paper, nothing on disk
    code, lines = _run_with_good(cli, tmp_path, seed_text, big)
    assert code == 1
    assert lines == [
        f"error: {big.resolve()}: 52,428,800 bytes, over the 16 MiB limit for one text"
        " (raise it with --max-size if this really is one article)"
    ]
    assert _stored(db_path) == [(2, 14)]


def test_the_size_limit_can_be_raised(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    page = tmp_path / "padded.txt"
    page.write_text(_variant(seed_text, 4) + "\n" * (2 << 20), encoding="utf-8")
    refused = cli("seed", "--max-size", "1", str(page))
    assert refused.exit_code == 1 and "over the 1 MiB limit" in refused.stderr
    assert cli("seed", "--max-size", "3", str(page)).exit_code == 0
    assert _stored(db_path) == [(1, 7)]


@pytest.mark.parametrize(
    ("content", "errors"),
    [
        ('[{"headline": "A", "story_text": "B"', ["record 0: Expecting ',' delimiter"]),
        ('{"a": 1}', ["record 0: has neither story_text nor headline"]),
        (
            '[{"headline": 5, "story_text": ["b"]}, 7]',
            [
                "record 0: headline must be text, found int",
                "record 1: expected an object, found int",
            ],
        ),
        ("[" + "[" * 100_000 + "]" * 100_000 + "]", ["record 0: record nested too deeply to read"]),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, ["record 0: record nested too deeply to read"]),
        (
            '[{"headline": "A", "story_text": "B", "date": 1' + "0" * 5000 + "}]",
            ["record 0: record holds a number too long to read"],
        ),
    ],
)
def test_bad_json_names_the_file_and_record(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str, content: str, errors: list[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    code, lines = _run_with_good(cli, tmp_path, seed_text, bad)
    assert code == 1
    assert lines == [f"error: {bad}: {error}" for error in errors]
    assert _stored(db_path) == [(2, 14)]
    assert sql(db_path, "SELECT count(*) FROM documents") == [(2,)]


def test_links_to_nothing_and_in_a_loop_are_named(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "a.txt").write_text(_variant(seed_text, 5), encoding="utf-8")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    (folder / "up").symlink_to(tmp_path)  # a link to a folder above: not followed
    result = cli("seed", str(folder))
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("error")] == [
        f"error: {folder / 'gone.txt'}: no such file or directory",
        f"error: {folder / 'loop.txt'}: too many levels of symbolic links",
    ]
    assert result.stdout == "1 added, 0 unchanged, 2 failed\n"
    assert _stored(db_path) == [(1, 7)]


def _capture_that_cannot_be_read(origin: str) -> Capture:
    def read() -> bytes:
        raise PermissionError(13, "Permission denied", origin)

    return Capture(origin, read)


def test_unreadable_and_vanished_files_fail_alone(tmp_path: Path, seed_text: str) -> None:
    folder = tmp_path / "captures"
    folder.mkdir()
    for day in (5, 6, 7):
        (folder / f"{day}.txt").write_text(_variant(seed_text, day), encoding="utf-8")
    listed = list(captures([str(folder)]))
    (folder / "6.txt").unlink()  # gone between listing and reading
    unreadable = folder / "8.txt"
    if os.geteuid() != 0:
        unreadable.write_text(_variant(seed_text, 8), encoding="utf-8")
        unreadable.chmod(0)
        listed.append(next(iter(captures([str(unreadable)]))))
    else:  # root reads any file: stand in for one the system will not let us read
        listed.append(_capture_that_cannot_be_read(str(unreadable)))
    db = tmp_path / "store.db"
    bring_to_head(db, lambda _: None)
    said: list[tuple[str, str]] = []
    summary = seed(db, listed, lambda origin, message, _: said.append((origin, message)))
    assert summary.failed == [
        (str((folder / "6.txt").resolve()), "cannot read: No such file or directory"),
        (
            str(unreadable.resolve()) if os.geteuid() != 0 else str(unreadable),
            "cannot read: Permission denied",
        ),
    ]
    assert summary.added == 2
    assert sql(db, "SELECT count(*) FROM documents") == [(2,)]


def test_json_lines_with_a_bad_line_keep_the_others(
    cli: RunCli, db_path: Path, tmp_path: Path, seed_text: str
) -> None:
    archive = tmp_path / "mixed.jsonl"
    record = {"headline": "Talks held", "story_text": _variant(seed_text, 6)}
    archive.write_text(
        json.dumps(record) + "\n{not json\n" + json.dumps([1]) + "\n", encoding="utf-8"
    )
    result = cli("seed", str(archive))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert [line.split(": ")[2] for line in errors] == ["record 1", "record 2"]
    assert sql(db_path, "SELECT count(*) FROM documents") == [(1,)]


def test_a_json_line_over_the_record_limit_is_skipped_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_archives, "_MAX_RECORD", 1024)
    lines = tmp_path / "lines.jsonl"
    good = json.dumps({"headline": "Talks", "story_text": "Talks were held."})
    huge = json.dumps({"headline": "Big", "story_text": "x" * 5000})
    lines.write_text(f"{good}\n{huge}\n{good}\n", encoding="utf-8")
    found = list(json_archives.read_archive(lines))
    assert [type(item).__name__ for item in found] == [
        "ArchiveRecord",
        "ArchiveProblem",
        "ArchiveRecord",
    ]
    assert found[1] == json_archives.ArchiveProblem(1, "record larger than 0 MiB")
    assert [item.index for item in found] == [0, 1, 2]


def test_standard_input_closed_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    result = subprocess.run(
        ["sh", "-c", f'exec "{console_script()}" --db "{db}" seed - <&-'],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1:] == ["error: <stdin>: standard input is closed"]


def test_a_reader_that_breaks_keeps_the_documents_already_loaded(
    tmp_path: Path, seed_text: str
) -> None:
    page = tmp_path / "good.txt"
    page.write_text(_variant(seed_text, 5), encoding="utf-8")

    def inputs() -> Iterator[Capture | InputProblem]:
        yield from captures([str(page)])
        raise RuntimeError("a reader's own bug")

    db = tmp_path / "store.db"
    bring_to_head(db, lambda _: None)
    with pytest.raises(RuntimeError, match="a reader's own bug"):
        seed(db, inputs(), lambda *_: None)
    assert _stored(db) == [(1, 7)]
