"""What extraction yields: plain, immutable records that know nothing of the database.

The store maps these to rows; keeping them free of SQLAlchemy lets extraction be tested (and
reused by later tools such as `reparse`) without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ArticleRecord",
    "CaptureHints",
    "DeclarationRecord",
    "Extraction",
    "PartyRef",
    "PointRecord",
    "SignatoryRecord",
    "SourceRef",
]


@dataclass(frozen=True)
class SourceRef:
    """An organisation a text comes from (an agency) or passes through (a website)."""

    slug: str
    name: str
    kind: str
    country: str | None


@dataclass(frozen=True)
class PartyRef:
    """A state or organisation that can take a position in a declaration."""

    slug: str
    name: str
    short_name: str


@dataclass(frozen=True)
class CaptureHints:
    """Facts about a capture that its text does not carry, given by a manifest or the user."""

    url: str | None = None
    published_year: int | None = None


@dataclass(frozen=True)
class SignatoryRecord:
    name: str
    title: str | None
    party: PartyRef | None


@dataclass(frozen=True)
class PointRecord:
    ordinal: int
    text: str
    subject: str | None
    parties: tuple[PartyRef, ...]


@dataclass(frozen=True)
class DeclarationRecord:
    kind: str
    title: str | None
    intro: str
    signed_place: str | None = None
    signed_year: int | None = None
    signed_month: int | None = None
    signed_day: int | None = None
    signatories: tuple[SignatoryRecord, ...] = ()
    points: tuple[PointRecord, ...] = ()


@dataclass(frozen=True)
class ArticleRecord:
    source: SourceRef | None
    headline: str | None
    dateline_place: str | None
    published_year: int | None
    published_month: int | None
    published_day: int | None
    lead: str | None
    body: str
    fingerprint: str
    declarations: tuple[DeclarationRecord, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """Everything found in one capture; `warnings` name what could not be found."""

    carrier: SourceRef | None
    section: str | None
    article: ArticleRecord | None
    warnings: tuple[str, ...] = field(default=())

    @property
    def recognised(self) -> bool:
        """Whether anything article-like was found (a headline or a dateline)."""
        article = self.article
        return article is not None and (
            article.headline is not None or article.dateline_place is not None
        )
