"""Who issued a published document, and which party, if any, it speaks for.

The issuer is found where the article names it: the subject of "issued", "released", "said:"
or "in a statement"; the paper that "carries an article" or "says, and goes on:"; whoever the
document is "of", "by", "from" or "released by"; its owner ("Kim Jong Un's speech"); for a
speech introduced by "He said:" or "the chairperson said:", the official the lead names.

The party comes only from what the text says of the issuer, never from the agency that
reports it: a state or an organ of one named in the issuer's description (the last one, so
"director of the Department of U.S. Affairs of the Foreign Ministry of the DPRK" is the DPRK's),
leaving out places ("Koreans in Japan", "the mission of the DPRK at the UN") and political
parties named after a state that are not its organs ("the Communist Party of the Russian
Federation"). A person without an office (an analyst, a former official) and a newspaper that
is no state organ speak for no state. A state office named without its state ("the Foreign
Ministry") in the text of an agency of that state is the agency's state's, by the agencies'
own convention, and the rule "home-office" says so. When nothing says, the party is unknown:
None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.dateline import MONTH_PATTERN
from communique.extract.gazetteer import Gazetteer
from communique.extract.records import SPEAKING_KINDS, Attribution, PartyRef
from communique.extract.text import sentences
from communique.extract.vocabulary import DOCUMENT_KINDS, NEWSPAPERS

__all__ = [
    "Issuer",
    "find_issuer",
    "issuer_party",
    "names_person",
    "official_in",
    "paper_speaking",
]

_KINDS = "|".join(re.escape(kind) for kind in (*DOCUMENT_KINDS, "editorial"))
_WHEN = rf"(?:(?:on\s+)?\w+day\s+|jointly\s+|today\s+|on\s+(?:{MONTH_PATTERN})\.?\s+\d{{1,2}}\s+)?"
_ISSUING = re.compile(
    rf"^(?P<issuer>[A-Z\"\u201c][^:;]{{2,200}}?),?\s+{_WHEN}"
    r"(?:(?:issued|released|made\s+public|published|sent|gave|delivered|announced|adopted|"
    rf"made)\b(?=[^.:;]{{0,80}}?\b(?:following|{_KINDS})s?\b)"
    r"|(?:states|stated|says|said|declared|declares)(?:\s+as\s+follows)?"
    r"(?:\s+on\s+(?:the\s+spot|\w+(?:\s+\d{1,2})?))?\s*:"
    # "A spokesman for the ... Committee in a statement on Friday termed ..."
    rf"|in\s+(?:an?|its|his|her|their)\s+(?:[\w-]+\s+){{0,3}}?(?:{_KINDS})s?\b"
    r"|editorially\s+\w+"
    # "Rodong Sinmun Friday dedicates an article to ...", "... paper Patriot carried an article"
    r"|(?:dedicates|dedicated|carries|carried|runs|ran|publishes|features|featured)\s+"
    rf"(?:an?\s+|the\s+|its\s+)?(?:[\w-]+\s+){{0,3}}?(?:{_KINDS})s?\b)"
)
_POSSESSIVE = re.compile(
    r"(?P<issuer>(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)['\u2019]s\s+(?:[\w-]+\s+){0,3}?"
    rf"(?:{_KINDS})s?\b"
)
"""The issuer as the owner: "the full text of Kim Jong Un's important speech"."""
_PAPERS = "|".join(re.escape(name) for name in NEWSPAPERS)
_PAPER_VERBS = r"(?:says|said|notes|noted|writes|wrote|stresses|stressed)"
_PAPER_SAYS = re.compile(
    rf"\b{_PAPER_VERBS}\s+(?P<issuer>{_PAPERS})\b"
    rf"|\b(?P<before>{_PAPERS})\s+(?:(?:on\s+)?\w+day\s+|today\s+)?{_PAPER_VERBS}\b"
)
"""A paper saying what the article quotes: "..., says Rodong Sinmun, and goes on:", "...,
Rodong Sinmun Monday says in an article, and goes on:"."""
_PAPER_NAMED = re.compile(rf"\b(?:{_PAPERS})\b")
_SAYS_WHO = re.compile(
    r"\b(?:says|said|notes|noted|stresses|stressed|writes|wrote)\s+"
    r"(?P<issuer>[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){0,5})\s+"
    rf"{_WHEN}in\s+an?\s+(?:[\w-]+\s+){{0,3}}?(?:{_KINDS})s?\b"
)
"""The issuer after its verb: "..., says Rodong Sinmun Monday in an editorial article."."""
_KIND_OF = re.compile(
    rf"\b(?:{_KINDS})\s+(?:of\s+(?:greeting|congratulation|sympathy|condolence|thanks)s?\s+)?"
    r"(?:[\"\u201c][^\"\u201c\u201d]{1,300}[\"\u201d]\s+)?"
    r"(?:(?:released|issued|published|made\s+public|sent|adopted|signed|contributed|written)"
    r"\s+by|of|by|from)\s+"
    r"(?P<issuer>(?:the\s+|an?\s+)?[\w'\u2019.-]+(?:\s+(?:\([\w.'\u2019 -]{1,40}\)|[\w'\u2019.-]+))"
    r"{0,14}?)"
    r"(?=\s+(?:titled|entitled|noted|said|says|stated|states|which|was|is|on)\b|"
    r"[,.;:\"\u201c]|$)",
    re.IGNORECASE,
)
_SPOKESPERSON = re.compile(
    r"^(?:an?|the)\s+(?:unnamed\s+)?spokes(?:person|man|woman)\s+(?:for|of)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_ENDS_WITH_KIND = re.compile(rf"\b(?:{_KINDS})s?$", re.IGNORECASE)
# A quoted title or "the full text of ..." is the document speaking, not its issuer.
_NOT_ISSUER = re.compile(r"[\"\u201c\u201d]|^full text\b", re.IGNORECASE)
_PRONOUNS = frozenset({"it", "he", "she", "they", "this", "we", "i"})
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TRAILING = re.compile(
    rf"\s(?:on\s)?(?:\w+day|today|(?:{MONTH_PATTERN})\.?\s\d{{1,2}})$"
    r"|\s(?:says|said|notes|noted|writes|wrote|stresses|stressed)$"
    r"|\sin\san?\s[\w\s-]{0,30}$"
)
_TAIL = 60
"""When and how it spoke, not who: "Rodong Sinmun on Thursday says". One ending at a time,
sought in the last `_TAIL` characters only, so that a long description costs no more than a
short one (the words are single-spaced by then)."""


def _without_trailing(text: str) -> str:
    """`text` without the `_TRAILING` endings it has, however many."""
    while True:
        tail = text[-_TAIL:]
        match = _TRAILING.search(tail)
        if match is None:
            return text
        text = text[: len(text) - len(tail) + match.start()]


_OFFICES = (
    r"minister|secretary|president|vice-president|chairman|chairwoman|chairperson|premier|"
    r"director|ambassador|spokes(?:man|woman|person)|chief|head|commander|marshal|king|queen|"
    r"emperor|sultan|emir|governor|envoy|leader|speaker|chancellor|foreign minister"
)
_OPENING_PHRASE = re.compile(
    r"^(?:[A-Z]\w*ing|After|Before|When|While|As|In|At|On|During|Then|Later|Here)\b"
)
"""A phrase that opens a sentence before its subject."""
_TITLED = re.compile(
    r"\b(?:Comrade|Marshal|President|Chairman|General Secretary|Premier|Foreign Minister|"
    r"Minister|Vice-Minister|Ambassador|Director|Secretary|King|Queen|Prime Minister)\s+"
    r"(?P<name>[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+){1,3})"
)
"""A person named after a title: "Chairman Kim Jong Il", "Comrade Kim Jong Un"."""
_OFFICIAL = re.compile(
    r"(?P<name>[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+){1,3}),\s+"
    rf"(?P<office>[^,;:]*?\b(?:{_OFFICES})\b[^;:]*?),\s"
)
"""A person named with an office: "Choe Son Hui, foreign minister of the DPRK, attended"."""
_BARE_OFFICE = re.compile(rf"(?i:(?:vice-|first\s+)?(?:{_OFFICES}))")
_SPEAKING_OFFICE = re.compile(
    rf"\bthe\s+(?P<office>(?:{_OFFICES}))\s+(?:said|says|stated|stressed|noted|added|continued|"
    r"went\s+on)\b",
    re.IGNORECASE,
)
"""The office an introduction names its speaker by: "..., the chairperson said, stressing:"."""
_NO_OFFICE = re.compile(
    r"\b(?:analyst|observer|researcher|journalist|writer|scholar|professor|expert|"
    r"critic|reporter|correspondent|columnist|historian|author|participant|former|personage|"
    r"personalit(?:y|ie)|public figure)s?\b",
    re.IGNORECASE,
)
"""Roles that speak for nobody but the person: an analyst "of the DPRK" is no state body, and
a former official holds no office (a "military commentator of the DPRK" writes as one, and is
taken to)."""
_MEDIA = re.compile(
    r"\b(?:paper|newspaper|daily|magazine|journal|weekly|website|news agency|TV|television|"
    r"radio|broadcaster)\b",
    re.IGNORECASE,
)
"""Media speak for a state only when the gazetteer knows them as its organs."""
_POLITICAL_PARTY = re.compile(
    r"(?:[A-Z][\w'\u2019-]*\s+){1,4}Party\s+of\s+(?:the\s+)?[A-Z][\w'\u2019-]*"
    r"(?:\s+[A-Z][\w'\u2019-]*)*"
)
_PHRASE_END = re.compile(
    rf"\s(?:for\s+\w+ing|on\s+(?:the\s+occasion|\w+day|(?:{MONTH_PATTERN})\b)|in|at|to|with|who|"
    r"which|that|during|after|before|over|against)\s"
)
"""Where the words describing an issuer end: "a group of Koreans | in Japan | for celebrating
the 76th birthday of the DPRK" belongs to no state; places and purposes say nothing of whom
the issuer speaks for."""
_CIVIL = re.compile(
    r"\b(?:Friendship|Solidarity)\s+(?:Association|Society|Committee|Group|Federation|Union)\b"
    r"|\bfor\s+(?:the\s+)?Study\s+of\b|\bStudy\s+Group\b|\bCommittee\s+for\s+Supporting\b"
    r"|\bSupport\s+Committee\b|\bPreparatory\s+Committee\b"
)
"""Names of civil organisations, which speak for no state whatever state their name holds
("Thailand-DPRK Friendship Association", "Swiss Committee for Supporting the Independent and
Peaceful Reunification of Korea"), unless the gazetteer knows them otherwise."""
_SENTENCE = re.compile(r"\s(?:is|are|was|were|has|have|had|will|would)\s")
"""A finite verb: words with one are a sentence, not a name."""
_STATE_OFFICE = re.compile(
    r"\b(?:Foreign\s+Ministry|Ministry|Minister|Premier|Cabinet|Government|Embassy|Permanent\s+"
    r"Mission|General\s+Staff|Supreme\s+Command|Armed\s+Forces|State\s+Affairs)\b"
)
"""Offices of a state. An agency names its own state's without the state ("Premier Kim Tok
Hun", "a spokesman for the Foreign Ministry") and a foreign state's with it ("Sergei Lavrov,
foreign minister of the Russian Federation"): an office named bare in the agency's own text is
its home state's, and the rule "home-office" says the attribution rests on that convention."""
_OF_SOMEONE = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?[A-Z]")
"""An office of someone the gazetteer does not know ("the Foreign Ministry of Abkhazia") is
not the agency's own."""
_STUDIED = re.compile(r"\b(?:[A-Z][\w.'\u2019-]*\s+){1,3}(?:Affairs|Studies)\b")
"""What a department or institute deals with ("Department of U.S. Affairs", "Institute for
American Studies") names no party of the issuer's."""
_SUBJECT_MATTER = re.compile(r"^\s+(?:Affairs|Studies|Issues|Relations)\b")
"""A state named as what a department studies ("Department of U.S. Affairs") is not its."""
_PLACE_BEFORE = re.compile(r"\b(?:in|at|to|across|near|against)\s+(?:the\s+)?$", re.IGNORECASE)
"""A state named as a place, not as the issuer's own: "Koreans in Japan", "at the UN"."""


@dataclass(frozen=True)
class Issuer:
    name: str
    described: str
    """All the text says of the issuer ("Kim Yo Jong, vice department director of ...")."""


def _clean(issuer: str) -> str | None:
    opening, comma, rest = issuer.partition(", ")
    if comma and _OPENING_PHRASE.match(opening):
        issuer = rest  # "Looking at the official kindly, the Chairman"
    sentence, comma, last = issuer.rpartition(", ")
    if (
        comma
        and _SENTENCE.search(f" {sentence} ")
        and last[:1].isupper()
        and len(last.split()) <= 5
    ):
        issuer = last  # "This is touching off indignation, Rodong Sinmun (in a commentary says)"
    first = issuer.split()[0] if issuer.split() else ""
    # A piece of a sentence ("adequately demonstrates ..."), not a name.
    fragment = (first[:1].islower() and first.casefold() not in {"the", "a", "an"}) or bool(
        _OPENING_PHRASE.match(issuer)
    )
    issuer = _LEADING_ARTICLE.sub("", _SPOKESPERSON.sub("", issuer.strip())).strip(" ,")
    issuer = _without_trailing(issuer).strip(" ,")
    last_word = issuer.rsplit(maxsplit=1)[-1].casefold() if issuer else ""
    if (
        fragment
        or not issuer
        or last_word in _PRONOUNS
        or _ENDS_WITH_KIND.search(issuer)
        or _NOT_ISSUER.search(issuer)
    ):
        return None  # "It says:", "The press statement says:" name no issuer
    return issuer


def paper_speaking(text: str) -> str | None:
    """The newspaper `text` says is speaking ("says Rodong Sinmun"), if any."""
    said = _PAPER_SAYS.search(text)
    return (said.group("issuer") or said.group("before")) if said is not None else None


def names_person(text: str) -> bool:
    """Whether `text` names a person by title or office ("The respected Comrade Kim Jong Un
    said on the spot:")."""
    return bool(_TITLED.search(text) or _OFFICIAL.search(text))


def official_in(lead_in: str, title: str | None = None) -> Issuer | None:
    """The first person the lead names with an office (`title`, when given): who "He said:"
    or "the Chairman said:" refers to."""
    wanted = title.casefold() if title else None
    for match in _OFFICIAL.finditer(lead_in):
        office = _LEADING_ARTICLE.sub("", match.group("office")).casefold()
        if wanted is None or office.startswith(wanted):
            return Issuer(match.group("name"), f"{match.group('name')}, {match.group('office')}")
    for match in _TITLED.finditer(lead_in):
        if wanted is None or match.group(0).casefold().startswith(wanted):
            return Issuer(match.group("name"), match.group(0))
    if title is not None:  # an official the lead names by office alone
        unnamed = re.search(
            rf"\b(?i:{re.escape(title)})\s+of\s+(?:the\s+)?[A-Z][\w'\u2019-]*"
            r"(?:\s+(?:of|for|and|the|on|[A-Z][\w'\u2019-]*))*",
            lead_in,
        )
        if unnamed is not None:
            return Issuer(unnamed.group(0), unnamed.group(0))
    return None


def _described(issuer: Issuer, lead_in: str) -> Issuer:
    """The issuer with the office the lead gives its name elsewhere: "Foreign Minister Choe
    Son Hui said:" after "Choe Son Hui, foreign minister of the DPRK, attended ..."."""
    for match in _OFFICIAL.finditer(lead_in):
        name = match.group("name")
        if name in issuer.name and match.group(0) not in issuer.described:
            return Issuer(issuer.name, f"{issuer.described}; {name}, {match.group('office')}")
    return issuer


def find_issuer(
    lead_in: str, intro: str = "", *, spoken: bool = False, framed: bool = False
) -> Issuer | None:
    """Who issued the document the lead introduces. `spoken`: the introduction refers back to
    a speaker ("He said:", "the foreign minister said, and went on:"), who is the official the
    lead names when no sentence names an issuer. `framed`: the introduction (`intro`) is the
    document's own words with its speaker after them ("..., the white paper says, stating:"),
    so its subject is no issuer."""
    told = lead_in[: len(lead_in) - len(intro)] if framed and lead_in.endswith(intro) else lead_in
    paper = paper_speaking(intro)
    if paper is not None:  # "..., says Rodong Sinmun, and goes on:"
        return Issuer(paper, paper)
    for sentence in reversed(sentences(told)):
        stripped = sentence.strip()
        if paper := paper_speaking(stripped):
            return Issuer(paper, paper)
        said = _SAYS_WHO.search(stripped) or _POSSESSIVE.search(stripped)
        if said is not None and (name := _clean(said.group("issuer"))):
            return _described(Issuer(name, name), lead_in)
        match = _ISSUING.match(stripped)
        if match is not None and (name := _clean(match.group("issuer"))):
            if _BARE_OFFICE.fullmatch(name):  # "the Chairman said:": the one the lead names
                return official_in(lead_in, name)
            return _described(Issuer(name, name), lead_in)
    for match in _KIND_OF.finditer(lead_in):
        if name := _clean(match.group("issuer")):
            described = re.split(r"(?<=[a-z0-9)])[.;:]", lead_in[match.start("issuer") :])[0]
            return Issuer(name, _without_trailing(described.strip()))
    if framed:
        # "Citing the data, the commentary goes on:" after "Minju Joson Thursday terms it
        # ...": the paper the lead names speaks.
        for sentence in reversed(sentences(told)):
            if named := _PAPER_NAMED.search(sentence):
                return Issuer(named.group(0), named.group(0))
    if not spoken:
        return None
    titled = _SPEAKING_OFFICE.search(intro)
    return official_in(lead_in, titled.group("office") if titled else None)


def issuer_party(
    issuer: Issuer | None, gazetteer: Gazetteer, home: PartyRef | None, *, sent: bool
) -> Attribution | None:
    """The party an issuer speaks for and the rule that says so ("sender" for what is `sent`,
    a message or letter, else "issuer"; "home-office" for a state office the agency's own
    text names without its state); None when the text does not say (see the module's
    docstring)."""
    if issuer is None:
        return None
    described = "; ".join(
        _PHRASE_END.split(part, maxsplit=1)[0] for part in issuer.described.split("; ")
    )
    if _NO_OFFICE.search(described):
        return None
    # An organisation the gazetteer knows is named whole ("the Ministry of Foreign Affairs of
    # the DPRK"); only then are what departments deal with taken out of the description.
    party = _named_party(described, gazetteer)
    if party is None or party.kind in SPEAKING_KINDS:
        described = _STUDIED.sub("", described)
        party = _named_party(described, gazetteer)
    if party is not None and party.kind in SPEAKING_KINDS and _CIVIL.search(issuer.described):
        return None  # a friendship association named after two states speaks for neither
    if party is not None:
        return Attribution(party, "sender" if sent else "issuer")
    office = _STATE_OFFICE.search(described)
    if home is not None and office is not None and not _OF_SOMEONE.match(described, office.end()):
        return Attribution(home, "home-office")
    return None


def _restated(text: str, span: tuple[int, int, PartyRef]) -> bool:
    """Whether the name at `span` stands in brackets right after another ("... (DPRK)")."""
    start, end, _ = span
    return text[:start].endswith("(") and text[end : end + 1] == ")" and start > 1


def _named_party(described: str, gazetteer: Gazetteer) -> PartyRef | None:
    """The party an issuer's description names as its own: the last state or organ it
    names, leaving out places and political parties named after a state."""
    organs = gazetteer.organ_spans(described)
    named: list[tuple[int, int, PartyRef]] = []
    if not _MEDIA.search(described):
        parties = [m.span() for m in _POLITICAL_PARTY.finditer(described)]
        named = [
            (start, end, party)
            for start, end, party in gazetteer.spans(described)
            if not _PLACE_BEFORE.search(described[:start])
            and not _SUBJECT_MATTER.match(described[end:])
            and not described[:start].endswith(("Institute for ", "Studies of "))
            and not any(left <= start < right for left, right in parties)
        ]
        if not named and not organs and not parties:
            adjectives = gazetteer.adjectives_in(described)
            return adjectives[-1] if adjectives else None
    # A state named inside an organisation's name ("the DPRK Foreign Ministry") is the
    # organisation's state: the organisation, the more specific party, stands for both. A
    # name in brackets after another restates it ("the Korean People's Army (KPA)").
    named = [
        span for span in named if not any(left <= span[0] < right for left, right, _ in organs)
    ]
    organs = [span for span in organs if not _restated(described, span)]
    named = [span for span in named if not _restated(described, span)]
    found = sorted([*organs, *named], key=lambda span: span[0])
    if organs and organs[0][0] == 0:
        # The description opens with a party the gazetteer knows ("Kim Jong Un, general
        # secretary of the WPK and ...", "the Ministry of Foreign Affairs of the DPRK (DPRK)"):
        # that is the issuer itself, the most specific party named.
        return organs[0][2]
    return found[-1][2] if found else None
