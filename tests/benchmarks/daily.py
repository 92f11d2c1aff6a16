"""The daily routine: loading a snapshot whose records are all stored but a few new ones.

Builds a snapshot of SIZE records from the dev corpus (as run.py builds its corpora), loads
it, then times, side by side in each round, the next day's snapshot (the same records and 100
new ones) loaded into a copy of that database as a whole `communique seed --snapshot` process,
and the floor: one Python process that parses the same file and hashes every record's text.
Also reports what a snapshot costs in the database, per item.

    python tests/benchmarks/daily.py [--size 100000] [--repeat 3] [--no-write]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run import BIN, CORPUS, FIGURES, machine, run_process, scaled_corpus

START, END = "<!-- daily:start -->", "<!-- daily:end -->"
NEW = 100

_FLOOR = """
import hashlib, json, sys
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        record = json.loads(line)
        hashlib.sha256(line.encode("utf-8")).hexdigest()
        hashlib.sha256(" ".join((record.get("story_text") or "").split()).encode()).hexdigest()
"""
"""Reading the file as the routine must: each record parsed, its bytes and its text hashed."""


def _next_day(first: Path, target: Path, size: int) -> None:
    """The first day's records, then NEW records never seen before."""
    shutil.copy(first, target)
    scaled_corpus(size + NEW, target.with_suffix(".more"))
    with (
        target.with_suffix(".more").open(encoding="utf-8") as more,
        target.open("a", encoding="utf-8") as out,
    ):
        for index, line in enumerate(more):
            if index >= size:
                out.write(line)


def _sightings_bytes(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        (size,) = connection.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN"
            " ('sightings', 'ix_sightings_title_id', 'ix_sightings_version_id')"
        ).fetchone()
    return int(size)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the figures only")
    options = parser.parse_args(argv)
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} is not here; the benchmark builds its snapshots from it")
    script = str(BIN / "communique")
    with tempfile.TemporaryDirectory(prefix="communique-daily-") as folder:
        work = Path(folder)
        first, second = work / "day1.jsonl", work / "day2.jsonl"
        scaled_corpus(options.size, first)
        _next_day(first, second, options.size)
        loaded = work / "loaded.db"
        print(f"loading the first snapshot of {options.size:,} records...", file=sys.stderr)
        run_process(
            [
                script,
                "--db",
                str(loaded),
                "seed",
                "-q",
                "--snapshot",
                "--as-of",
                "2024-08-04",
                str(first),
            ]
        )
        before = _sightings_bytes(loaded)
        routine, floor = [], []
        for round_ in range(options.repeat):
            print(f"round {round_ + 1}...", file=sys.stderr)
            copy = work / "copy.db"
            copy.unlink(missing_ok=True)
            shutil.copy(loaded, copy)
            routine.append(
                run_process(
                    [
                        script,
                        "--db",
                        str(copy),
                        "seed",
                        "-q",
                        "--snapshot",
                        "--as-of",
                        "2024-08-05",
                        str(second),
                    ]
                ).seconds
            )
            floor.append(run_process([sys.executable, "-c", _FLOOR, str(second)]).seconds)
        with sqlite3.connect(copy) as connection:
            counts = connection.execute(
                "SELECT change, count(*) FROM changes c JOIN snapshots s ON s.id = c.snapshot_id"
                " WHERE s.as_of = '2024-08-05' GROUP BY change"
            ).fetchall()
        per_item = (_sightings_bytes(copy) - before) / (options.size + NEW)
    routine_p50, floor_p50 = statistics.median(routine), statistics.median(floor)
    lines = [
        f"| figure | {options.size:,} records, {NEW} new |",
        "| --- | --- |",
        f"| `communique seed --snapshot` of the next day (whole process), median of"
        f" {options.repeat} | {routine_p50:.2f} s (target <= 2.5 s) |",
        "| floor: parse the file and hash every record in one Python process |"
        f" {floor_p50:.2f} s |",
        f"| routine / floor (target <= 1.5) | {routine_p50 / floor_p50:.2f} |",
        f"| the next day's changes | {', '.join(f'{n} {kind}' for kind, n in counts)} |",
        f"| sightings per snapshot, bytes per item (table and its two indexes) | {per_item:.0f} |",
    ]
    print("\n".join(lines))
    if not options.no_write:
        text = FIGURES.read_text(encoding="utf-8")
        command = "python tests/benchmarks/daily.py " + " ".join(argv or sys.argv[1:])
        block = "\n".join(
            [
                START,
                "",
                f"Measured with `{command.strip()}` on {machine()}, {time.strftime('%Y-%m-%d')}:",
                "",
                *lines,
                "",
                END,
            ]
        )
        if START in text:
            start, end = text.index(START), text.index(END) + len(END)
            text = text[:start] + block + text[end:]
        else:
            text = text.rstrip() + "\n\n## The daily routine of snapshots\n\n" + block + "\n"
        FIGURES.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
