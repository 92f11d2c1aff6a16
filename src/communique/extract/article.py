"""Assembling an article from its parts, whatever the capture's shape: headline, body
paragraphs, and the date facts the capture's furniture or record gave."""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.dateline import Dateline, find_dateline
from communique.extract.declaration import find_declaration
from communique.extract.records import ArticleRecord, PartyRef, SourceRef
from communique.extract.text import END_MARK, MAX_HEADLINE, clean_paragraph, fingerprint
from communique.extract.vocabularies import Vocabularies
from communique.extract.vocabulary import HEADLINE_SOURCES

__all__ = ["DateFacts", "build_article", "cut_body"]

_HEADLINE_SOURCES = [(re.compile(pattern), source) for pattern, source in HEADLINE_SOURCES]


@dataclass(frozen=True)
class DateFacts:
    """What a capture says of its date outside the article text, best first."""

    full: tuple[int, int, int] | None = None
    full_from: str | None = None
    """"record" or "header"."""
    given_year: int | None = None
    """The year a manifest gives."""


def _looks_like_headline(paragraph: str) -> bool:
    return len(paragraph) <= MAX_HEADLINE and not paragraph.endswith((".", ":", ";", ","))


def cut_body(parts: list[str]) -> list[str]:
    """The article's own paragraphs: up to its end mark " -0-", or up to the headline of the
    next article when a page holds several."""
    for index, paragraph in enumerate(parts):
        if "-0-" in paragraph and END_MARK.search(paragraph):
            return parts[: index + 1]
        if (
            index >= 2
            and find_dateline(paragraph) is not None
            and _looks_like_headline(parts[index - 1])
        ):
            return parts[: index - 1]
    return parts


def _date(
    dateline: Dateline | None, facts: DateFacts
) -> tuple[int | None, int | None, int | None, str | None]:
    """(year, month, day, where from): the record or header line, then the dateline, then
    the manifest's year with the dateline's month and day."""
    if facts.full is not None:
        return (*facts.full, facts.full_from)
    if dateline is None:
        year = facts.given_year
        return year, None, None, "manifest" if year is not None else None
    if dateline.year is not None:
        return dateline.year, dateline.month, dateline.day, "dateline"
    if facts.given_year is not None:
        return facts.given_year, dateline.month, dateline.day, "manifest"
    return None, dateline.month, dateline.day, "dateline"


def _source(
    headline: str | None, dateline: Dateline | None, fallback: SourceRef | None
) -> SourceRef | None:
    if dateline is not None:
        return dateline.agency
    if headline is not None:
        for pattern, source in _HEADLINE_SOURCES:
            if pattern.search(headline):
                return source
    return fallback


def build_article(
    headline: str | None,
    parts: list[str],
    facts: DateFacts,
    fallback_source: SourceRef | None,
    vocabularies: Vocabularies,
) -> ArticleRecord | None:
    """The article whose body is `parts` (from the dateline paragraph on, if any)."""
    cleaned = [text for text in (clean_paragraph(part) for part in parts) if text]
    if not cleaned:
        return None
    dateline = find_dateline(cleaned[0])
    year, month, day, date_from = _date(dateline, facts)
    source = _source(headline, dateline, fallback_source)
    gazetteer = vocabularies.gazetteer
    home: PartyRef | None = gazetteer.named(source.country) if source and source.country else None
    opening = [dateline.text, *cleaned[1:]] if dateline else cleaned
    declaration = find_declaration(opening, (year, month), vocabularies, home)
    body = "\n\n".join(cleaned)
    return ArticleRecord(
        source=source,
        headline=headline,
        dateline_place=dateline.place if dateline else None,
        dateline_year=dateline.year if dateline else None,
        dateline_month=dateline.month if dateline else None,
        dateline_day=dateline.day if dateline else None,
        published_year=year,
        published_month=month,
        published_day=day,
        published_from=date_from,
        lead=opening[0] or None,
        body=body,
        fingerprint=fingerprint(body),
        declarations=(declaration,) if declaration else (),
    )
