"""Extraction: the text of one capture in, plain records out. Pure; no database here.

Two shapes of input: page captures (plain text copied from a site, furniture and all) and
records of JSON archives shaped like kcna.kp scrapes. `CaptureHints.format` says which.
"""

from __future__ import annotations

from communique.extract.archive import extract_record
from communique.extract.gazetteer import Gazetteer, default_gazetteer
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
from communique.extract.taxonomy import Taxonomy, default_taxonomy

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
    "extract",
]


def extract(
    text: str,
    hints: CaptureHints | None = None,
    gazetteer: Gazetteer | None = None,
    taxonomy: Taxonomy | None = None,
) -> Extraction:
    """Find the carrier, article, source, date and published documents in a capture."""
    hints = hints or CaptureHints()
    vocabularies = (gazetteer or default_gazetteer(), taxonomy or default_taxonomy())
    if hints.format == RECORD_FORMAT:
        return extract_record(text, hints, vocabularies)
    return extract_page(text, hints, vocabularies)
