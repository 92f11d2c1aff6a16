"""Every attribution that differs between two databases loaded from the same inputs, judged
against the gold set where the gold set annotates the point.

    python tests/quality/compare.py BEFORE.db AFTER.db [CORPUS]

Points are matched by their article's fingerprint and their text; a point found in one
database only is listed too. Each line says whether the change agrees with the annotation
("better"), disagrees ("worse"), neither ("changed", e.g. a wrong holder for another wrong
one) or could not be judged ("unjudged": no annotation covers the point).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quality.scoring import PARTS, SHARED_CORPUS, gold, squeeze

HOLDERS = """
    SELECT a.fingerprint, po.text,
           coalesce((SELECT group_concat(slug, ' ') FROM (SELECT pa.slug FROM point_parties pp
              JOIN parties pa ON pa.id = pp.party_id WHERE pp.point_id = po.id ORDER BY pa.slug)),
              '')
    FROM declaration_points po JOIN declarations d ON d.id = po.declaration_id
    JOIN articles a ON a.id = d.article_id
"""
LINKS = "SELECT a.fingerprint, d.raw_text FROM documents d JOIN articles a ON a.id = d.article_id"

Key = tuple[str, str]


VOICES = """
    SELECT a.fingerprint, po.text,
           coalesce((SELECT group_concat(voice, ' ') FROM (SELECT DISTINCT CASE
              WHEN pa.kind IN ('state', 'international-organisation') THEN pa.slug
              WHEN pa.speaks_for_state THEN st.slug END AS voice
              FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id
              LEFT JOIN parties st ON st.id = pa.state_id
              WHERE pp.point_id = po.id AND voice IS NOT NULL ORDER BY voice)), '')
    FROM declaration_points po JOIN declarations d ON d.id = po.declaration_id
    JOIN articles a ON a.id = d.article_id
"""
"""Since revision 0006 holders are the most specific parties named: compared by the states
they speak for, as the gold set names them."""


def _holders(db: Path) -> dict[Key, str]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(parties)")}
        query = VOICES if "kind" in columns else HOLDERS
        return {(row[0], row[1]): row[2] for row in connection.execute(query)}


Annotated = dict[str, list[tuple[str, set[str] | None]]]


def _annotations(db: Path, corpus: Path) -> Annotated:
    """fingerprint → its article's paragraphs (squeezed), each with its annotated holders, or
    None for a paragraph that is no point (annotated as noise, or outside every document)."""
    records: dict[str, dict[str, object]] = {}
    for record in json.loads(corpus.read_text(encoding="utf-8")):
        records.setdefault(record["link"], record)
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        fingerprints: dict[str, str] = {}
        for fingerprint, raw in connection.execute(LINKS):
            try:
                fingerprints.setdefault(json.loads(raw)["link"], fingerprint)
            except (ValueError, KeyError, TypeError):
                continue
    found: Annotated = {}
    for part in PARTS:
        for entry in gold(part):
            record = records.get(entry["link"])
            fingerprint = fingerprints.get(entry["link"])
            if record is None or fingerprint is None:
                continue
            paragraphs = str(record["story_text"]).split("\n")
            holders: list[set[str] | None] = [None] * len(paragraphs)
            for document in entry["documents"]:
                for point in document["points"]:
                    if "holders" in point:
                        holders[point["paragraph"]] = set(point["holders"])
            found[fingerprint] = [
                (squeeze(paragraph), held)
                for paragraph, held in zip(paragraphs, holders, strict=True)
            ]
    return found


def _truth(annotated: Annotated, fingerprint: str, text: str) -> set[str] | str | None:
    """The annotation of the paragraph a point comes from; "unannotated" when none covers it."""
    opening = squeeze(text)[:80]
    for paragraph, held in annotated.get(fingerprint, []):
        if opening and opening in paragraph:
            return held
    return "unannotated"


def _verdict(before: str | None, after: str | None, truth: set[str] | str | None) -> str:
    if truth == "unannotated":
        return "unjudged"
    want = "" if truth is None else " ".join(sorted(truth))  # no point: no holder wanted
    was = before == want or (truth is None and before is None)
    now = after == want or (truth is None and after is None)
    if now and not was:
        return "better"
    if was and not now:
        return "worse"
    return "changed"


def main(arguments: list[str]) -> None:
    before_db, after_db = Path(arguments[0]), Path(arguments[1])
    corpus = Path(arguments[2]) if len(arguments) > 2 else SHARED_CORPUS
    before, after = _holders(before_db), _holders(after_db)
    truths = _annotations(after_db, corpus)
    counts: Counter[str] = Counter()
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        fingerprint, text = key
        truth = _truth(truths, fingerprint, text)
        verdict = _verdict(old, new, truth)
        counts[verdict] += 1
        shown = " ".join(text.split())[:90]
        was = "no point" if old is None else (old or "unknown")
        now = "no point" if new is None else (new or "unknown")
        print(f"{verdict:<9} {fingerprint[:10]}  {was} -> {now}  {shown}")
    print(", ".join(f"{count} {verdict}" for verdict, count in sorted(counts.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
