"""Print the attribution quality report for both parts of the gold set.

    python tests/quality/report.py [--heldout] [--misses] [CORPUS] [SEED]

CORPUS and SEED default to ../shared beside the project. The development parts are always
scored; `--heldout` adds the held-out part, which whoever tunes the rules runs only when done.
`--misses` lists the disagreements of the development parts, one a line (never the held-out
part's).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quality.scoring import PARTS, SHARED_CORPUS, SHARED_SEED, render, score


def main(arguments: list[str]) -> None:
    misses = "--misses" in arguments
    parts = PARTS if "--heldout" in arguments else PARTS[:-1]
    paths = [argument for argument in arguments if not argument.startswith("--")]
    corpus = Path(paths[0]) if paths else SHARED_CORPUS
    seed = Path(paths[1]) if len(paths) > 1 else SHARED_SEED
    results = {part: score(part, corpus, seed) for part in parts}
    print(render(results))
    if misses:
        print()
        for part in PARTS[:-1]:
            print("\n".join(results[part].misses))


if __name__ == "__main__":
    main(sys.argv[1:])
