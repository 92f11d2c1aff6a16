"""The fixed rule that chose the points of the topic gold set.

Run once, before any annotation or tuning of the taxonomy:

    python tests/quality/topic_sample.py ../shared/corpus/kcna-2024-dev.json

It extracts every distinct text of the dev corpus (named by the link of its first record, in
file order), numbers the points found in them in that order, keeps every third (0, 3, 6, ...),
and splits them by a hash of the link and paragraph: one in three is held out. Each point is
named by its article's link and the paragraph of the record it comes from, never by its text
(the corpus stays in ../shared), and written to `topic-sample.json`; the set never depends on
this script again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from communique.extract import RECORD_FORMAT, CaptureHints, extract

from quality.sample import first_links
from quality.scoring import HERE, squeeze

EVERY = 3
SAMPLE_FILE = HERE / "topic-sample.json"


def held_out(link: str, paragraph: int) -> bool:
    digest = hashlib.sha256(f"{link}#{paragraph}".encode()).hexdigest()
    return int(digest[:8], 16) % 3 == 0


def points(corpus: Path) -> list[tuple[str, int]]:
    """(link, paragraph) of every point found in the dev corpus, in order."""
    records = {record["link"]: record for record in json.loads(corpus.read_text("utf-8"))}
    found: list[tuple[str, int]] = []
    for link in dict.fromkeys(first_links(corpus).values()):
        record = records[link]
        capture = json.dumps(record, ensure_ascii=False)
        article = extract(capture, CaptureHints(url=link, format=RECORD_FORMAT)).article
        paragraphs = [squeeze(p) for p in str(record["story_text"]).split("\n")]
        after = 0
        for declaration in article.declarations if article else ():
            for point in declaration.points:
                opening = squeeze(point.text)[:80]
                at = next(
                    (i for i in range(after, len(paragraphs)) if opening in paragraphs[i]), None
                )
                if at is None:
                    continue
                found.append((link, at))
                after = at
    return list(dict.fromkeys(found))


def choose(corpus: Path) -> list[dict[str, object]]:
    return [
        {"link": link, "paragraph": at, "part": "heldout" if held_out(link, at) else "dev"}
        for index, (link, at) in enumerate(points(corpus))
        if index % EVERY == 0
    ]


if __name__ == "__main__":
    chosen = choose(Path(sys.argv[1]))
    SAMPLE_FILE.write_text(json.dumps(chosen, indent=1) + "\n", encoding="utf-8")
    parts = [entry["part"] for entry in chosen]
    print(f"{len(chosen)} points: {parts.count('dev')} dev, {parts.count('heldout')} held out")
