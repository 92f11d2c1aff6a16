"""The vocabularies a user can extend, the gazetteer and the taxonomy, as one value.

Extraction, loading and the look-up of a party or topic by name all take this one value, built
once by the command from its options: nothing under extract/ reads the environment, so what
a command was given is what it uses, in the writer and in every worker process alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from communique.extract.gazetteer import Gazetteer, load_gazetteer
from communique.extract.taxonomy import Taxonomy, load_taxonomy

__all__ = ["Vocabularies", "load_vocabularies", "packaged_vocabularies"]


@dataclass(frozen=True)
class Vocabularies:
    """Parties and their names (`gazetteer`), and topics and their terms (`taxonomy`)."""

    gazetteer: Gazetteer
    taxonomy: Taxonomy


@cache
def packaged_vocabularies() -> Vocabularies:
    """The vocabularies that ship with communique, loaded once per process."""
    return Vocabularies(load_gazetteer(), load_taxonomy())


def load_vocabularies(gazetteer: Path | None = None, taxonomy: Path | None = None) -> Vocabularies:
    """The packaged vocabularies, each extended by the user's file when one is given."""
    packaged = packaged_vocabularies()
    return Vocabularies(
        load_gazetteer(gazetteer) if gazetteer is not None else packaged.gazetteer,
        load_taxonomy(taxonomy) if taxonomy is not None else packaged.taxonomy,
    )
