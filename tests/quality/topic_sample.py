"""The fixed rule that chose the points of the topic gold set.

Run once, before any annotation or tuning of the taxonomy:

    python tests/quality/topic_sample.py ../shared/corpus/kcna-2024-dev.json

It extracts every distinct text of the dev corpus (named by the link of its first record, in
file order), numbers the points found in them in that order, keeps every third (0, 3, 6, ...),
and splits them by a hash of the link and paragraph: one in three is held out. Each point is
named by its article's link and the paragraph of the record it comes from, never by its text
(the corpus stays in ../shared), and written to `topic-sample.json`; the set never depends on
this script again.

With `--later` it chose the second held-out part, once the first had been measured and
become a development part: every third point of the later records (`records-2024-10.json`),
all held out, written to `topic-sample-later.json`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from communique.extract import RECORD_FORMAT, CaptureHints, extract

from quality.sample import first_links
from quality.scoring import HERE, squeeze

EVERY = 3
SAMPLE_FILE = HERE / "topic-sample.json"
LATER_SAMPLE_FILE = HERE / "topic-sample-later.json"


def held_out(link: str, paragraph: int) -> bool:
    digest = hashlib.sha256(f"{link}#{paragraph}".encode()).hexdigest()
    return int(digest[:8], 16) % 3 == 0


def points(corpus: Path) -> list[tuple[str, int]]:
    """(link, paragraph) of every point found in the dev corpus, in order, as the first part
    was chosen (each link's text read from its last record: one link of the dev corpus
    carries one text)."""
    records = {record["link"]: record for record in json.loads(corpus.read_text("utf-8"))}
    found: list[tuple[str, int]] = []
    for link in dict.fromkeys(first_links(corpus).values()):
        found.extend((link, at) for at in _located(link, records[link]))
    return list(dict.fromkeys(found))


def _located(link: str, record: dict[str, Any]) -> list[int]:
    """The paragraph of `record` each point extraction finds in it comes from."""
    capture = json.dumps(record, ensure_ascii=False)
    article = extract(capture, CaptureHints(url=link, format=RECORD_FORMAT)).article
    paragraphs = [squeeze(p) for p in str(record["story_text"]).split("\n")]
    found, after = [], 0
    for declaration in article.declarations if article else ():
        for point in declaration.points:
            opening = squeeze(point.text)[:80]
            at = next((i for i in range(after, len(paragraphs)) if opening in paragraphs[i]), None)
            if at is not None:
                found.append(at)
                after = at
    return found


def _points(corpus: Path) -> list[tuple[str, int, int]]:
    """(link, record index, paragraph) of every point found in `corpus`, in order, each
    distinct text once (named by its first record)."""
    loaded = json.loads(corpus.read_text("utf-8"))
    first: dict[str, int] = {}
    for index, record in enumerate(loaded):
        text = (record.get("story_text") or "").strip()
        if text:
            first.setdefault(text, index)
    found: list[tuple[str, int, int]] = []
    for number in first.values():
        record = loaded[number]
        found.extend((record["link"], number, at) for at in _located(record["link"], record))
    return list(dict.fromkeys(found))


def choose_later(records: Path) -> list[dict[str, object]]:
    """The second held-out part: every third point of the later records (texts the same
    archive published after the dev corpus), each named by its record's place in the file."""
    return [
        {"link": link, "record": number, "paragraph": at, "part": "heldout"}
        for index, (link, number, at) in enumerate(_points(records))
        if index % EVERY == 0
    ]


def choose(corpus: Path) -> list[dict[str, object]]:
    return [
        {"link": link, "paragraph": at, "part": "heldout" if held_out(link, at) else "dev"}
        for index, (link, at) in enumerate(points(corpus))
        if index % EVERY == 0
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--later"]:
        chosen = choose_later(HERE / "records-2024-10.json")
        LATER_SAMPLE_FILE.write_text(json.dumps(chosen, indent=1) + "\n", encoding="utf-8")
    else:
        chosen = choose(Path(sys.argv[1]))
        SAMPLE_FILE.write_text(json.dumps(chosen, indent=1) + "\n", encoding="utf-8")
    parts = [entry["part"] for entry in chosen]
    print(f"{len(chosen)} points: {parts.count('dev')} dev, {parts.count('heldout')} held out")
