"""The attribution quality report, held to its figures: a regression fails the suite.

The figures come from `tests/quality/` (the gold set, written by reading, and the scoring);
`python tests/quality/report.py --heldout` prints them, with the targets.

On the held-out part, point-holder precision meets its target (0.97); recall, issuer and
party accuracy and the share of noise kept do not yet (targets 0.85, 0.95, 0.95 and at most
0.01; measured 0.647, 0.911, 0.893 and 0.016). Until they do, the held-out part is held to
the figures it was measured at, so that no change makes them worse, and the precision test
holds the target itself. The development parts keep the figures they reached.
"""

from __future__ import annotations

import pytest

from communique.resources import seed_dir

from conftest import SEED_NAME, SHARED, unavailable
from quality.scoring import PARTS, TARGETS, Figures, score

CORPUS = SHARED / "corpus" / "kcna-2024-dev.json"
HELD_OUT = PARTS[-1]

HELD_OUT_MEASURED = {
    "document_recall": 0.83,
    "document_precision": 0.99,
    "kind_accuracy": 0.96,
    "issuer_accuracy": 0.91,
    "party_accuracy": 0.89,
    "pair_precision": 0.97,
    "pair_recall": 0.64,
    "exact_holders": 0.67,
}
"""The held-out figures as first measured, rounded down: the floor until the targets hold."""
HELD_OUT_NOISE = 0.017

DEVELOPMENT_FLOORS = {
    "document_recall": 0.98,
    "document_precision": 0.98,
    "kind_accuracy": 0.98,
    "issuer_accuracy": 0.97,
    "party_accuracy": 0.98,
    "pair_precision": 0.98,
    "pair_recall": 0.99,
}
"""What every development part reached when the rules were last tuned, rounded down."""
DEVELOPMENT_NOISE = 0.02


@pytest.fixture(scope="module")
def held_out() -> Figures:
    return score(HELD_OUT, CORPUS, seed_dir() / SEED_NAME)


@pytest.fixture(scope="module")
def development() -> dict[str, Figures]:
    if not CORPUS.exists():
        unavailable(f"the dev corpus is not at {CORPUS}")
    return {part: score(part, CORPUS, seed_dir() / SEED_NAME) for part in PARTS[:-1]}


def _below(figures: Figures, floors: dict[str, float]) -> dict[str, float | None]:
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
    assert (held_out.articles, held_out.gold_documents, held_out.points_gold) == (345, 67, 777)
    assert _below(held_out, HELD_OUT_MEASURED) == {}
    noise = held_out.shares()["noise_kept"]
    assert noise is not None and noise <= HELD_OUT_NOISE


@pytest.mark.slow
@pytest.mark.parametrize("part", PARTS[:-1])
def test_the_development_parts_keep_their_figures(
    development: dict[str, Figures], part: str
) -> None:
    assert _below(development[part], DEVELOPMENT_FLOORS) == {}
    noise = development[part].shares()["noise_kept"]
    assert noise is not None and noise <= DEVELOPMENT_NOISE


@pytest.mark.slow
def test_every_annotated_article_is_scored(development: dict[str, Figures]) -> None:
    """None lost between the corpus and the gold files: 206 + 91 + 407 articles, the whole
    dev corpus (one per distinct text) and the seed."""
    assert [development[part].articles for part in PARTS[:-1]] == [206, 91, 407]
    assert [development[part].gold_documents for part in PARTS[:-1]] == [54, 25, 10]
