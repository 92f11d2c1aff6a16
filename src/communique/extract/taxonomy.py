"""The taxonomy: topics that declarations speak of, each a set of specific phrases, for coding
points topic by topic. Loaded from data files like the gazetteer, and extendable the same way.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from communique.errors import CommuniqueError
from communique.extract.datafiles import packaged_table, read_table, strings
from communique.extract.records import TopicRef

__all__ = ["TAXONOMY_ENV", "Taxonomy", "default_taxonomy", "load_taxonomy"]

TAXONOMY_ENV = "COMMUNIQUE_TAXONOMY"


def _term_pattern(term: str) -> str:
    """A phrase as a pattern: words in order, any white space or hyphen between them, a word
    ending in * matching every word it begins."""
    words = []
    for word in term.split():
        stem = word.rstrip("*")
        escaped = re.escape(stem).replace("'", "['\u2019]")
        words.append(escaped + (r"[\w-]*" if word.endswith("*") else ""))
    return r"\b" + r"[\s-]+".join(words) + r"(?![\w])"


@dataclass
class Taxonomy:
    topics: dict[str, TopicRef] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)
    _anchors: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    """Per topic, the lowercase start of each term: a topic whose anchors are all absent from
    a text cannot match, and its pattern is not run at all."""

    def merge(self, tables: dict[str, Any], origin: str) -> None:
        topics = tables.get("topics", {})
        if not isinstance(topics, dict):
            raise CommuniqueError(f"{origin}: [topics] must be tables keyed by slug")
        for slug, entry in topics.items():
            if not isinstance(entry, dict):
                raise CommuniqueError(f"{origin}: topics.{slug} must be a table")
            known = self.topics.get(slug)
            name = entry.get("name", known.name if known else None)
            if not isinstance(name, str):
                raise CommuniqueError(f"{origin}: topics.{slug} needs a name")
            self.topics[slug] = TopicRef(slug, name)
            self.terms.setdefault(slug, []).extend(strings(entry, "terms", origin))
            alternation = "|".join(_term_pattern(term) for term in self.terms[slug])
            self._patterns[slug] = re.compile(alternation or r"(?!x)x", re.IGNORECASE)
            self._anchors[slug] = tuple(
                term.split()[0].rstrip("*").lower().replace("\u2019", "'")
                for term in self.terms[slug]
            )

    def tag(self, text: str) -> tuple[TopicRef, ...]:
        """The topics whose terms occur in `text`, in the taxonomy's order."""
        lowered = text.lower().replace("\u2019", "'")
        return tuple(
            self.topics[slug]
            for slug, pattern in self._patterns.items()
            if any(anchor in lowered for anchor in self._anchors[slug]) and pattern.search(text)
        )


def load_taxonomy(extra: Path | None = None) -> Taxonomy:
    taxonomy = Taxonomy()
    taxonomy.merge(packaged_table("taxonomy.toml"), "taxonomy.toml")
    if extra is not None:
        taxonomy.merge(read_table(extra, "taxonomy"), str(extra))
    return taxonomy


@cache
def _cached(extra: str | None) -> Taxonomy:
    return load_taxonomy(Path(extra) if extra else None)


def default_taxonomy() -> Taxonomy:
    """The taxonomy in force: the packaged one, extended by COMMUNIQUE_TAXONOMY if set."""
    return _cached(os.environ.get(TAXONOMY_ENV) or None)
