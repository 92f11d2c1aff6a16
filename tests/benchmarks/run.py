"""The benchmark: communique against the SQLite floor and sqlite-utils, at archive scale.

Run from the project root (needs `pip install -e '.[bench]'` and ../shared/corpus):

    python tests/benchmarks/run.py                      # 10,000 and 100,000 articles, 3 runs
    python tests/benchmarks/run.py --sizes 2000 --repeat 1 --no-write    # a quick look

It builds scaled corpora from the dev corpus (every text varied so that no two are equal),
measures each side in the same run on the same disk, prints a table, and writes the figures
with the machine's description into docs/performance.md, between its markers. Medians throughout;
only ratios between figures of one run mean anything on a shared machine, and figures that are
compared are taken in turn (ingest, floor, peer in each round; every size in each round of
queries), so that the machine's drift over minutes falls on both sides of a ratio.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "kcna-2024-dev.json"
BIN = Path(sys.executable).parent
FIGURES = ROOT / "docs" / "performance.md"
START, END = "<!-- performance:start -->", "<!-- performance:end -->"
SEARCH_TERMS = ("nuclear", "sanctions", '"military exercises"', "reunif*", "missile AND launch")


# --- corpora -------------------------------------------------------------------------------


def scaled_corpus(size: int, target: Path) -> int:
    """`size` distinct records built from the dev corpus; returns the bytes of text written."""
    records = [r for r in json.loads(CORPUS.read_text(encoding="utf-8")) if r.get("story_text")]
    written = 0
    with target.open("w", encoding="utf-8") as out:
        for index in range(size):
            record = dict(records[index % len(records)])
            copy = index // len(records)
            # A distinct sentence in the lead keeps every text apart (no two fingerprints
            # agree), while the documents they publish stay as they are.
            story = record["story_text"]
            first, _, rest = story.partition("\n")
            record["story_text"] = f"{first} (Archive copy {copy}, item {index}.)\n{rest}"
            record["link"] = f"{record['link']}#{index}"
            line = json.dumps(record, ensure_ascii=False)
            written += len(record["story_text"].encode()) + len(record["headline"].encode())
            out.write(line + "\n")
    return written


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    max_rss_kb: int


# The kernel's peak RSS of a process counts what it held before exec, and a child forked from
# this (large, by the 100,000 step) process starts out as big as it. So memory is measured
# through a small launcher: its child is forked from a process of a few MiB.
_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(args: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a whole process through the launcher, for its wall time and its peak memory."""
    process = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        check=False,
    )
    stderr = process.stderr.decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}): {stderr[-500:]}")
    seconds, max_rss_kb = stderr.split()[-2:]
    return Run(float(seconds), int(max_rss_kb))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


# --- the floor: our rows, inserted with plain sqlite3 ---------------------------------------


@dataclass
class Rows:
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, table: str, **values: Any) -> None:
        self.columns.setdefault(table, tuple(values))
        self.tables.setdefault(table, []).append(tuple(values.values()))


def extracted_rows(corpus: Path) -> Rows:
    """The rows communique's extraction gives for the corpus, ids assigned here."""
    import hashlib

    from communique.extract import RECORD_FORMAT, CaptureHints, extract
    from communique.load.rows import published_on

    rows = Rows()
    ids: dict[tuple[str, str], int] = {}

    def ref(table: str, slug: str, **values: Any) -> int:
        if (table, slug) not in ids:
            ids[(table, slug)] = len([k for k in ids if k[0] == table]) + 1
            rows.add(table, id=ids[(table, slug)], slug=slug, **values)
        return ids[(table, slug)]

    counters = {"articles": 0, "declarations": 0, "points": 0}
    hints = CaptureHints(format=RECORD_FORMAT)
    with corpus.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            found = extract(text, hints)
            article = found.article
            article_id = None
            if article is not None:
                counters["articles"] += 1
                article_id = counters["articles"]
                source = article.source
                day = published_on(article)
                rows.add(
                    "articles",
                    id=article_id,
                    source_id=ref(
                        "sources",
                        source.slug,
                        name=source.name,
                        kind=source.kind,
                        country=source.country,
                    )
                    if source
                    else None,
                    headline=article.headline,
                    dateline_place=article.dateline_place,
                    published_year=article.published_year,
                    published_month=article.published_month,
                    published_day=article.published_day,
                    published_on=day.isoformat() if day else None,
                    published_from=article.published_from,
                    lead=article.lead,
                    body=article.body,
                    fingerprint=article.fingerprint,
                )
                for declaration in article.declarations:
                    counters["declarations"] += 1
                    declaration_id = counters["declarations"]
                    rows.add(
                        "declarations",
                        id=declaration_id,
                        article_id=article_id,
                        kind=declaration.kind,
                        title=declaration.title,
                        intro=declaration.intro,
                        issuer=declaration.issuer,
                    )
                    for party in declaration.parties:
                        rows.add(
                            "declaration_parties",
                            declaration_id=declaration_id,
                            party_id=ref(
                                "parties", party.slug, name=party.name, short_name=party.short_name
                            ),
                        )
                    for point in declaration.points:
                        counters["points"] += 1
                        rows.add(
                            "declaration_points",
                            id=counters["points"],
                            declaration_id=declaration_id,
                            ordinal=point.ordinal,
                            text=point.text,
                            subject=point.subject,
                            label=point.label,
                        )
                        for party in point.parties:
                            rows.add(
                                "point_parties",
                                point_id=counters["points"],
                                party_id=ref(
                                    "parties",
                                    party.slug,
                                    name=party.name,
                                    short_name=party.short_name,
                                ),
                            )
                        for topic in point.topics:
                            rows.add(
                                "point_topics",
                                point_id=counters["points"],
                                topic_id=ref("topics", topic.slug, name=topic.name),
                            )
            carrier = found.carrier
            rows.add(
                "documents",
                id=number,
                origin=f"{corpus}#{number - 1}",
                url=None,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                raw_text=text,
                encoding="utf-8",
                format=RECORD_FORMAT,
                section=found.section,
                received_at="2026-01-01 00:00:00.000000",
                status="no text" if found.no_text else "parsed",
                article_id=article_id,
                carrier_id=ref(
                    "sources",
                    carrier.slug,
                    name=carrier.name,
                    kind=carrier.kind,
                    country=carrier.country,
                )
                if carrier
                else None,
            )
    return rows


ORDER = (
    "sources",
    "parties",
    "topics",
    "articles",
    "declarations",
    "declaration_parties",
    "declaration_points",
    "point_parties",
    "point_topics",
    "documents",
)


def insert_floor(db: Path, rows: Rows) -> float:
    """Insert the rows with executemany in one transaction and index them; returns the
    seconds it took, up to the connection's close (which folds the log into the file, as
    `seed` does before it ends)."""
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA cache_size = -65536")
    connection.execute("PRAGMA temp_store = MEMORY")
    from communique.load.indexing import DeferredIndex

    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    # The fastest way this schema allows: FTS5 indexes the new rows in one statement after
    # the inserts, as `seed` does, rather than through its triggers row by row.
    index = DeferredIndex.hold(connection.cursor())
    for table in ORDER:
        if table not in rows.tables:
            continue
        columns = rows.columns[table]
        marks = ", ".join("?" for _ in columns)
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows.tables[table]
        )
    index.catch_up(connection.cursor())
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - start


# --- the benchmark -------------------------------------------------------------------------


def communique(*args: str) -> list[str]:
    return [str(BIN / "communique"), *args]


def empty_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    run_process(communique("--db", str(path), "db", "upgrade"))


def reparse_rewriting_all(db: Path) -> Run:
    """`communique reparse` after every point was edited by hand, so that it rewrites every
    article that publishes a declaration (the edit itself is not timed). The database is
    left as the load made it."""
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE declaration_points SET text = 'edited by hand'")
    connection.close()
    return run_process(communique("--db", str(db), "reparse"))


def measure_loads(size: int, work: Path, repeat: int) -> dict[str, Any]:
    """Ingest, reparse, floor and peer of one corpus, taken in turn in each round: this
    machine's speed drifts over minutes, and a ratio of figures taken side by side does not.
    Reparse runs over the database the ingest of its round loaded: once as it is (extraction
    redone and compared, nothing written), then with every point edited (every article that
    publishes a declaration rewritten)."""
    corpus = work / f"corpus-{size}.jsonl"
    text_bytes = scaled_corpus(size, corpus)
    figures: dict[str, Any] = {"size": size, "text_bytes": text_bytes}
    rows = extracted_rows(corpus)
    db, floor, peer = (work / f"{name}-{size}.db" for name in ("communique", "floor", "peer"))
    sqlite_utils = str(BIN / "sqlite-utils")
    ingests: list[Run] = []
    reparses: list[Run] = []
    rewrites: list[Run] = []
    floors: list[float] = []
    peers: list[float] = []
    for _ in range(repeat):
        empty_database(db)
        ingests.append(run_process(communique("--db", str(db), "seed", "--quiet", str(corpus))))
        reparses.append(run_process(communique("--db", str(db), "reparse")))
        rewrites.append(reparse_rewriting_all(db))
        empty_database(floor)
        floors.append(insert_floor(floor, rows))
        peer.unlink(missing_ok=True)
        insert = run_process([sqlite_utils, "insert", str(peer), "articles", str(corpus), "--nl"])
        fts = run_process(
            [
                sqlite_utils,
                "enable-fts",
                str(peer),
                "articles",
                "headline",
                "story_text",
                "--create-triggers",
            ]
        )
        peers.append(insert.seconds + fts.seconds)
    figures["ingest_s"] = statistics.median(r.seconds for r in ingests)
    figures["ingest_rss_kb"] = max(r.max_rss_kb for r in ingests)
    figures["reparse_s"] = statistics.median(r.seconds for r in reparses)
    figures["reparse_rss_kb"] = max(r.max_rss_kb for r in reparses)
    figures["rewrite_s"] = statistics.median(r.seconds for r in rewrites)
    figures["floor_s"] = statistics.median(floors)
    figures["peer_s"] = statistics.median(peers)
    figures["db_bytes"] = db.stat().st_size
    with sqlite3.connect(db) as connection:
        raw = connection.execute("SELECT total(length(raw_text)) FROM documents").fetchone()[0]
    figures["db_bytes_without_raw"] = figures["db_bytes"] - int(raw)
    figures["db"], figures["peer"] = db, peer
    return figures


def measure_queries(results: list[dict[str, Any]], repeat: int) -> None:
    """Query figures for every size, the sizes taken in turn in each round (so that growth
    from one size to the next is measured in the same minutes)."""
    from communique.db.database import connect
    from communique.read import listings
    from communique.read.filters import Filters, parse_date_bound
    from communique.read.search import search

    connections = [connect(r["db"]) for r in results]
    timings: list[dict[str, list[float]]] = [
        {"search": [], "points_party": [], "articles_since": []} for _ in results
    ]
    for _ in range(max(repeat, 3) * 10):
        for connection, timing in zip(connections, timings, strict=True):
            for term in SEARCH_TERMS:
                start = time.perf_counter()
                search(connection, term, Filters(), limit=20)
                timing["search"].append(time.perf_counter() - start)
            start = time.perf_counter()
            listings.points(connection, Filters(party="dprk"))
            timing["points_party"].append(time.perf_counter() - start)
            start = time.perf_counter()
            listings.articles(connection, Filters(since=parse_date_bound("2024-09")))
            timing["articles_since"].append(time.perf_counter() - start)
    for connection in connections:
        connection.close()
    for figures, timing in zip(results, timings, strict=True):
        for name, samples in timing.items():
            figures[f"{name}_p50_ms"], figures[f"{name}_p95_ms"] = (
                1000 * value for value in percentiles(samples)
            )

    runs: dict[tuple[int, str], list[float]] = {}
    for _ in range(max(repeat, 5)):
        for index, figures in enumerate(results):
            for name, command in _commands(figures).items():
                seconds = run_process(command).seconds
                runs.setdefault((index, name), []).append(seconds)
    for (index, name), values in runs.items():
        results[index][name] = statistics.median(values)


def _commands(figures: dict[str, Any]) -> dict[str, list[str]]:
    """The whole-process queries, against communique's database and the peer's."""
    db = str(figures["db"])
    return {
        "cli_search_s": communique("--db", db, "search", "nuclear"),
        "cli_points_s": communique("--db", db, "points", "--party", "russia"),
        "cli_show_s": communique("--db", db, "show", "1"),
        "peer_search_s": [
            str(BIN / "sqlite-utils"),
            "search",
            str(figures["peer"]),
            "articles",
            "nuclear",
            "--limit",
            "20",
        ],
    }


def measure_startup(repeat: int) -> dict[str, float]:
    """Start-up of `--help` and `--version` against a bare `import click`, taken in turn."""
    commands = {
        "help_s": communique("--help"),
        "version_s": communique("--version"),
        "click_s": [sys.executable, "-c", "import click"],
    }
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(max(repeat, 5) * 2):
        for name, command in commands.items():
            runs[name].append(run_process(command).seconds)
    return {name: statistics.median(values) for name, values in runs.items()}


# --- reporting -----------------------------------------------------------------------------


def table(results: list[dict[str, Any]], startup: dict[str, float]) -> list[str]:
    lines = [
        "| figure | " + " | ".join(f"{r['size']:,} articles" for r in results) + " |",
        "| --- | " + " | ".join("---" for _ in results) + " |",
    ]

    def row(label: str, render: Callable[[dict[str, Any]], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(render(r) for r in results) + " |")

    row(
        "ingest, `communique seed` (whole process)",
        lambda r: f"{r['ingest_s']:.1f} s ({r['size'] / r['ingest_s']:,.0f} articles/s)",
    )
    row(
        "`communique reparse` of the loaded database (whole process)",
        lambda r: f"{r['reparse_s']:.1f} s ({r['size'] / r['reparse_s']:,.0f} articles/s)",
    )
    row("reparse / ingest (target <= 1.2)", lambda r: f"{r['reparse_s'] / r['ingest_s']:.2f}")
    row(
        "`communique reparse` after every point was edited (rewrites them all)",
        lambda r: f"{r['rewrite_s']:.1f} s (/ ingest {r['rewrite_s'] / r['ingest_s']:.2f})",
    )
    row("floor: same rows, plain sqlite3 executemany, then FTS", lambda r: f"{r['floor_s']:.1f} s")
    row("peer: sqlite-utils insert + enable-fts", lambda r: f"{r['peer_s']:.1f} s")
    row("ingest / floor (target <= 2)", lambda r: f"{r['ingest_s'] / r['floor_s']:.1f}")
    row("ingest / peer (target <= 1.5)", lambda r: f"{r['ingest_s'] / r['peer_s']:.1f}")
    row(
        "search p50 / p95 in process",
        lambda r: f"{r['search_p50_ms']:.2f} / {r['search_p95_ms']:.2f} ms",
    )
    row(
        "points --party p50 / p95",
        lambda r: f"{r['points_party_p50_ms']:.1f} / {r['points_party_p95_ms']:.1f} ms",
    )
    row(
        "articles --since p50 / p95",
        lambda r: f"{r['articles_since_p50_ms']:.1f} / {r['articles_since_p95_ms']:.1f} ms",
    )
    row(
        "`communique search` / `points` / `show` (whole process)",
        lambda r: f"{r['cli_search_s']:.2f} / {r['cli_points_s']:.2f} / {r['cli_show_s']:.2f} s",
    )
    row("`sqlite-utils search` (whole process)", lambda r: f"{r['peer_search_s']:.2f} s")
    row(
        "peak RSS of the ingest / of the reparse",
        lambda r: f"{r['ingest_rss_kb'] / 1024:.0f} / {r['reparse_rss_kb'] / 1024:.0f} MiB",
    )
    row(
        "database bytes per byte of text (without raw documents)",
        lambda r: (
            f"{r['db_bytes'] / r['text_bytes']:.1f}"
            f" ({r['db_bytes_without_raw'] / r['text_bytes']:.1f})"
        ),
    )
    lines.append("")
    lines.append(
        f"Start-up: `communique --help` {startup['help_s']:.3f} s, `--version` "
        f"{startup['version_s']:.3f} s, bare `python -c 'import click'` {startup['click_s']:.3f} s"
        f" (ratio {startup['help_s'] / startup['click_s']:.2f}, target <= 1.3)."
    )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        lines.append(
            f"Growth {small['size']:,} -> {large['size']:,}: ingest time x"
            f"{large['ingest_s'] / small['ingest_s']:.1f} (target <= 11), search p50 x"
            f"{large['search_p50_ms'] / small['search_p50_ms']:.1f} (target <= 2), peak RSS x"
            f"{large['ingest_rss_kb'] / small['ingest_rss_kb']:.2f} (target <= 1.2)."
        )
    return lines


def machine() -> str:
    cores = os.cpu_count()
    return (
        f"{platform.system()} {platform.machine()}, {cores} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def write_figures(lines: list[str], command: str) -> None:
    text = FIGURES.read_text(encoding="utf-8")
    block = "\n".join(
        [
            START,
            "",
            f"Measured with `{command}` on {machine()}, {time.strftime('%Y-%m-%d')}:",
            "",
            *lines,
            "",
            END,
        ]
    )
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Figures\n\n" + block + "\n"
    FIGURES.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the figures only")
    options = parser.parse_args(argv)
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} is not here; the benchmark builds its corpora from it")
    if shutil.which("sqlite-utils", path=str(BIN)) is None:
        raise SystemExit("sqlite-utils is not installed: pip install -e '.[bench]'")
    sizes = [int(size) for size in options.sizes.split(",")]
    # Byte-compile the package as installing a wheel does, so that start-up is measured as
    # users see it even where PYTHONDONTWRITEBYTECODE keeps an editable install uncompiled.
    compileall.compile_dir(ROOT / "src" / "communique", quiet=1)
    with tempfile.TemporaryDirectory(prefix="communique-bench-") as folder:
        work = Path(folder)
        results = []
        for size in sizes:
            print(f"loading {size:,} articles...", file=sys.stderr)
            results.append(measure_loads(size, work, options.repeat))
        print("querying...", file=sys.stderr)
        measure_queries(results, options.repeat)
        startup = measure_startup(options.repeat)
    lines = table(results, startup)
    print("\n".join(lines))
    if not options.no_write:
        command = "python tests/benchmarks/run.py" + (
            "" if argv is None and len(sys.argv) == 1 else " " + " ".join(sys.argv[1:])
        )
        write_figures(lines, command.strip())


if __name__ == "__main__":
    main()
