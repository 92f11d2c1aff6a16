"""Extraction: the text of one capture in, plain records out. Pure; no database here.

The layout of a capture, after its carrier's furniture is stripped, is read as paragraphs:
an optional section line and a headline, then the dateline paragraph that starts the article
body, which may reprint a declaration.
"""

from __future__ import annotations

from communique.extract.dateline import Dateline, find_dateline
from communique.extract.declaration import find_declaration
from communique.extract.furniture import CarrierFurniture, strip_furniture
from communique.extract.records import (
    ArticleRecord,
    CaptureHints,
    DeclarationRecord,
    Extraction,
    PartyRef,
    PointRecord,
    SignatoryRecord,
    SourceRef,
)
from communique.extract.text import fingerprint, normalise_newlines, paragraphs

__all__ = [
    "ArticleRecord",
    "CaptureHints",
    "DeclarationRecord",
    "Extraction",
    "PartyRef",
    "PointRecord",
    "SignatoryRecord",
    "SourceRef",
    "extract",
]

_DATELINE_WINDOW = 6
"""How many leading paragraphs are searched for the dateline (furniture and headline precede it)."""
_MAX_HEADLINE = 300


def _locate_dateline(parts: list[str]) -> tuple[int, Dateline] | None:
    for index, paragraph in enumerate(parts[:_DATELINE_WINDOW]):
        dateline = find_dateline(paragraph)
        if dateline is not None:
            return index, dateline
    return None


def _preamble_without_dateline(parts: list[str], furniture: CarrierFurniture | None) -> int:
    """How many leading paragraphs are section and headline when no dateline marks the body."""
    head = 2 if furniture is not None and furniture.has_section else 1
    if len(parts) <= head:
        return 0
    return head if len(parts[head - 1]) <= _MAX_HEADLINE else head - 1


def _preamble(
    parts: list[str], furniture: CarrierFurniture | None
) -> tuple[str | None, str | None]:
    """Section and headline from the paragraphs above the body."""
    section = None
    if furniture is not None and furniture.has_section and len(parts) >= 2:
        section, parts = parts[0], parts[1:]
    headline = parts[-1] if parts and len(parts[-1]) <= _MAX_HEADLINE else None
    return section, headline


def extract(text: str, hints: CaptureHints | None = None) -> Extraction:
    """Find the carrier, article, source, date and published declarations in a capture."""
    hints = hints or CaptureHints()
    furniture, content = strip_furniture(normalise_newlines(text))
    parts = paragraphs(content)
    carrier = furniture.carrier if furniture else None
    located = _locate_dateline(parts)
    dateline = located[1] if located else None
    start = located[0] if located else _preamble_without_dateline(parts, furniture)
    section, headline = _preamble(parts[:start], furniture)
    body_parts = parts[start:]
    warnings = []
    if headline is None:
        warnings.append("no headline found")
    if dateline is None:
        warnings.append("no dateline found")
    if not body_parts:
        return Extraction(carrier, section, None, tuple(warnings))

    year = dateline.year if dateline and dateline.year else hints.published_year
    month = dateline.month if dateline else None
    day = dateline.day if dateline else None
    opening = [dateline.text, *body_parts[1:]] if dateline else body_parts
    declaration = find_declaration(opening, (year, month))
    body = "\n\n".join(body_parts)
    article = ArticleRecord(
        source=dateline.agency if dateline else None,
        headline=headline,
        dateline_place=dateline.place if dateline else None,
        published_year=year,
        published_month=month,
        published_day=day,
        lead=opening[0] or None,
        body=body,
        fingerprint=fingerprint(body),
        declarations=(declaration,) if declaration else (),
    )
    return Extraction(carrier, section, article, tuple(warnings))
