"""Snapshot history: an archive followed day by day. The real snapshots' changes are counted
here from the JSON files by the definitions, independently of the program, and compared with
what it stores, in several load orders; synthetic snapshots cover what the real ones lack."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED, RunCli, on_terminal, sql, unavailable

SNAPSHOTS = SHARED / "corpus" / "snapshots"
DAYS = [f"2024-08-{day:02d}" for day in range(4, 12)]
KINDS = ("new", "edited", "retitled", "withdrawn", "restored")


def _snapshot(day: str) -> Path:
    path = SNAPSHOTS / f"kcna-headlines-{day}.json"
    if not path.exists():
        unavailable(f"the snapshots are expected in {SNAPSHOTS} (a checkout beside shared/)")
    return path


_STAMP = re.compile(r"\[(Juche)?\d+\.\d+\.\d+\.?\]\s*$")


def _independent_counts(days: list[str]) -> dict[str, Counter[str]]:
    """The changes per day, by the definitions: an item is a link; its texts are the set of
    its records' texts with white space folded; its headlines the set of its headlines
    without trailing calendar stamps and with white space folded."""
    counts: dict[str, Counter[str]] = {}
    seen: set[str] = set()
    before: dict[str, tuple[frozenset[str], frozenset[str]]] | None = None
    for day in days:
        texts: dict[str, set[str]] = {}
        headlines: dict[str, set[str]] = {}
        for record in json.loads(_snapshot(day).read_text(encoding="utf-8")):
            link = record["link"]
            texts.setdefault(link, set()).add(" ".join((record.get("story_text") or "").split()))
            headline = " ".join((record.get("headline") or "").split())
            while _STAMP.search(headline):
                headline = " ".join(_STAMP.sub("", headline).split())
            headlines.setdefault(link, set()).add(headline)
        now = {link: (frozenset(texts[link]), frozenset(headlines[link])) for link in texts}
        count: Counter[str] = Counter()
        for link, (text_set, headline_set) in now.items():
            if before is None or link not in before:
                count["restored" if link in seen else "new"] += 1
            elif before[link][0] != text_set:
                count["edited"] += 1
            elif before[link][1] != headline_set:
                count["retitled"] += 1
        count["withdrawn"] = len(set(before or {}) - set(now))
        counts[day] = +count
        seen |= set(now)
        before = now
    return counts


def _load(cli: RunCli, day: str, path: Path | None = None, *extra: str) -> Any:
    return cli("seed", "-q", "--snapshot", "--as-of", day, *extra, str(path or _snapshot(day)))


def _stored_counts(db: Path) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for day, change, count in sql(
        db, "SELECT as_of, change, count(*) FROM change_overview GROUP BY as_of, change"
    ):
        counts.setdefault(str(day), Counter())[str(change)] = int(count)  # type: ignore[call-overload]
    return counts


def _history(db: Path) -> tuple[list[Any], list[Any], list[Any]]:
    """Everything of the history but row ids: the changes, the versions with the days that
    saw them, and each item's marks and current text."""
    changes = sql(db, "SELECT as_of, change, url, headline FROM change_overview ORDER BY 1, 2, 3")
    versions = sql(
        db,
        """SELECT i.url, v.text_sha256, d.sha256, v.current,
                  (SELECT group_concat(as_of) FROM (
                     SELECT sn.as_of FROM sightings si JOIN snapshots sn ON sn.id = si.snapshot_id
                     WHERE si.version_id = v.id ORDER BY sn.as_of))
           FROM versions v JOIN items i ON i.id = v.item_id
           JOIN documents d ON d.id = v.document_id ORDER BY 1, 2""",
    )
    items = sql(
        db,
        "SELECT i.url, i.withdrawn, i.alternating, v.text_sha256 FROM items i"
        " JOIN versions v ON v.id = i.current_version_id ORDER BY 1",
    )
    return changes, versions, items


@pytest.fixture(scope="module")
def in_order(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from communique.cli import main

    db = tmp_path_factory.mktemp("history") / "in-order.db"
    for day in DAYS:
        result = CliRunner().invoke(
            main, ["--db", str(db), "seed", "-q", "--snapshot", "--as-of", day, str(_snapshot(day))]
        )
        assert result.exit_code == 0, result.output
    return db


@pytest.mark.slow
def test_the_real_snapshots_give_the_changes_the_definitions_give(in_order: Path) -> None:
    expected = _independent_counts(DAYS)
    assert _stored_counts(in_order) == expected
    # What the files show, for the reader: every kind but `retitled` occurs.
    assert expected["2024-08-04"] == Counter(new=264)
    assert expected["2024-08-05"] == Counter(new=16, edited=4, withdrawn=4)
    assert expected["2024-08-06"] == Counter(new=5, edited=2, restored=4)
    assert sql(in_order, "SELECT count(*) FROM snapshots") == [(8,)]


@pytest.mark.slow
def test_hand_read_examples_of_each_kind(in_order: Path) -> None:
    def changes_of(link_part: str) -> list[tuple[object, ...]]:
        return sql(
            in_order,
            "SELECT as_of, change FROM change_overview WHERE url LIKE ? ORDER BY as_of",
            f"%{link_part}%",
        )

    # Kim Yo Jong's press statement vanished from the 5 August snapshot and came back on the 6th.
    assert changes_of("59b4eb9b3cc6925359ade3537d043ec865f7c94f") == [
        ("2024-08-04", "new"),
        ("2024-08-05", "withdrawn"),
        ("2024-08-06", "restored"),
    ]
    # The Paektusan youth brigade report was rewritten on 8 August ("Flood-hit Areas" became
    # "Rehabilitation Sites"), the old text staying under the same link beside the new.
    assert changes_of("a80c056dcaef88f72200a487ca844b9b") == [
        ("2024-08-07", "new"),
        ("2024-08-08", "edited"),
    ]
    # The V-Day report carried another article's text on 5 August only: A, B, A.
    v_day = (
        "64e900f5bd0353837ca02d7babcce3ad07aed20390e610b6f144b0fa6d7219f9"
        "ce107dee5691fcb37707933c16cbc55c"
    )
    assert changes_of(v_day) == [
        ("2024-08-04", "new"),
        ("2024-08-05", "edited"),
        ("2024-08-06", "edited"),
    ]
    assert sql(in_order, "SELECT alternating FROM items WHERE url LIKE ?", f"%{v_day}%") == [(1,)]
    assert sql(
        in_order,
        "SELECT count(*) FROM versions v JOIN items i ON i.id = v.item_id WHERE i.url LIKE ?",
        f"%{v_day}%",
    ) == [(2,)]
    # A photo page whose empty text gained a story beside it on 5 August: a text appears.
    assert changes_of("f881de26603fd14d71f2ad4f0dce87aa")[1] == ("2024-08-05", "edited")
    # "Historical Relics in Mt Songak" lost its calendar stamp on 6 August: no change.
    assert sql(
        in_order,
        "SELECT count(*) FROM change_overview WHERE headline = 'Historical Relics in Mt Songak'"
        " AND change != 'new'",
    ) == [(0,)]


@pytest.mark.slow
@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_any_load_order_gives_the_same_history(
    in_order: Path, order: str, cli: RunCli, db_path: Path
) -> None:
    days = list(reversed(DAYS)) if order == "reversed" else random.Random(20240811).sample(DAYS, 8)
    for day in days:
        result = _load(cli, day)
        assert result.exit_code == 0, result.output
    assert _history(db_path) == _history(in_order)


def _write(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    path = folder / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def _record(link: str, text: str, headline: str = "Talks Held", **extra: Any) -> dict[str, Any]:
    return {
        "topic": extra.get("topic", "Top News"),
        "headline": headline,
        "link": f"http://www.kcna.kp/en/article/q/{link}.kcmsf",
        "date": 1722729600000,
        "date_str": extra.get("date_str", "2024-08-04"),
        "story_text": text,
    }


TALKS = "Pyongyang, August 4 (KCNA) -- Talks were held between the DPRK and Russia."
TALKS_EDITED = "Pyongyang, August 4 (KCNA) -- Friendly talks were held between the DPRK and Russia."


def test_synthetic_snapshots_cover_what_the_real_ones_lack(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    days = [
        # day 1: a, b, c
        [_record("a", TALKS), _record("b", "Text B."), _record("c", "Text C.")],
        # day 2: a's headline changes (retitled); b's only in its stamp, topic and date
        # (no change); c's text only in its spacing (no change)
        [
            _record("a", TALKS, "Talks Held in Moscow"),
            _record("b", "Text B.", "Talks Held [Juche113.8.5.]", topic="External", date_str=None),
            _record("c", "Text  C.\n"),
        ],
        # day 3: a edited; b withdrawn; c carries two texts
        [
            _record("a", TALKS_EDITED, "Talks Held in Moscow"),
            _record("c", "Text C."),
            _record("c", ""),
        ],
        # day 4: a back to its first text (alternating); b restored; c back to one text
        [
            _record("a", TALKS, "Talks Held in Moscow"),
            _record("b", "Text B."),
            _record("c", "Text C."),
        ],
    ]
    for number, records in enumerate(days, 1):
        result = _load(cli, f"2024-09-0{number}", _write(tmp_path, f"day{number}.json", records))
        assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "snapshot of kcna.kp as of 2024-09-04 (since 2024-09-03): 0 new, 2 edited,"
        " 0 retitled, 0 withdrawn, 1 restored"
    )
    day5 = [_record("a", TALKS, "Talks Held in Moscow"), _record("c", "Text C.")]
    assert _load(cli, "2024-09-05", _write(tmp_path, "day5.json", day5)).exit_code == 0
    assert sql(db_path, "SELECT substr(url, 33, 1), withdrawn FROM items ORDER BY url") == [
        ("a", 0),
        ("b", 1),
        ("c", 0),
    ]
    (text_b,) = sql(db_path, "SELECT id FROM articles WHERE body LIKE '%Text B.%'")
    assert "(current version, withdrawn)" in cli("show", str(text_b[0])).stdout
    rows = sql(
        db_path,
        "SELECT as_of, change, substr(url, 33, 1), alternating, withdrawn FROM change_overview"
        " ORDER BY as_of, url",
    )
    assert rows == [
        ("2024-09-01", "new", "a", 1, 0),
        ("2024-09-01", "new", "b", 0, 1),
        ("2024-09-01", "new", "c", 1, 0),
        ("2024-09-02", "retitled", "a", 1, 0),
        ("2024-09-03", "edited", "a", 1, 0),
        ("2024-09-03", "withdrawn", "b", 0, 1),
        ("2024-09-03", "edited", "c", 1, 0),
        ("2024-09-04", "edited", "a", 1, 0),
        ("2024-09-04", "restored", "b", 0, 1),
        ("2024-09-04", "edited", "c", 1, 0),
        ("2024-09-05", "withdrawn", "b", 0, 1),
    ]
    # c went from one text to two and back: its texts alternate too.
    # a: two versions however often it alternates; the first one is current again.
    assert sql(
        db_path,
        "SELECT count(*) FROM versions v JOIN items i ON i.id = v.item_id WHERE i.url LIKE '%/a.%'",
    ) == [(2,)]
    # The edited text of a is superseded: listed and found only with --all-versions.
    (edited,) = sql(db_path, "SELECT id FROM articles WHERE body LIKE '%Friendly talks%'")
    listed = cli("articles", "--format", "jsonl").stdout
    assert f'"id": {edited[0]},' not in listed
    assert f'"id": {edited[0]},' in cli("articles", "--all-versions", "--format", "jsonl").stdout
    assert cli("search", "friendly", "--format", "jsonl").stdout == ""
    found = cli("search", "friendly", "--all-versions", "--format", "jsonl").stdout
    assert len(found.splitlines()) == 1
    report = cli("report").stdout.splitlines()
    assert report[-5:] == [
        "snapshots                   5 (of 1 archive(s))",
        "  items followed            3",
        "  withdrawn now             1",
        "  alternating               2",
        "  articles superseded       1 (left out of listings unless --all-versions)",
    ]
    shown = cli("show", str(edited[0])).stdout
    assert "in kcna.kp (superseded by a later version, alternating)" in shown
    # Stamps, topics, dates and spacing made no version, but the records are captures as ever.
    assert sql(db_path, "SELECT count(*) FROM versions") == [(5,)]
    assert sql(db_path, "SELECT count(*) FROM documents") == [(8,)]


def test_a_snapshot_loaded_again_changes_nothing_and_another_one_that_day_is_refused(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    first = _write(tmp_path, "one.json", [_record("a", TALKS)])
    assert _load(cli, "2024-09-01", first).exit_code == 0
    tables = ("archives", "snapshots", "items", "versions", "titles", "sightings", "changes")
    counts = [sql(db_path, f"SELECT count(*) FROM {table}") for table in tables]
    again = _load(cli, "2024-09-01", first)
    assert again.exit_code == 0
    assert again.stdout == (
        "0 added, 1 unchanged, 0 failed\n"
        "snapshot of kcna.kp as of 2024-09-01: already loaded, unchanged\n"
    )
    assert [sql(db_path, f"SELECT count(*) FROM {table}") for table in tables] == counts
    other = _write(tmp_path, "other.json", [_record("a", TALKS_EDITED)])
    documents = sql(db_path, "SELECT count(*) FROM documents")
    refused = _load(cli, "2024-09-01", other)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1] == (
        f"Error: {other.resolve()}: another snapshot of kcna.kp as of 2024-09-01 is already"
        f" loaded (from {first.resolve()}); give this one another --as-of or --archive"
    )
    assert [sql(db_path, f"SELECT count(*) FROM {table}") for table in tables] == counts
    assert sql(db_path, "SELECT count(*) FROM documents") == documents
    named = _load(cli, "2024-09-01", other, "--archive", "mirror")
    assert named.exit_code == 0
    assert sql(db_path, "SELECT name FROM archives ORDER BY id") == [("kcna.kp",), ("mirror",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--snapshot", "--as-of", "2999-01-01", "x.json"],
            "--as-of 2999-01-01 is after today: a snapshot shows a day that has been",
        ),
        (["--snapshot", "x.json"], "--snapshot loads one FILE and needs --as-of YYYY-MM-DD"),
        (["--as-of", "2024-08-04", "x.json"], "--as-of and --archive go with --snapshot"),
        (
            ["--snapshot", "--as-of", "2024-08-04", "x.json", "y.json"],
            "--snapshot loads one FILE and needs --as-of YYYY-MM-DD",
        ),
    ],
)
def test_snapshot_options_are_checked(cli: RunCli, args: list[str], message: str) -> None:
    result = cli("seed", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"


def test_a_snapshot_with_a_record_without_a_link_is_refused_whole(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    record = _record("a", TALKS)
    del record["link"]
    path = _write(tmp_path, "nolink.json", [_record("b", "Text B."), record])
    result = _load(cli, "2024-09-01", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: record 1 has no link; every record of a snapshot needs one\n"
    )
    assert not db_path.exists()


@pytest.mark.slow
def test_changes_and_history_read_well_at_100_columns(in_order: Path) -> None:
    listed = on_terminal("--db", str(in_order), "changes", "--change", "edited", columns=100)
    lines = listed.splitlines()
    assert len(lines) == 2 + 7
    assert all(len(line) <= 100 for line in lines)
    assert lines[0].split()[:3] == ["as_of", "change", "archive"]
    shown = on_terminal(
        "--db",
        str(in_order),
        "history",
        "http://www.kcna.kp/en/article/q/a80c056dcaef88f72200a487ca844b9b.kcmsf",
        columns=100,
    )
    assert all(len(line) <= 100 for line in shown.splitlines())
    assert "  Changes: 2024-08-07 new, 2024-08-08 edited" in shown
    assert "[-history-] {+long course+}" in shown
    assert "point added: In less than a week after a decision was made by the Party" in shown


@pytest.mark.slow
def test_history_json_gives_operations_that_rebuild_both_texts(in_order: Path) -> None:
    from click.testing import CliRunner

    from communique.cli import main

    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(in_order),
            "history",
            "http://www.kcna.kp/en/article/q/a80c056dcaef88f72200a487ca844b9b.kcmsf",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    first, second = item["versions"]
    assert (first["seen"][0], second["seen"][0]) == ("2024-08-07", "2024-08-08")
    (difference,) = item["diffs"]
    operations = difference["operations"]
    old = " ".join(o["before"] for o in operations if o["op"] != "insert" and o["before"])
    new = " ".join(o["after"] for o in operations if o["op"] != "delete" and o["after"])
    assert old == " ".join(first["text"].split())
    assert new == " ".join(second["text"].split())
    assert {o["op"] for o in operations} == {"equal", "replace", "insert", "delete"}


def test_the_upgrade_makes_stored_documents_the_first_versions(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    archive = _write(
        tmp_path, "archive.json", [_record("a", TALKS), _record("a", TALKS, topic="X")]
    )
    assert cli("seed", str(archive)).exit_code == 0
    assert cli("db", "downgrade", "0009").exit_code == 0
    assert sql(db_path, "SELECT name FROM sqlite_master WHERE name = 'items'") == []
    upgraded = cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert sql(db_path, "SELECT name FROM archives") == [("kcna.kp",)]
    assert sql(
        db_path,
        "SELECT i.url, v.document_id, i.current_version_id = v.id, i.withdrawn FROM items i"
        " JOIN versions v ON v.item_id = i.id",
    ) == [("http://www.kcna.kp/en/article/q/a.kcmsf", 1, 1, 0)]
    # A snapshot of the same records finds the same version: nothing is new but the item.
    assert _load(cli, "2024-09-01", archive).exit_code == 0
    assert sql(db_path, "SELECT count(*) FROM versions") == [(1,)]
    assert sql(db_path, "SELECT change FROM changes") == [("new",)]
    # Snapshots are not made again from documents: a downgrade asks before dropping them.
    refused = cli("db", "downgrade", "0009")
    assert refused.exit_code == 1
    assert "snapshots (1 row)" in refused.stderr
    assert cli("db", "downgrade", "0009", "--yes").exit_code == 0
    assert sql(db_path, "SELECT count(*) FROM documents") == [(2,)]


def test_forget_takes_back_first_versions_and_refuses_a_snapshots_records(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    older = _write(tmp_path, "older.json", [_record("a", TALKS)])
    assert cli("seed", str(older)).exit_code == 0
    assert cli("db", "downgrade", "0009").exit_code == 0
    assert cli("db", "upgrade").exit_code == 0
    assert sql(db_path, "SELECT count(*) FROM items") == [(1,)]
    forgotten = cli("forget", "--yes", "--no-backup", str(older))
    assert forgotten.exit_code == 0, forgotten.output
    assert sql(db_path, "SELECT count(*) FROM versions") == [(0,)]
    assert sql(db_path, "SELECT count(*) FROM items") == [(0,)]

    snapshot = _write(tmp_path, "snapshot.json", [_record("b", "Text B.")])
    assert _load(cli, "2024-09-01", snapshot).exit_code == 0
    counts = sql(
        db_path, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions)"
    )
    refused = cli("forget", "--yes", "--no-backup", str(snapshot))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1] == (
        "Error: 1 of the documents to forget were loaded from a snapshot; forgetting a"
        " snapshot's records is not supported, nothing forgotten"
    )
    assert (
        sql(db_path, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions)")
        == counts
    )


def test_a_snapshot_loads_into_an_empty_file_and_records_a_record_that_fails_extraction(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    db_path.write_bytes(b"")
    odd = _record("z", "zzz qqq", "")
    path = _write(tmp_path, "odd.json", [_record("a", TALKS), odd])
    first = _load(cli, "2024-09-01", path)
    # The record that extracts to nothing is stored for a later reparse, and counted, and
    # the snapshot is recorded all the same: the archive held it that day.
    assert first.stdout.splitlines()[-1].startswith("snapshot of kcna.kp as of 2024-09-01")
    assert sql(db_path, "SELECT count(*) FROM sightings") == [(2,)]
    again = _load(cli, "2024-09-01", path)
    assert again.exit_code == 0
    assert again.stdout.splitlines()[-1] == (
        "snapshot of kcna.kp as of 2024-09-01: already loaded, unchanged"
    )


def test_the_change_kinds_of_the_command_line_are_the_extractions() -> None:
    """`changes --change` spells the kinds itself, so that `--help` stays light."""
    from communique.cli.history import _KINDS
    from communique.extract.snapshots import CHANGE_KINDS

    assert _KINDS == CHANGE_KINDS
