"""The fixed rule that chose the articles of the attribution gold set.

Run once, before any annotation or tuning: `python -m tests.quality.sample`. It lists
the articles of the dev corpus (one per distinct text, named by the link of its first record in
file order), takes a random sample of 250 with a fixed seed, adds every article that the code
of revision 0004 (commit 4123096) found a published document in, and splits the whole by a hash
of the link: one article in three is held out. The chosen links are written into the gold
files themselves, so the set never depends on this script again.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

SEED = 16
SAMPLE = 250


def first_links(corpus: Path) -> dict[str, str]:
    """The link of every record → the link of the first record carrying the same text
    (records without text are left out)."""
    first: dict[str, str] = {}
    links: dict[str, str] = {}
    for record in json.loads(corpus.read_text(encoding="utf-8")):
        text = (record.get("story_text") or "").strip()
        if text:
            links[record["link"]] = first.setdefault(text, record["link"])
    return links


def held_out(link: str) -> bool:
    return int(hashlib.sha256(link.encode()).hexdigest()[:8], 16) % 3 == 0


def choose(corpus: Path, found: set[str]) -> list[str]:
    first = first_links(corpus)
    links = list(dict.fromkeys(first.values()))
    sample = set(random.Random(SEED).sample(links, SAMPLE))
    found = {first[link] for link in found if link in first}
    return [link for link in links if link in sample or link in found]


if __name__ == "__main__":
    corpus, found_file = Path(sys.argv[1]), Path(sys.argv[2])
    found = set(found_file.read_text().split())
    for link in choose(corpus, found):
        print("heldout" if held_out(link) else "dev", link)
