"""How well points are tagged with topics, against a gold set written by reading.

    python tests/quality/topics.py [--heldout] [--misses]

The points were chosen by a fixed rule (`topic_sample.py`: every third point of the dev
corpus, then of the later records), annotated from their text with the taxonomy's topics by
readers who saw only `TOPICS-GUIDE.md`: `topics-dev.json` and `topics-dev-2.json` (the first
held-out part, since it was measured) are tuned against, `topics-heldout.json` is not looked
at while tuning. Each point is named by its article's link (or its record's place in the later
records) and paragraph; its text is read from the corpus, cleaned as extraction cleans it, and
tagged by the packaged taxonomy.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from communique.extract.taxonomy import Taxonomy, load_taxonomy
from communique.extract.text import clean_paragraph

from quality.scoring import HERE, LATER_RECORDS, SHARED_CORPUS

TOPIC_PARTS = ("dev", "dev-2", "heldout")
"""`dev` and `dev-2` (the first held-out part, since it was measured) are points of the dev
corpus; `heldout` points of the later records."""
TOPIC_TARGETS = {"precision": 0.90, "recall": 0.80}
"""The held-out part must reach these, over all topics."""


@dataclass
class TopicFigures:
    points: int = 0
    right: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    gold: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def precision(self, topic: str | None = None) -> float | None:
        right, found = self._counts(topic, self.found)
        return right / found if found else None

    def recall(self, topic: str | None = None) -> float | None:
        right, gold = self._counts(topic, self.gold)
        return right / gold if gold else None

    def _counts(self, topic: str | None, of: dict[str, int]) -> tuple[int, int]:
        if topic is None:
            return sum(self.right.values()), sum(of.values())
        return self.right.get(topic, 0), of.get(topic, 0)


def annotated(part: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(
        (HERE / f"topics-{part}.json").read_text(encoding="utf-8")
    )
    return loaded


def score_topics(part: str, corpus: Path, taxonomy: Taxonomy | None = None) -> TopicFigures:
    taxonomy = taxonomy or load_taxonomy()
    records: dict[str, dict[str, Any]] = {}
    for record in json.loads(corpus.read_text(encoding="utf-8")):
        records[record["link"]] = record  # the last record of a link, as the sample read it
    later: list[dict[str, Any]] = json.loads(LATER_RECORDS.read_text(encoding="utf-8"))
    figures = TopicFigures()
    for entry in annotated(part):
        record = later[entry["record"]] if "record" in entry else records[entry["link"]]
        text = clean_paragraph(str(record["story_text"]).split("\n")[entry["paragraph"]])
        found = {topic.slug for topic in taxonomy.tag(text)}
        truth = set(entry["topics"])
        figures.points += 1
        for topic in found:
            figures.found[topic] = figures.found.get(topic, 0) + 1
        for topic in truth:
            figures.gold[topic] = figures.gold.get(topic, 0) + 1
        for topic in found & truth:
            figures.right[topic] = figures.right.get(topic, 0) + 1
        if found != truth:
            figures.misses.append(
                f"{entry['link'][-20:]}#{entry['paragraph']}: extra {sorted(found - truth)},"
                f" missed {sorted(truth - found)}: {text[:160]}"
            )
    return figures


def _share(value: float | None) -> str:
    return f"{value:>7.3f}" if value is not None else f"{'-':>7}"


def render_topics(results: dict[str, TopicFigures]) -> str:
    topics = sorted({t for f in results.values() for t in (*f.gold, *f.found)})
    header = f"{'topic':<22}" + "".join(f"{part + ' P':>11}{part + ' R':>11}" for part in results)
    lines = [header]
    for topic in [*topics, None]:
        cells = "".join(
            f"    {_share(f.precision(topic))}    {_share(f.recall(topic))}"
            for f in results.values()
        )
        lines.append(f"{topic or 'all topics':<22}{cells}")
    lines.append(f"{'points':<22}" + "".join(f"{f.points:>22}" for f in results.values()))
    return "\n".join(lines)


def topics_doc(taxonomy: Taxonomy | None = None) -> str:
    """The table of topics and their terms that `docs/topics.md` holds (a test keeps them
    equal): `python tests/quality/topics.py --doc`."""
    taxonomy = taxonomy or load_taxonomy()
    lines = ["| topic | slug | terms |", "| --- | --- | --- |"]
    for slug, topic in taxonomy.topics.items():
        terms = ", ".join(f"`{term}`" for term in taxonomy.terms[slug])
        lines.append(f"| {topic.name} | `{slug}` | {terms} |")
    return "\n".join(lines) + "\n"


def main(arguments: list[str]) -> None:
    if "--doc" in arguments:
        print(topics_doc(), end="")
        return
    parts = TOPIC_PARTS if "--heldout" in arguments else TOPIC_PARTS[:-1]
    results = {part: score_topics(part, SHARED_CORPUS) for part in parts}
    print(render_topics(results))
    if "heldout" in results:
        held = results["heldout"]
        print("\ntargets on the held-out part:")
        for name, target in TOPIC_TARGETS.items():
            value = held.precision() if name == "precision" else held.recall()
            met = value is not None and value >= target
            print(f"  {name:<10} >= {target:.2f}   {_share(value)}  {'met' if met else 'NOT met'}")
    if "--misses" in arguments:
        for part in TOPIC_PARTS[:-1]:
            for miss in results[part].misses:
                print(miss)


if __name__ == "__main__":
    main(sys.argv[1:])
