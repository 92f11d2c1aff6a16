"""The taxonomy: topics that declarations speak of, each a set of specific phrases, for coding
points topic by topic. Loaded from data files like the gazetteer, and extendable the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.errors import CommuniqueError
from communique.extract.datafiles import packaged_table, read_table, strings
from communique.extract.patterns import any_of
from communique.extract.records import TopicRef

__all__ = ["Taxonomy", "load_taxonomy"]


def _term_pattern(term: str) -> str:
    """A phrase as a pattern: words in order, any white space or hyphen between them, a word
    ending in * matching every word it begins."""
    words = []
    for word in term.split():
        stem = word.rstrip("*")
        escaped = re.escape(stem).replace("'", "['\u2019]")
        words.append(escaped + (r"[\w-]*" if word.endswith("*") else ""))
    return r"\b" + r"[\s-]+".join(words) + r"(?![\w])"


_NOT_WORD = re.compile(r"\W+")
_ASCII_NOT_WORD = bytes(
    code if chr(code).isalnum() or chr(code) == "_" else 32 for code in range(128)
) + bytes(32 for _ in range(128))
"""`_NOT_WORD` as a byte table for ASCII text: word characters stay, the others are spaces."""


def _first_word(term: str) -> str:
    """The lowercase letters a term's match must begin with: its first run of word characters
    (a stem's, for "reunif*"; "north" for "north-south")."""
    found = re.match(r"\w+", term.lower())
    return found.group() if found else ""


@dataclass
class Taxonomy:
    topics: dict[str, TopicRef] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)
    _by_anchor: dict[str, list[tuple[str, re.Pattern[str]]]] = field(
        default_factory=dict, repr=False
    )
    """" " + the first word of terms → per topic, the pattern of its terms that begin so. A
    term can match only where its first word begins a word of the text, so a text runs only
    the patterns of the first words it holds."""
    _anchors: re.Pattern[str] = field(default=re.compile("(?!)"), repr=False)
    """Finds, at each word start of a text, the longest anchor that begins there."""
    _within: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    """An anchor → itself and the shorter anchors it begins with ("inter" in "internal")."""

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
        self._index()

    def _index(self) -> None:
        grouped: dict[str, dict[str, list[str]]] = {}
        for slug, terms in self.terms.items():
            for term in terms:
                anchor = " " + _first_word(term)
                grouped.setdefault(anchor, {}).setdefault(slug, []).append(_term_pattern(term))
        self._by_anchor = {
            anchor: [
                (slug, re.compile("|".join(patterns), re.IGNORECASE))
                for slug, patterns in by_topic.items()
            ]
            for anchor, by_topic in grouped.items()
        }
        longest_first = sorted(self._by_anchor, key=len, reverse=True)
        self._anchors = re.compile(any_of(longest_first))
        self._within = {
            anchor: tuple(other for other in longest_first if anchor.startswith(other))
            for anchor in longest_first
        }

    def tag(self, text: str) -> tuple[TopicRef, ...]:
        """The topics whose terms occur in `text`, in the taxonomy's order."""
        found: set[str] = set()
        for anchor, starts in self._anchored(text).items():
            for slug, pattern in self._by_anchor[anchor]:
                if slug in found:
                    continue
                if starts is None or anchor == " ":  # " ": terms that begin with punctuation
                    hit = pattern.search(text) is not None
                else:
                    hit = any(pattern.match(text, start) for start in starts)
                if hit:
                    found.add(slug)
        return tuple(topic for slug, topic in self.topics.items() if slug in found)

    def _anchored(self, text: str) -> Mapping[str, list[int] | None]:
        """The anchors that begin some word of `text`, each with where its words start, or
        None where that cannot be told (the text is not ASCII: folding case may change its
        length) and the terms are searched for through the whole text.

        With every non-word character a space, " " + a word's start is in `words`; in ASCII
        text a word starting at `words[i + 1]` starts at `text[i]`."""
        if not text.isascii():
            words = " " + _NOT_WORD.sub(" ", text.lower())
            longest = set(self._anchors.findall(words))
            return {anchor: None for found in longest for anchor in self._within[found]}
        words = " " + text.lower().encode().translate(_ASCII_NOT_WORD).decode()
        starts: dict[str, list[int]] = {}
        for match in self._anchors.finditer(words):
            for anchor in self._within[match.group()]:
                starts.setdefault(anchor, []).append(match.start())
        return starts


def load_taxonomy(extra: Path | None = None) -> Taxonomy:
    taxonomy = Taxonomy()
    taxonomy.merge(packaged_table("taxonomy.toml"), "taxonomy.toml")
    if extra is not None:
        taxonomy.merge(read_table(extra, "taxonomy"), str(extra))
    return taxonomy
