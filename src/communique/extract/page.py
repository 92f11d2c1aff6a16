"""Page captures: plain text copied from a site, furniture and all.

After the carrier's furniture is stripped, the capture is read as paragraphs: an optional
section line and a headline, then the dateline paragraph that starts the article body.
"""

from __future__ import annotations

from communique.extract.article import DateFacts, build_article, cut_body
from communique.extract.dateline import find_dateline
from communique.extract.furniture import strip_furniture
from communique.extract.records import CaptureHints, Extraction
from communique.extract.text import MAX_HEADLINE, clean_headline, normalise_newlines, paragraphs
from communique.extract.vocabularies import Vocabularies

__all__ = ["extract_page"]

_DATELINE_WINDOW = 6
"""How many leading paragraphs are searched for the dateline (section and headline precede it)."""


def _body_start(parts: list[str], has_section: bool) -> int:
    """Where the body starts: at the dateline, or after a section line and a headline-like
    first paragraph when there is none."""
    for index, paragraph in enumerate(parts[:_DATELINE_WINDOW]):
        if find_dateline(paragraph) is not None:
            return index
    head = 2 if has_section else 1
    if len(parts) <= head:
        return 0
    return head if len(parts[head - 1]) <= MAX_HEADLINE else head - 1


def _section_and_headline(preamble: list[str], has_section: bool) -> tuple[str | None, str | None]:
    section = None
    if has_section and len(preamble) >= 2:
        section, preamble = preamble[0], preamble[1:]
    headline = preamble[-1] if preamble and len(preamble[-1]) <= MAX_HEADLINE else None
    return section, clean_headline(headline)


def extract_page(text: str, hints: CaptureHints, vocabularies: Vocabularies) -> Extraction:
    stripped = strip_furniture(normalise_newlines(text))
    parts = paragraphs(stripped.text)
    start = _body_start(parts, stripped.has_section)
    section, headline = _section_and_headline(parts[:start], stripped.has_section)
    facts = DateFacts(stripped.date, "header" if stripped.date else None, hints.published_year)
    article = build_article(headline, cut_body(parts[start:]), facts, stripped.source, vocabularies)
    warnings = []
    if headline is None:
        warnings.append("no headline found")
    # A text whose source is known otherwise (an NIS digest) has no dateline to miss.
    if article is None or (article.dateline_place is None and article.source is None):
        warnings.append("no dateline found")
    return Extraction(
        stripped.carrier, section, article, tuple(warnings), distributor=stripped.distributor
    )
