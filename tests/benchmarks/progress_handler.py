"""What the progress handler that lets Ctrl-C and time limits stop a statement costs.

Run from the project root (needs ../shared/corpus):

    python tests/benchmarks/progress_handler.py                  # 20,000 articles, 31 rounds
    python tests/benchmarks/progress_handler.py --articles 2000 --rounds 11

It loads a scaled corpus (as run.py builds it) into a temporary database, then runs search
and the articles and points listings in process on one connection, without the handler and
with it every 100, 1,000 (communique's `PROGRESS_STEPS`) and 10,000 instructions, in turn
within each round so that the machine's drift falls on every variant alike. It prints the
medians of CPU time (wall time in brackets) and each variant's change against no handler.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from communique.db.database import connect
from communique.db.interrupts import Watch
from communique.read import listings
from communique.read.filters import Filters
from communique.read.search import search

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run

WORKLOADS: dict[str, Callable[..., object]] = {
    f"search x{len(run.SEARCH_TERMS)}": lambda c: [
        search(c, term, Filters()) for term in run.SEARCH_TERMS
    ],
    "articles": lambda c: listings.articles(c, Filters()),
    "points": lambda c: listings.points(c, Filters()),
}
VARIANTS: list[int | None] = [None, 100, 1000, 10000]


def measure(db: Path, rounds: int) -> None:
    connection = connect(db, readonly=True)
    cpu: dict[tuple[str, int | None], list[float]] = {}
    wall: dict[tuple[str, int | None], list[float]] = {}
    for work in WORKLOADS.values():
        work(connection)  # the page cache warm for every variant
    for round_ in range(rounds):
        for name, work in WORKLOADS.items():
            shift = round_ % len(VARIANTS)
            for steps in VARIANTS[shift:] + VARIANTS[:shift]:
                if steps is None:
                    connection.set_progress_handler(None, 0)
                else:
                    connection.set_progress_handler(Watch(3600.0, "search"), steps)
                started, started_cpu = time.perf_counter(), time.process_time()
                work(connection)
                cpu.setdefault((name, steps), []).append(time.process_time() - started_cpu)
                wall.setdefault((name, steps), []).append(time.perf_counter() - started)
    connection.close()
    print(f"medians of {rounds} rounds: ms of CPU (wall), change against no handler")
    for name in WORKLOADS:
        base = statistics.median(cpu[(name, None)])
        base_wall = statistics.median(wall[(name, None)]) * 1000
        cells = [f"{name:9} none {base * 1000:7.1f} ({base_wall:7.1f})"]
        for steps in VARIANTS[1:]:
            median = statistics.median(cpu[(name, steps)])
            median_wall = statistics.median(wall[(name, steps)]) * 1000
            change = (median / base - 1) * 100
            cells.append(f"N={steps:<5} {median * 1000:7.1f} ({median_wall:7.1f}) {change:+5.1f}%")
        print(" | ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--corpus", type=Path, default=run.CORPUS, help="the dev corpus")
    options = parser.parse_args()
    run.CORPUS = options.corpus
    with tempfile.TemporaryDirectory() as folder:
        corpus, db = Path(folder) / "corpus.jsonl", Path(folder) / "archive.db"
        run.scaled_corpus(options.articles, corpus)
        subprocess.run(
            [str(run.BIN / "communique"), "--db", str(db), "seed", "--quiet", str(corpus)],
            check=True,
        )
        print(f"{options.articles} articles")
        measure(db, options.rounds)


if __name__ == "__main__":
    main()
