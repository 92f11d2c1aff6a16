"""Declarations an article publishes: the introducing words, kind, signing, points and parties.

An article announces a document ("the DPRK-Russia joint declaration ... signed by ... It says:")
and then reprints it paragraph by paragraph; each of those paragraphs is a point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.dateline import MONTH_PATTERN
from communique.extract.parties import PARTY_ALIAS_PATTERN, parties_in
from communique.extract.records import (
    DeclarationRecord,
    PartyRef,
    PointRecord,
    SignatoryRecord,
)
from communique.extract.vocabulary import (
    DOCUMENT_KINDS,
    JOINT_SUBJECTS,
    MONTHS,
    OFFICE_TITLES,
    PARTY_ALIASES,
    SUBJECT_VERBS,
)

__all__ = ["find_declaration"]

_INTRO = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<intro>[^.!?]{0,200}?\b"
    r"(?:says|said|say|reads|read|states|stated|follows|following|as follows)\b[^.!?]{0,120}:)$",
    re.IGNORECASE,
)
_KIND = re.compile(
    r"\b(?P<kind>" + "|".join(re.escape(kind) for kind in DOCUMENT_KINDS) + r")s?\b",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(r"(?P<qualifier>(?:[A-Z][\w.'\u2019]*(?:-[A-Z][\w.'\u2019]*)*\s+)+)$")
_ARTICLES = frozenset({"The", "A", "An", "This", "That", "Its", "Their"})

_TITLE = "|".join(re.escape(title) for title in OFFICE_TITLES)
_NAME = r"(?:[A-Z]\.\s*)*[A-Z][\w'\u2019-]+(?:\s+(?:[A-Z]\.\s*)*[A-Z][\w'\u2019-]+)*"
_SIGNING = re.compile(
    rf"\bsigned\s+by\s+(?P<signers>.+?)"
    rf"(?:\s+(?:in|at)\s+(?P<place>[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*))?"
    rf"(?:\s+on\s+(?P<month>{MONTH_PATTERN})\.?\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?)?"
    rf"(?=\s+(?:was|were|is|are|has|have)\b|(?<!\s[A-Z])[.;,]|$)",
)
_SIGNER_SPLIT = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?=(?:{_TITLE})\s)")
_SIGNER = re.compile(rf"^(?:(?P<title>{_TITLE})\s+)?(?P<name>{_NAME}?)(?P<rest>\s+of\s+.+)?$")
_PARTY_AT_END = re.compile(rf"\s+of\s+(?:the\s+)?(?P<party>{PARTY_ALIAS_PATTERN})\s*$")

_SUBJECT = re.compile(
    r"^(?P<subject>[^,;:]{1,80}?)\s+(?:"
    + "|".join(re.escape(verb) for verb in SUBJECT_VERBS)
    + r")\b"
)
_JOINT = re.compile(
    r"\b(?:" + "|".join(re.escape(subject) for subject in JOINT_SUBJECTS) + r")\b",
    re.IGNORECASE,
)
_MAX_SUBJECT_WORDS = 8
_CLOSING_MARK = re.compile(r"\s*-0-\s*$")


@dataclass(frozen=True)
class _Signing:
    signatories: tuple[SignatoryRecord, ...]
    place: str | None
    month: int | None
    day: int | None
    year: int | None


def _intro_index(paragraphs: list[str]) -> tuple[int, str] | None:
    """The paragraph that introduces the reprinted document, and its introducing sentence."""
    for index, paragraph in enumerate(paragraphs[:-1]):
        match = _INTRO.search(paragraph)
        if match is not None:
            return index, match.group("intro").strip()
    return None


def _kind_and_title(intro: str, preamble: str) -> tuple[str, str | None] | None:
    """The document's kind and, when the text qualifies it ("DPRK-Russia ..."), its title.

    The introducing sentence names the kind when it can ("The press statement says:");
    otherwise the first mention before it does ("It says:" refers back to it). The title is the
    first mention of that kind that carries a qualifier.
    """
    named = _KIND.search(intro) or _KIND.search(preamble)
    if named is None:
        return None
    kind = named.group("kind").lower()
    for mention in _KIND.finditer(preamble):
        if mention.group("kind").lower() != kind:
            continue
        qualifier = _QUALIFIER.search(preamble[: mention.start()])
        words = qualifier.group("qualifier").split() if qualifier else []
        # The phrase starts after its article: "... the DPRK. The white paper" has none.
        starts = [index + 1 for index, word in enumerate(words) if word in _ARTICLES]
        words = words[starts[-1] :] if starts else words
        if words:
            return kind, " ".join([*words, kind])
    return kind, None


def _signatory(text: str) -> SignatoryRecord | None:
    match = _SIGNER.match(text.strip())
    if match is None or not match.group("name"):
        return None
    title = match.group("title")
    rest = match.group("rest") or ""
    party: PartyRef | None = None
    at_end = _PARTY_AT_END.search(rest)
    if at_end is not None:
        party = PARTY_ALIASES[at_end.group("party")]
        rest = rest[: at_end.start()]
    elif found := parties_in(rest):
        party = found[0]
    office = " ".join(part for part in (title, rest.strip()) if part) or None
    return SignatoryRecord(name=match.group("name"), title=office, party=party)


def _signing(preamble: str) -> _Signing | None:
    match = _SIGNING.search(preamble)
    if match is None:
        return None
    signers = (_signatory(part) for part in _SIGNER_SPLIT.split(match.group("signers")))
    month = match.group("month")
    return _Signing(
        signatories=tuple(signer for signer in signers if signer is not None),
        place=match.group("place"),
        month=MONTHS[month] if month else None,
        day=int(match.group("day")) if match.group("day") else None,
        year=int(match.group("year")) if match.group("year") else None,
    )


def _signed_year(signing: _Signing, published: tuple[int | None, int | None]) -> int | None:
    """The signing year; when the text omits it, the article's, a year earlier if need be."""
    if signing.year is not None:
        return signing.year
    year, month = published
    if year is None or signing.month is None:
        return None
    return year - 1 if month is not None and signing.month > month else year


def _subject(point: str) -> str | None:
    """The words that say who holds the position, skipping an opening phrase before a comma.

    "In particular, the DPRK stated ..." and "Acknowledging ..., both sides manifested ..." both
    hold their subject after the first comma; a subject that names a party wins over one that
    does not ("All peoples of the world" is kept only when nothing better is found).
    """
    fallback: str | None = None
    candidates = [point]
    for _ in range(2):
        _, comma, tail = candidates[-1].partition(", ")
        if not comma:
            break
        candidates.append(tail)
    for candidate in candidates:
        match = _SUBJECT.match(candidate)
        if match is None or len(match.group("subject").split()) > _MAX_SUBJECT_WORDS:
            continue
        subject = match.group("subject")
        if parties_in(subject) or _JOINT.search(subject):
            return subject
        fallback = fallback or subject
    return fallback


def _point_parties(subject: str | None, declared: tuple[PartyRef, ...]) -> tuple[PartyRef, ...]:
    """Who takes a point's position: those its subject names, else every declaring party."""
    if subject is None or _JOINT.search(subject):
        return declared
    named = parties_in(subject)
    if not named:
        return declared
    order = {party.slug: index for index, party in enumerate(declared)}
    return tuple(sorted(named, key=lambda party: order.get(party.slug, len(order))))


def _points(paragraphs: list[str], declared: tuple[PartyRef, ...]) -> tuple[PointRecord, ...]:
    points: list[PointRecord] = []
    for paragraph in paragraphs:
        text = _CLOSING_MARK.sub("", paragraph)
        if not text:
            continue
        subject = _subject(text)
        points.append(
            PointRecord(
                ordinal=len(points) + 1,
                text=text,
                subject=subject,
                parties=_point_parties(subject, declared),
            )
        )
    return tuple(points)


def find_declaration(
    paragraphs: list[str], published: tuple[int | None, int | None]
) -> DeclarationRecord | None:
    """The document reprinted in an article's paragraphs (dateline removed), if any.

    `published` is the article's (year, month), from which a signing date without a year is
    completed.
    """
    found = _intro_index(paragraphs)
    if found is None:
        return None
    index, intro = found
    preamble = " ".join(paragraphs[: index + 1])
    kind_and_title = _kind_and_title(intro, preamble)
    if kind_and_title is None:
        return None
    kind, title = kind_and_title
    signing = _signing(preamble)
    signatories = signing.signatories if signing else ()
    # Who declares: the parties the title names ("DPRK-Russia ...") and those the signatories
    # represent, since either may be missing or partial.
    signing_parties = (s.party for s in signatories if s.party is not None)
    declared = tuple(dict.fromkeys([*(parties_in(title) if title else ()), *signing_parties]))
    return DeclarationRecord(
        kind=kind,
        title=title,
        intro=intro,
        signed_place=signing.place if signing else None,
        signed_year=_signed_year(signing, published) if signing else None,
        signed_month=signing.month if signing else None,
        signed_day=signing.day if signing else None,
        signatories=signatories,
        points=_points(paragraphs[index + 1 :], declared),
    )
