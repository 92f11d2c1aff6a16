"""The attribution quality report, held to its figures: a regression fails the suite.

The figures come from `tests/quality/` (the gold set, written by reading, and the scoring);
`python tests/quality/report.py --heldout` prints them, with the targets.

On the held-out part, point-holder precision meets its target (0.97; measured 0.986). Pair
recall, issuer and party accuracy and the share of noise kept do not yet (targets 0.90, 0.95,
0.95 and at most 0.01; measured 0.562, 0.935, 0.903 and 0.019). Until they do, the held-out
part is held to the figures it was measured at, so that no change makes them worse, and the
precision test holds the target itself. Each development part keeps the figures it reached.
"""

from __future__ import annotations

import pytest

from communique.resources import seed_dir

from conftest import SEED_NAME, SHARED, unavailable
from quality.scoring import PARTS, TARGETS, Figures, score
from quality.topics import TOPIC_PARTS, TopicFigures, score_topics

CORPUS = SHARED / "corpus" / "kcna-2024-dev.json"
HELD_OUT = PARTS[-1]

Floors = dict[str, float]

HELD_OUT_MEASURED: Floors = {
    "document_recall": 0.93,
    "document_precision": 0.99,
    "kind_accuracy": 0.99,
    "issuer_accuracy": 0.93,
    "party_accuracy": 0.90,
    "pair_precision": 0.97,
    "pair_recall": 0.56,
    "exact_holders": 0.59,
}
"""The held-out figures as measured, rounded down: the floor until the targets hold."""
HELD_OUT_NOISE = 0.02

_TUNED: Floors = {
    "document_recall": 0.99,
    "document_precision": 0.99,
    "kind_accuracy": 0.99,
    "issuer_accuracy": 0.98,
    "party_accuracy": 0.99,
    "pair_precision": 0.99,
    "pair_recall": 0.99,
    "exact_holders": 0.98,
}
DEVELOPMENT_FLOORS: dict[str, tuple[Floors, float]] = {
    "dev": (_TUNED, 0.005),
    "dev-2": (_TUNED, 0.01),
    "dev-3": (_TUNED, 0.005),
    "dev-4": (
        {
            "document_recall": 0.91,
            "document_precision": 0.99,
            "kind_accuracy": 0.90,
            "issuer_accuracy": 0.96,
            "party_accuracy": 0.99,
            "pair_precision": 0.97,
            "pair_recall": 0.88,
            "exact_holders": 0.88,
        },
        0.022,
    ),
}
"""What each development part reached when the rules were last tuned, rounded down, and the
most noise it may keep."""


@pytest.fixture(scope="module")
def held_out() -> Figures:
    return score(HELD_OUT, CORPUS, seed_dir() / SEED_NAME)


@pytest.fixture(scope="module")
def development() -> dict[str, Figures]:
    if not CORPUS.exists():
        unavailable(f"the dev corpus is not at {CORPUS}")
    return {part: score(part, CORPUS, seed_dir() / SEED_NAME) for part in PARTS[:-1]}


def _below(figures: Figures, floors: Floors) -> dict[str, float | None]:
    """The measures under their floors; one with nothing to count is under too."""
    shares = figures.shares()
    return {
        name: share if share is None else round(share, 3)
        for name, floor in floors.items()
        if (share := shares[name]) is None or share < floor
    }


def test_the_held_out_part_meets_the_precision_target(held_out: Figures) -> None:
    """Who says what is right or unknown: wrong holders stay under 3 %."""
    precision = held_out.shares()["pair_precision"]
    assert precision is not None and precision >= TARGETS["pair_precision"]


def test_the_held_out_part_keeps_its_measured_figures(held_out: Figures) -> None:
    assert (held_out.articles, held_out.gold_documents, held_out.points_gold) == (182, 33, 405)
    assert _below(held_out, HELD_OUT_MEASURED) == {}
    noise = held_out.shares()["noise_kept"]
    assert noise is not None and noise <= HELD_OUT_NOISE


def test_the_later_records_part_keeps_its_figures() -> None:
    """The development part of the later records needs no corpus: it runs everywhere."""
    floors, noise_limit = DEVELOPMENT_FLOORS["dev-4"]
    figures = score("dev-4", CORPUS, seed_dir() / SEED_NAME)
    assert _below(figures, floors) == {}
    noise = figures.shares()["noise_kept"]
    assert noise is not None and noise <= noise_limit


@pytest.mark.slow
@pytest.mark.parametrize("part", PARTS[:-2])
def test_the_corpus_development_parts_keep_their_figures(
    development: dict[str, Figures], part: str
) -> None:
    floors, noise_limit = DEVELOPMENT_FLOORS[part]
    assert _below(development[part], floors) == {}
    noise = development[part].shares()["noise_kept"]
    assert noise is not None and noise <= noise_limit


@pytest.mark.slow
def test_every_annotated_article_is_scored(development: dict[str, Figures]) -> None:
    """None lost between the texts and the gold files: the dev corpus (one article per
    distinct text, and the seed) and the later records, split in two by a hash of the link."""
    assert [development[part].articles for part in PARTS[:-1]] == [206, 91, 407, 163]
    assert [development[part].gold_documents for part in PARTS[:-1]] == [54, 25, 10, 34]


# Topics: tagged points against the topic gold set (tests/quality/topics.py).

TOPIC_FLOORS = {"dev": (0.95, 0.82), "dev-2": (0.93, 0.78), "heldout": (0.88, 0.55)}
"""(precision, recall) over all topics as measured when the terms were last changed, rounded
down. The held-out targets (precision 0.90, recall 0.80) do not hold yet (0.888 and 0.559):
until they do, the held-out part is held to what it was measured at."""


@pytest.fixture(scope="module")
def topic_figures() -> dict[str, TopicFigures]:
    if not CORPUS.exists():
        unavailable(f"the dev corpus is not at {CORPUS}")
    return {part: score_topics(part, CORPUS) for part in TOPIC_PARTS}


@pytest.mark.parametrize("part", TOPIC_PARTS)
def test_the_topic_parts_keep_their_figures(
    topic_figures: dict[str, TopicFigures], part: str
) -> None:
    figures = topic_figures[part]
    assert figures.points == {"dev": 221, "dev-2": 104, "heldout": 199}[part]
    precision, recall = figures.precision(), figures.recall()
    assert precision is not None and recall is not None
    least_precision, least_recall = TOPIC_FLOORS[part]
    assert precision >= least_precision and recall >= least_recall
