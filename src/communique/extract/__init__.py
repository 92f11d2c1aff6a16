"""Extraction: the text of one capture in, plain records out. Pure; no database here.

Two shapes of input: page captures (plain text copied from a site, furniture and all) and
records of JSON archives shaped like kcna.kp scrapes. `CaptureHints.format` says which.
"""

from __future__ import annotations

from communique.extract.archive import extract_record
from communique.extract.page import extract_page
from communique.extract.records import (
    RECORD_FORMAT,
    TEXT_FORMAT,
    ArticleRecord,
    CaptureHints,
    DeclarationRecord,
    Extraction,
    PartyRef,
    PointRecord,
    SignatoryRecord,
    SourceRef,
    TopicRef,
)
from communique.extract.vocabularies import Vocabularies, packaged_vocabularies

__all__ = [
    "RECORD_FORMAT",
    "TEXT_FORMAT",
    "ArticleRecord",
    "CaptureHints",
    "DeclarationRecord",
    "Extraction",
    "PartyRef",
    "PointRecord",
    "SignatoryRecord",
    "SourceRef",
    "TopicRef",
    "Vocabularies",
    "extract",
]


def extract(
    text: str, hints: CaptureHints | None = None, vocabularies: Vocabularies | None = None
) -> Extraction:
    """Find the carrier, article, source, date and published documents in a capture, with
    `vocabularies` (the packaged ones when None)."""
    hints = hints or CaptureHints()
    vocabularies = vocabularies or packaged_vocabularies()
    if hints.format == RECORD_FORMAT:
        return extract_record(text, hints, vocabularies)
    return extract_page(text, hints, vocabularies)
