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
from communique.extract.issuers import find_issuer, issuer_party, names_person, paper_speaking
from communique.extract.positions import find_clause, holders
from communique.extract.records import (
    Attribution,
    DeclarationRecord,
    PartyRef,
    PointRecord,
    SignatoryRecord,
)
from communique.extract.roles import ends_document, not_a_point, reintroduces
from communique.extract.text import sentences
from communique.extract.vocabularies import Vocabularies
from communique.extract.vocabulary import (
    DOCUMENT_KINDS,
    KIND_ALIASES,
    MONTHS,
    OFFICE_TITLES,
)

__all__ = ["find_declaration"]

_KINDS_ONLY = "|".join(re.escape(kind) for kind in DOCUMENT_KINDS)
_QUOTE_OPEN = '"\u201c\u201d'
_QUOTE_CLOSE = '"\u201d\u201c'
# Words that announce a reprint at the end of a sentence closed by a colon.
_INTRO_CUE = re.compile(
    r"\b(?:says|said|say|reads|read|states|stated|went on|goes on|go on|as follows|"
    r"following|full text|in full|adding|added|continued|continues|notes|noted|writes|wrote)\b",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(rf"\bthe\s+following\s+(?:[\w-]+\s+){{0,3}}?(?:{_KINDS_ONLY})\b")
"""A reprint announced whatever ends the sentence: "released the following press statement"."""
_INTRO_COLON = re.compile(r":(?!\d)")
"""A colon that ends a sentence, not one inside a time ("at 10:30")."""
_KINDS = "|".join(re.escape(kind) for kind in (*DOCUMENT_KINDS, *KIND_ALIASES))
_KIND = re.compile(
    rf"\b(?P<kind>{_KINDS})s?\b",
    re.IGNORECASE,
)
_REPORTING = (
    r"says|said|notes|noted|stresses|stressed|adds|added|reads|read|continues|continued|"
    r"goes\s+on|went\s+on|states|stated|points\s+out|pointed\s+out|concludes|concluded|"
    r"writes|wrote|underlines|underlined|emphasizes|emphasized"
)
_SPEAKER = re.compile(
    rf"\b(?:the|this|that|his|her|its)\s+(?P<who>[\w-]+(?:\s+[\w-]+)?)\s+(?:{_REPORTING})\b"
)
"""The speaker an introduction names: "..., the article says, and goes on:"."""
_PAPERS = frozenset({"paper", "newspaper", "daily", "editorial", "organ", "magazine", "journal"})
"""Speakers whose words make an article: "..., the paper said, and went on:"."""
_OFFICE_WORDS = frozenset(
    "minister secretary president chairman chairwoman chairperson premier director ambassador"
    " spokesman spokeswoman spokesperson leader chief head official".split()
)
_OFFICIAL_SAID = re.compile(
    r"^(?:The|A|An)\s+(?:former\s+|then\s+|first\s+|vice[\s-]+)?(?P<office>[a-z]+)\b[^:]*?\s"
    rf"(?:{_REPORTING})\b"
)
"""An introduction whose subject is an office-holder: "The former chief of the Legislation
Bureau of the Japanese Cabinet said:"."""
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
_PRESS_REVIEW = re.compile(r"\bnews items\b|\bmajor articles\b|\bpress review\b", re.IGNORECASE)
"""A digest of other papers' headlines, not a document anyone publishes."""
_OWN_COMMENTARY = re.compile(r"\b(?:KCNA|the\s+agency's)\s+commentary\b")
""""The following is the KCNA commentary ...": the agency's commentary is the article itself."""
_REFERS_BACK = re.compile(r"^(?:It|Its|This|They|He|She|The full text|Full text)\b")
"""An introduction that names no kind points back to one named before ("It says:")."""
_SPOKE = re.compile(
    r"\b(?:made|delivered|gave)\s+(?:a|an|the|his|her)\s+(?:[\w-]+\s+){0,3}?(?P<kind>speech|report)\b"
)
_SPOKEN = re.compile(
    rf"\b(?:[Hh]e|[Ss]he)\s+(?:{_REPORTING})\b"
    r"|\b(?:[Hh]e|[Ss]he)\b[^.:;]*\band\s+(?:said|added|continued|stressed|noted)\s*:$"
)
"""An introduction whose speaker is a person the lead named: "In his speech ..., he said:"."""
_SAID_HERE = re.compile(r"\b(?:said|stressed|noted|added|continued)\b[^:]{0,40}:$")
""""... said on the spot:": a person's words follow."""
_IT_SAID = re.compile(r"\b(?:it|they)\s+(?:said|says|noted|notes|added|stressed|went\s+on)\b")
"""A document referred back to at the end of its own words: "..., it said, adding:"."""
_GOES_ON = re.compile(
    r"\b(?:adding|continuing|stressing|noting|saying|said|added|continued|went\s+on)\s*:$"
)
_FULL_TEXT = re.compile(r"\bfull\s+text\b|\bas\s+follows\b|\bfollowing\b", re.IGNORECASE)
"""A document reprinted whole, not quoted in stretches."""
_BARE_INTRO = 4
"""An introduction of this many words or fewer ("He continued:") is all its paragraph says
before the words it introduces; a longer one is a narrative sentence quoting in passing."""
_SENT = frozenset({"message", "letter"})
"""Kinds that speak for their sender."""
_BETWEEN_PEOPLE = re.compile(
    r"\bbetween\s+(?P<pair>[^.;:]{3,300}?)(?=\s+(?:was|were|is|are|took|held)\b|[.;:]|$)"
)
"""The sides of a talk named with their offices: "between Choe Son Hui, foreign minister of
the DPRK, and Sergei Lavrov, foreign minister of the Russian Federation, was issued"."""
_JOINT_CAPABLE = ("joint", "treaty", "agreement", "declaration", "communique", "memorandum")
_BETWEEN = re.compile(
    r"\bbetween\s+(?P<pair>[^.;:]{3,160}?)(?=[.;:]|,\s|\s+(?:was|were|is|are|on|in|signed)\b|$)"
)
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


def _outside_quotes(sentence: str) -> re.Match[str] | None:
    """The first colon that ends a sentence outside a quoted title ("titled \\"An abnormal
    object appeared at Pusan Port: ...\\"" holds one that introduces nothing)."""
    for colon in _INTRO_COLON.finditer(sentence):
        before = sentence[: colon.start()]
        inside = before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")
        if not inside:
            return colon
    return None


def _find_intro(paragraphs: list[str]) -> _Intro | None:
    for index, paragraph in enumerate(paragraphs):
        if ":" not in paragraph and "following" not in paragraph:
            continue  # most paragraphs: no sentence of theirs can introduce
        start = 0
        for sentence in sentences(paragraph):
            position = paragraph.find(sentence, start)
            start = position + len(sentence)
            colon = _outside_quotes(sentence)
            if colon is None and _FOLLOWING.search(sentence) and start >= len(paragraph.rstrip()):
                # "... released the following press statement titled \"...\"." ends in a stop.
                if index + 1 < len(paragraphs):
                    lead_in = " ".join(paragraphs[: index + 1])
                    return _Intro(index, sentence.strip(), lead_in, "")
                continue
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
    went on:" to the speech or report he made (a speech, when the lead names none: his words
    on a visit)."""
    if _SPOKEN.search(intro) or (_SAID_HERE.search(intro) and names_person(intro)):
        return _spoken_kind(lead_in)
    if _GOES_ON.search(intro) and _SPOKE.search(lead_in):
        # "..., Kim Jong Un highly appreciated ..., adding:" after "made a speech"
        return _spoken_kind(lead_in)
    if not (_REFERS_BACK.match(intro) or _IT_SAID.search(intro)):
        return None
    for mention in _KIND.finditer(lead_in):
        word = mention.group(0)
        follows = lead_in[mention.end() : mention.end() + 2].strip()
        if word[0].islower() and not follows[:1].isdigit():
            return _kind_word(mention.group("kind"))
    return None


def _kind_word(word: str) -> str:
    word = word.lower()
    return KIND_ALIASES.get(word, word)


def _speaker(intro: str, lead_in: str) -> tuple[str | None, bool]:
    """The kind the introduction's speaker decides, and whether the speaker is a person: in
    "The signing of the joint declaration was a landmark event, the article says, and goes
    on:" the article speaks, not the declaration; "the paper said" makes an article; "the
    foreign minister said" a speech (or the report the lead says was made)."""
    if paper_speaking(intro):
        return "article", False
    speakers = list(_SPEAKER.finditer(intro))
    if speakers:
        who = speakers[-1].group("who").lower()
        last = who.split()[-1]
        if (named := _KIND.fullmatch(who)) or (named := _KIND.fullmatch(last)):
            return _kind_word(named.group("kind")), False
        if last in _PAPERS:
            return "article", False
        if last in _OFFICE_WORDS:
            return _spoken_kind(lead_in), True
    official = _OFFICIAL_SAID.match(intro)
    if official is not None and official.group("office") in _OFFICE_WORDS:
        if _KIND.search(intro):  # "The chief ... issued a press statement, which said:"
            return None, False
        return _spoken_kind(lead_in), True
    return None, False


def _spoken_kind(lead_in: str) -> str:
    """What a person's words are: the speech or report the lead says was made, else a speech."""
    spoke = list(_SPOKE.finditer(lead_in))
    return spoke[-1].group("kind") if spoke else "speech"


def _kind(intro: str, lead_in: str) -> _Kind | None:
    """The document's kind and its title when the text gives one: a quoted title
    ("... press statement titled \\"...\\""), else a qualified mention ("DPRK-Russia joint
    declaration"). The speaker the introduction names decides the kind; else the kind it
    names; else the one it refers back to."""
    if _PRESS_REVIEW.search(intro) or _OWN_COMMENTARY.search(intro):
        return None
    kind, _ = _speaker(intro, lead_in)
    if kind is None:
        named = _KIND.search(intro)
        kind = _kind_word(named.group("kind")) if named else _named_before(intro, lead_in)
    if kind is None:
        return None
    for mention in _KIND.finditer(lead_in):
        if _kind_word(mention.group("kind")) != kind:
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
            return _Kind(kind, " ".join([*words, mention.group("kind")]), " ".join(words))
    return _Kind(kind, None, None)


def _between(
    lead_in: str, gazetteer: Gazetteer, pattern: re.Pattern[str] = _BETWEEN
) -> tuple[PartyRef, ...]:
    """Two or more parties the lead says a talk or document is "between"."""
    for match in pattern.finditer(lead_in):
        pair = match.group("pair")
        if pattern is _BETWEEN_PEOPLE and not (
            names_person(pair)
            or any(party.kind == "person" for _, _, party in gazetteer.organ_spans(pair))
        ):
            continue  # talks "between the DPRK and the U.S." are no document of theirs
        found = _sides_named(pair, gazetteer)
        if len(found) >= 2:
            return found
    return ()


def _sides_named(pair: str, gazetteer: Gazetteer) -> tuple[PartyRef, ...]:
    """The states a pair of sides names, in order: by their names, or by the persons who
    speak for them ("Kim Jong Un and Vladimir Putin": the DPRK and Russia)."""
    spans = [*gazetteer.spans(pair)]
    for start, end, party in gazetteer.organ_spans(pair):
        if party.kind == "person" and party.voice is not None:
            spans.append((start, end, party.voice))
    return tuple(dict.fromkeys(party for _, _, party in sorted(spans, key=lambda s: s[0])))


_EACH_SIDE = re.compile(r",?\s+and\s+")


def _issued_together(issuer: str, gazetteer: Gazetteer) -> tuple[PartyRef, ...]:
    """The states of persons who issue a document together, each named with an office of
    their own state ("Choe Son Hui, foreign minister of the DPRK, and Sergei Lavrov, foreign
    minister of the Russian Federation"): one state for each, or none."""
    parts = _EACH_SIDE.split(issuer)
    if len(parts) < 2 or not names_person(issuer):
        return ()
    found = []
    for part in parts:
        named = _sides_named(part, gazetteer)
        if not named:
            return ()
        found.append(named[-1])
    return tuple(dict.fromkeys(found)) if len(set(found)) == len(found) else ()


def _joint_parties(kind: str, lead_in: str, gazetteer: Gazetteer) -> tuple[PartyRef, ...]:
    """Parties a joint document names outside its title: "a treaty between the DPRK and the
    Russian Federation", "The DPRK and Laos issued a joint communique"."""
    if not kind.startswith(_JOINT_CAPABLE):
        return ()
    if found := _between(lead_in, gazetteer):
        return found
    if kind.startswith("joint"):
        for sentence in sentences(lead_in):
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


def _first_each(sides: list[Attribution]) -> tuple[Attribution, ...]:
    """Each party once, with the first rule that found it."""
    first: dict[str, Attribution] = {}
    for side in sides:
        first.setdefault(side.party.slug, side)
    return tuple(first.values())


def _points(
    texts: list[str],
    parties: tuple[PartyRef, ...],
    vocabularies: Vocabularies,
    home: PartyRef | None,
    *,
    stretches: bool,
    speaker: str | None = None,
) -> tuple[PointRecord, ...]:
    """The points of a document's paragraphs. `stretches`: a speech quoted in stretches
    within a report, which the reporter's narration interrupts and "He then continued:"
    resumes (a full text, "as follows", runs to its end); a paragraph naming the `speaker` in
    the third person is such narration."""
    gazetteer, taxonomy = vocabularies.gazetteer, vocabularies.taxonomy
    points: list[PointRecord] = []
    quoting = True
    fresh = True  # the paragraph right after an introduction is the speaker's, by that
    for text in texts:
        if ends_document(text):
            break
        if stretches and reintroduces(text):
            quoting = fresh = True
            continue
        why = not_a_point(text, spoken=stretches, fresh=fresh) if text else "formula"
        if why is None and stretches and not fresh and speaker and speaker in text:
            why = "narration"
        fresh = fresh and not text
        if stretches and why == "narration":
            quoting = False
        if why is not None or not quoting:
            continue
        label = _LABEL.match(text)
        clause = find_clause(text[label.end() :] if label else text, gazetteer, home)
        points.append(
            PointRecord(
                ordinal=len(points) + 1,
                text=text,
                subject=clause.subject if clause else None,
                holders=holders(clause, parties, gazetteer, home),
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
        *(
            Attribution(p, "title")
            for p in (gazetteer.mentions(found.qualifier) if found.qualifier else ())
        ),
        *(Attribution(s.party, "signatory") for s in signatories if s.party is not None),
        *(
            Attribution(p, "named-together")
            for p in _joint_parties(found.kind, intro.lead_in, gazetteer)
        ),
    ]
    joint_sides = _first_each(named)
    joint = found.kind.startswith("joint") or len(joint_sides) >= 2
    kind_spoke, person = _speaker(intro.sentence, "")
    spoken = (
        bool(_SPOKEN.search(intro.sentence))
        or person
        or bool(_SAID_HERE.search(intro.sentence) and names_person(intro.sentence))
    )
    framed = kind_spoke is not None and not person
    issued = (
        None if joint else find_issuer(intro.lead_in, intro.sentence, spoken=spoken, framed=framed)
    )
    together = _issued_together(issued.name, gazetteer) if issued else ()
    if together:
        joint, joint_sides, issued = (
            True,
            tuple(Attribution(p, "named-together") for p in together),
            None,
        )
    issuer = issued.name if issued else None
    sent = found.kind in _SENT
    speaks_for = None if joint else issuer_party(issued, gazetteer, home, sent=sent)
    between = () if joint or issued else _between(intro.lead_in, gazetteer, _BETWEEN_PEOPLE)
    if between:
        # "A press statement on strategic dialogue between Choe Son Hui, foreign minister of
        # the DPRK, and Sergei Lavrov, foreign minister of the Russian Federation, was
        # issued": nobody else issued it, so it is both sides'.
        joint, joint_sides = True, tuple(Attribution(p, "named-together") for p in between)
    sides = joint_sides if joint else ((speaks_for,) if speaks_for else ())
    parties = tuple(side.party for side in sides)
    signed_year, signed_from = _signed_year(signing, published) if signing else (None, None)
    texts = [intro.first_point, *paragraphs[intro.index + 1 :]]
    speech = found.kind == "speech"
    stretches = speech and not _FULL_TEXT.search(intro.sentence)
    points = _points(
        texts,
        parties,
        vocabularies,
        home,
        stretches=stretches,
        speaker=issued.name if issued else None,
    )
    if not points:
        return None
    if (
        intro.first_point
        and len(intro.sentence.split()) > _BARE_INTRO
        and [point.text for point in points] == [intro.first_point]
    ):
        return None  # words quoted inside a narrative paragraph, then the report goes on
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
        issuer_party=speaks_for.party if speaks_for else None,
        sides=sides,
        signatories=signatories,
        points=points,
    )
