"""Documents an article publishes: where they start and end, their kind, title, issuer or
signatories, their points, and who holds each point.

An article announces a document ("the DPRK-Russia joint declaration ... It says:", "issued the
following press statement on Saturday:") and reprints it paragraph by paragraph until the end
of the article; each reprinted paragraph is a point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.dateline import MONTH_PATTERN
from communique.extract.gazetteer import Gazetteer
from communique.extract.positions import find_clause, holders
from communique.extract.records import DeclarationRecord, PartyRef, PointRecord, SignatoryRecord
from communique.extract.vocabularies import Vocabularies
from communique.extract.vocabulary import DOCUMENT_KINDS, MONTHS, OFFICE_TITLES

__all__ = ["find_declaration"]

_QUOTE_OPEN = '"\u201c\u201d'
_QUOTE_CLOSE = '"\u201d\u201c'
# Words that announce a reprint at the end of a sentence closed by a colon.
_INTRO_CUE = re.compile(
    r"\b(?:says|said|say|reads|read|states|stated|went on|goes on|go on|as follows|"
    r"following|full text|in full|adding|added|continued|continues)\b",
    re.IGNORECASE,
)
_INTRO_COLON = re.compile(r":(?!\d)")
"""A colon that ends a sentence, not one inside a time ("at 10:30")."""
_SENTENCE_START = re.compile(
    r"(?:(?<=[a-z0-9\"\u201d)][.!?])|(?<=[.!?][\"\u201d]))\s+(?=[A-Z\"\u201c])"
)
_KINDS = "|".join(re.escape(kind) for kind in DOCUMENT_KINDS)
_KIND = re.compile(
    rf"\b(?P<kind>{_KINDS})s?\b",
    re.IGNORECASE,
)
_QUOTED_TITLE = re.compile(
    r"(?:\s*|[^.:;\"\u201c\u201d]{0,120}?\b(?:titled|entitled|under the title|headlined)\s*)"
    rf"[{_QUOTE_OPEN}](?P<title>[^{_QUOTE_OPEN}]{{3,300}})[{_QUOTE_CLOSE}]"
)
_QUALIFIER = re.compile(r"(?P<qualifier>(?:[A-Z][\w.'\u2019]*(?:-[A-Z][\w.'\u2019]*)*\s+)+)$")
_ARTICLES = frozenset({"The", "A", "An", "This", "That", "Its", "Their"})

_TITLE = "|".join(re.escape(title) for title in OFFICE_TITLES)
_NAME = r"(?:[A-Z]\.\s*)*[A-Z][\w'\u2019-]+(?:\s+(?:[A-Z]\.\s*)*[A-Z][\w'\u2019-]+)*"
_SIGNING = re.compile(
    rf"\bsigned\s+by\s+(?P<signers>.+?)"
    rf"(?:\s+(?:in|at)\s+(?P<place>[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*))?"
    rf"(?:\s+on\s+(?P<month>{MONTH_PATTERN})\.?\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?)?"
    rf"(?=\s+(?:was|were|is|are|has|have|says|said|reads|states|stated)\b|(?<!\s[A-Z])[.;,:]|$)",
)
_SIGNER_SPLIT = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?=(?:{_TITLE})\s)")
_SIGNER = re.compile(rf"^(?:(?P<title>{_TITLE})\s+)?(?P<name>{_NAME}?)(?P<rest>\s+of\s+.+)?$")
_ISSUING = re.compile(
    r"^(?P<issuer>[A-Z\"\u201c][^:;]{2,200}?),?\s+(?:(?:on\s+)?\w+day\s+|jointly\s+|today\s+)?"
    r"(?:(?:issued|released|made\s+public|published|sent|gave|delivered|announced|adopted|"
    rf"made)\b(?=[^.:;]{{0,80}}?\b(?:following|{_KINDS})s?\b)"
    r"|(?:states|stated|says|said|declared|declares)(?:\s+as\s+follows)?"
    r"(?:\s+on\s+\w+(?:\s+\d{1,2})?)?\s*:)"
)
_SPOKESPERSON = re.compile(
    r"^(?:an?|the)\s+(?:unnamed\s+)?spokes(?:person|man|woman)\s+(?:for|of)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_KIND_OF = re.compile(
    rf"\b(?:{_KINDS})\s+(?:of\s+(?:greeting|congratulation|sympathy|condolence|thanks)s?\s+)?"
    r"(?:of|by|from)\s+"
    r"(?P<issuer>(?:the\s+|an?\s+)?[\w'\u2019.-]+(?:\s+[\w'\u2019.-]+){0,12}?)"
    r"(?=\s+(?:titled|entitled|noted|said|says|stated|states|which|was|is|on)\b|[,.;:\"\u201c]|$)",
    re.IGNORECASE,
)
_PRESS_REVIEW = re.compile(r"\bnews items\b|\bmajor articles\b|\bpress review\b", re.IGNORECASE)
"""A digest of other papers' headlines, not a document anyone publishes."""
_REFERS_BACK = re.compile(r"^(?:It|Its|This|They|He|She|The full text|Full text)\b")
"""An introduction that names no kind points back to one named before ("It says:")."""
_SPOKE = re.compile(
    r"\b(?:made|delivered|gave)\s+(?:a|an|the|his|her)\s+(?:[\w-]+\s+){0,3}?(?P<kind>speech|report)\b"
)
_JOINT_CAPABLE = ("joint", "treaty", "agreement", "declaration", "communique", "memorandum")
_BETWEEN = re.compile(
    r"\bbetween\s+(?P<pair>[^.;:]{3,160}?)(?=[.;:]|,\s|\s+(?:was|were|is|are|on|in|signed)\b|$)"
)
_ENDS_WITH_KIND = re.compile(rf"\b(?:{_KINDS})s?$", re.IGNORECASE)
# A quoted title or "the full text of ..." is the document speaking, not its issuer.
_NOT_ISSUER = re.compile(r"[\"\u201c\u201d]|^full text\b", re.IGNORECASE)
_PRONOUNS = frozenset({"it", "he", "she", "they", "this", "we", "i"})
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_LABEL = re.compile(r"^(?:(?P<number>\d{1,2})[.)]|\((?P<enclosed>\d{1,2}|[a-z])\))\s+")


@dataclass(frozen=True)
class _Intro:
    index: int
    """The paragraph holding the introducing sentence."""
    sentence: str
    lead_in: str
    """All the article says before the document, up to the introducing colon."""
    first_point: str
    """Text after the colon on the same line, when the document starts there."""


@dataclass(frozen=True)
class _Kind:
    kind: str
    title: str | None
    qualifier: str | None
    """The words that qualify the kind ("DPRK-Russia"), which name the document's parties."""


@dataclass(frozen=True)
class _Signing:
    signatories: tuple[SignatoryRecord, ...]
    place: str | None
    month: int | None
    day: int | None
    year: int | None


def _sentences(text: str) -> list[str]:
    return _SENTENCE_START.split(text)


def _find_intro(paragraphs: list[str]) -> _Intro | None:
    for index, paragraph in enumerate(paragraphs):
        if ":" not in paragraph:  # most paragraphs: no sentence of theirs can introduce
            continue
        start = 0
        for sentence in _sentences(paragraph):
            position = paragraph.find(sentence, start)
            start = position + len(sentence)
            colon = _INTRO_COLON.search(sentence)
            if colon is None or not _INTRO_CUE.search(sentence[: colon.start()]):
                continue
            colon_at = colon.start()
            end = position + colon_at + 1
            rest = paragraph[end:].strip()
            if rest or index + 1 < len(paragraphs):
                lead_in = " ".join([*paragraphs[:index], paragraph[:end]])
                return _Intro(index, sentence[: colon_at + 1].strip(), lead_in, rest)
    return None


def _named_before(intro: str, lead_in: str) -> str | None:
    """The kind an introduction without one refers back to: "It says:" refers to the last
    document named in lowercase before it ("the joint declaration", not "Article 9"); "He
    went on:" to a speech or report he made."""
    if not _REFERS_BACK.match(intro):
        return None
    if intro.startswith(("He ", "She ")):
        spoke = list(_SPOKE.finditer(lead_in))
        return spoke[-1].group("kind") if spoke else None
    for mention in _KIND.finditer(lead_in):
        word = mention.group(0)
        follows = lead_in[mention.end() : mention.end() + 2].strip()
        if word[0].islower() and not follows[:1].isdigit():
            return mention.group("kind").lower()
    return None


def _kind(intro: str, lead_in: str) -> _Kind | None:
    """The document's kind and its title when the text gives one: a quoted title
    ("... press statement titled \\"...\\""), else a qualified mention ("DPRK-Russia joint
    declaration"). The introducing sentence names the kind when it can; otherwise the
    introduction refers back to one named before it."""
    if _PRESS_REVIEW.search(intro):
        return None
    named = _KIND.search(intro)
    kind = named.group("kind").lower() if named else _named_before(intro, lead_in)
    if kind is None:
        return None
    for mention in _KIND.finditer(lead_in):
        if mention.group("kind").lower() != kind:
            continue
        quoted = _QUOTED_TITLE.match(lead_in, mention.end())
        if quoted is not None:
            return _Kind(kind, quoted.group("title").strip(), None)
        qualifier = _QUALIFIER.search(lead_in[: mention.start()])
        words = qualifier.group("qualifier").split() if qualifier else []
        # The phrase starts after its article: "... the DPRK. The white paper" has none.
        starts = [i + 1 for i, word in enumerate(words) if word in _ARTICLES]
        words = words[starts[-1] :] if starts else words
        if words:
            return _Kind(kind, " ".join([*words, kind]), " ".join(words))
    return _Kind(kind, None, None)


def _joint_parties(kind: str, lead_in: str, gazetteer: Gazetteer) -> tuple[PartyRef, ...]:
    """Parties a joint document names outside its title: "a treaty between the DPRK and the
    Russian Federation", "The DPRK and Laos issued a joint communique"."""
    if not kind.startswith(_JOINT_CAPABLE):
        return ()
    for match in _BETWEEN.finditer(lead_in):
        found = gazetteer.mentions(match.group("pair"))
        if len(found) >= 2:
            return found
    if kind.startswith("joint"):
        for sentence in _sentences(lead_in):
            if kind in sentence.lower() and len(found := gazetteer.mentions(sentence)) >= 2:
                return found
    return ()


def _signatory(text: str, gazetteer: Gazetteer) -> SignatoryRecord | None:
    match = _SIGNER.match(text.strip())
    if match is None or not match.group("name"):
        return None
    rest = match.group("rest") or ""
    party: PartyRef | None = None
    at_end = re.search(rf"\s+of\s+(?:the\s+)?(?:{gazetteer.alias_pattern})\s*$", rest)
    if at_end is not None:
        party = gazetteer.mentions(at_end.group(0))[0]
        rest = rest[: at_end.start()]
    elif found := gazetteer.mentions(rest):
        party = found[0]
    office = " ".join(part for part in (match.group("title"), rest.strip()) if part) or None
    return SignatoryRecord(name=match.group("name"), title=office, party=party)


def _signing(text: str, gazetteer: Gazetteer) -> _Signing | None:
    match = _SIGNING.search(text)
    if match is None:
        return None
    parts = _SIGNER_SPLIT.split(match.group("signers"))
    signers = (_signatory(part, gazetteer) for part in parts)
    month, day, year = match.group("month"), match.group("day"), match.group("year")
    valid = month is not None and day is not None and 1 <= int(day) <= 31
    return _Signing(
        signatories=tuple(signer for signer in signers if signer is not None),
        place=match.group("place"),
        month=MONTHS[month] if valid and month else None,
        day=int(day) if valid and day else None,
        year=int(year) if valid and year else None,
    )


def _signed_year(
    signing: _Signing, published: tuple[int | None, int | None]
) -> tuple[int | None, str | None]:
    """The signing year and where it came from; when the text omits it, the article's year,
    or the year before when the signing month is later than the article's."""
    if signing.year is not None:
        return signing.year, "text"
    year, month = published
    if year is None or signing.month is None:
        return None, None
    if month is not None and signing.month > month:
        return year - 1, "article"
    return year, "article"


def _clean_issuer(issuer: str) -> str | None:
    issuer = _LEADING_ARTICLE.sub("", _SPOKESPERSON.sub("", issuer.strip())).strip(" ,")
    last_word = issuer.rsplit(maxsplit=1)[-1].casefold() if issuer else ""
    if (
        not issuer
        or last_word in _PRONOUNS
        or _ENDS_WITH_KIND.search(issuer)
        or _NOT_ISSUER.search(issuer)
    ):
        return None  # "It says:", "The press statement says:" name no issuer
    return issuer


def _issuer(lead_in: str) -> tuple[str, str] | None:
    """Who issued the document, and the words that describe it: the subject of "issued",
    "released", "said:"... in the introducing sentence or the ones before it; else whoever
    the document is "of", "by" or "from" ("a message from Xi Jinping, president of ...")."""
    for sentence in reversed(_sentences(lead_in)):
        match = _ISSUING.match(sentence.strip())
        if match is not None and (issuer := _clean_issuer(match.group("issuer"))):
            return issuer, issuer
    for match in _KIND_OF.finditer(lead_in):
        if issuer := _clean_issuer(match.group("issuer")):
            described = re.split(r"(?<=[a-z0-9)])[.;:]", lead_in[match.start("issuer") :])[0]
            return issuer, described
    return None


def _issuer_party(
    described: str | None, gazetteer: Gazetteer, home: PartyRef | None
) -> PartyRef | None:
    """The party an issuer speaks for: the one its description names last ("..., director of
    the Department of U.S. Affairs of the Foreign Ministry of the DPRK" speaks for the DPRK;
    "Xi Jinping, ... president of the People's Republic of China" for China), else the home
    party of the agency that reports it."""
    if described is not None:
        named = gazetteer.mentions(described, home) or gazetteer.adjectives_in(described)
        if named:
            return named[-1]
    return home


def _points(
    texts: list[str],
    parties: tuple[PartyRef, ...],
    vocabularies: Vocabularies,
    home: PartyRef | None,
) -> tuple[PointRecord, ...]:
    gazetteer, taxonomy = vocabularies.gazetteer, vocabularies.taxonomy
    points: list[PointRecord] = []
    for text in texts:
        if not text:
            continue
        label = _LABEL.match(text)
        clause = find_clause(text[label.end() :] if label else text, gazetteer, home)
        points.append(
            PointRecord(
                ordinal=len(points) + 1,
                text=text,
                subject=clause.subject if clause else None,
                parties=holders(clause, parties, gazetteer, home),
                label=(label.group("number") or label.group("enclosed")) if label else None,
                topics=taxonomy.tag(text),
            )
        )
    return tuple(points)


def find_declaration(
    paragraphs: list[str],
    published: tuple[int | None, int | None],
    vocabularies: Vocabularies,
    home: PartyRef | None,
) -> DeclarationRecord | None:
    """The document reprinted in an article's paragraphs (dateline removed), if any.

    `published` is the article's (year, month), from which a signing date without a year is
    completed; `home` is the party of the agency that wrote the article.
    """
    gazetteer = vocabularies.gazetteer
    intro = _find_intro(paragraphs)
    if intro is None:
        return None
    found = _kind(intro.sentence, intro.lead_in)
    if found is None:
        return None
    signing = _signing(intro.lead_in, gazetteer)
    signatories = signing.signatories if signing else ()
    named = [
        *(gazetteer.mentions(found.qualifier) if found.qualifier else ()),
        *(s.party for s in signatories if s.party is not None),
        *_joint_parties(found.kind, intro.lead_in, gazetteer),
    ]
    joint_parties = tuple(dict.fromkeys(named))
    joint = found.kind.startswith("joint") or len(joint_parties) >= 2
    issued = None if joint else _issuer(intro.lead_in)
    issuer = issued[0] if issued else None
    issuer_party = None if joint else _issuer_party(issued[1] if issued else None, gazetteer, home)
    parties = joint_parties if joint else ((issuer_party,) if issuer_party else ())
    signed_year, signed_from = _signed_year(signing, published) if signing else (None, None)
    texts = [intro.first_point, *paragraphs[intro.index + 1 :]]
    return DeclarationRecord(
        kind=found.kind,
        title=found.title,
        intro=intro.sentence,
        signed_place=signing.place if signing else None,
        signed_year=signed_year,
        signed_month=signing.month if signing else None,
        signed_day=signing.day if signing else None,
        signed_from=signed_from,
        issuer=issuer,
        issuer_party=issuer_party,
        parties=parties,
        signatories=signatories,
        points=_points(texts, parties, vocabularies, home),
    )
