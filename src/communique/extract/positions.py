"""Who holds the position a point states, and which paragraphs state none.

A document states its own parties' positions. A point is held by some of them alone when one
is the subject of a verb of stance ("In particular, the DPRK stated ..." in a joint
declaration); "both sides" and its kin mean every party of the document; anything else ("All
peoples of the world should ...", or "The U.S. claimed ..." in a Foreign Ministry statement)
is the position of the document's own parties. A document whose parties are unknown gives
points whose holders are unknown: no party is guessed.

Not every paragraph after an introduction is a point: forms of address ("Your Excellency,"),
closing formulas ("Please accept ..."), subheadings and signatures, and the reporter's own
narration ("The message wished ...", "He went on:") state no position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.gazetteer import Gazetteer
from communique.extract.patterns import any_of
from communique.extract.records import Attribution, PartyRef
from communique.extract.vocabulary import (
    ADVERBS,
    AUXILIARIES,
    DOCUMENT_KINDS,
    JOINT_SUBJECTS,
    KIND_ALIASES,
    NEWSPAPERS,
    PARTICLE_VERBS,
    STANCE_PARTICIPLES,
    STANCE_VERBS,
    SUBJECT_VERBS,
)

__all__ = [
    "Clause",
    "ends_document",
    "find_clause",
    "holders",
    "is_joint_subject",
    "not_a_point",
    "reintroduces",
]

_DOCUMENT_WORDS = "|".join(
    re.escape(word) for word in sorted({*DOCUMENT_KINDS, *KIND_ALIASES, "paper"}, key=len)[::-1]
)
_NEWSPAPERS = "|".join(re.escape(name) for name in NEWSPAPERS)
_TELLS = (
    r"said|says|noted|notes|stressed|stresses|expressed|expresses|wished|wishes|hoped|hopes|"
    r"added|adds|went\s+on|goes\s+on|continued|continues|pointed\s+out|points\s+out|referred|"
    r"refers|underscored|underscores|emphasized|emphasizes|emphasised|called|calls|urged|urges|"
    r"disclosed|discloses|concluded|concludes|extended|extends|conveyed|conveys|praised|praises|"
    r"mentioned|mentions|recalled|recalls|stated|states|reads"
)
_SPEAKERS = (
    r"chairman|chairwoman|president|premier|minister|foreign\s+minister|secretary|general\s+"
    r"secretary|marshal|leader|ambassador|speaker|spokes(?:man|woman|person)"
)
_NARRATION = re.compile(
    rf"^(?:(?:The|This|His|Her|Its|Their)\s+(?:[A-Z][\w-]+\s+)?"
    rf"(?:{_DOCUMENT_WORDS}|(?i:{_SPEAKERS}))\s+(?:also\s+|then\s+|further\s+)?(?:{_TELLS})\b"
    rf"|(?:Saying|Referring|Noting|Stressing|Pointing\s+out|Emphasizing|Emphasising|"
    rf"Underlining|Underscoring|Expressing|Adding)\b(?!.*\b(?:I|my|me)\b)"
    rf"|In\s+(?:the|his|her|its|their)\s+(?:{_DOCUMENT_WORDS})\b"
    rf"|(?:He|She)\s+(?:also\s+|then\s+|further\s+)?(?:{_TELLS})\b"
    rf"|(?:{_NEWSPAPERS})\s+(?:\w+day\s+)?(?:also\s+)?(?:{_TELLS})\b"
    rf"|[^,.;:]{{1,100}}?\bin\s+(?:the|an?|his|her|its|their)\s+(?:{_DOCUMENT_WORDS})\s+"
    rf"(?:also\s+)?(?:{_TELLS})\b)"
)
"""The reporter speaking of the document, not the document speaking: "The message wished
Kim Jong Un good health", "In the letter, the members noted ...", "He went on:", "Referring
to ..., he said that ..."."""
_SPEECH_NARRATION = re.compile(
    rf"^(?:(?:The|A|An)\s+(?:[A-Z][\w-]+\s+|first\s+|former\s+|vice[\s-]+)?(?i:{_SPEAKERS})\b"
    rf"[^.;:]{{0,160}}?\s(?:also\s+)?(?:{_TELLS})\b"
    r"|Meanwhile\b"
    r"|[A-Z]\w+ing\b[^.;:]{0,200}?,\s+(?:he|she)\s+[a-z]+"
    r"|Upon\s+\w+ing\b)"
    r"|\bsaying\s+that\b"
    r"|\b(?:was|were)\s+(?:adopted|held|conveyed|sent|read\s+out|given|presented|laid)\b"
    r"|\b(?:said|stressed|noted|added|emphasized|underscored|stated)\s+that\b"
)
"""In a speech the speaker says "I" and "we": the reporter's third person around it ("The first
secretary of ... said that ...", "Going round the site, he learned ...") is narration."""
_REPORTED = re.compile(
    rf"\b(?:he|she)\s+(?:also\s+)?(?:{_TELLS})(?:\s+that\b|,\s+(?:and\s+)?(?:\w+ing|"
    rf"continued|went\s+on|added)\b|\s*:$)"
    rf"|\b(?:and\s+)?(?:said|continued|went\s+on|added|noted|stressed)\s*:$"
    rf"|,\s*(?:[A-Z][\w'\u2019-]+\s+){{1,3}}(?:said|stressed|noted|added),\s"
    rf"|\b(?i:the)\s+(?i:{_SPEAKERS})\b[^.]{{0,200}}?\b(?:said|stressed|noted)\s+that\b"
)
"""Reported speech inside a paragraph: "..., he said that ...", "..., he said, calling for
...", "He analyzed the work and said:"."""
_REPORTING_WORDS = (" he ", " she ", "said", "stressed", "noted", "added")


def _may_report(text: str) -> bool:
    """Whether `_REPORTED` can match at all: plain substring tests, four times cheaper than
    the expression over the many paragraphs that hold none of its words."""
    return text.endswith(":") or any(word in text for word in _REPORTING_WORDS)


_FIRST_PERSON = re.compile(r"\b(?:I|me|my|we|We|us|our|Our|ours)\b")
_THIRD_PERSON = re.compile(r"\b(?:he|He|his|His|him|she|She|her|Her)\b")
"""A speaker says "I" and "we"; the reporter, "he" and "his"."""
_REINTRODUCES = re.compile(
    r"\b(?:said|says|added|continued|went\s+on|stressed|noted|adding|continuing|stressing|"
    r"noting|saying)\s*:$"
)
_QUOTE_GOES_ON = re.compile(r":\s+\S.{20,}")
_FORMULAS = frozenset(
    ["how are you?", "thank you.", "thank you!", "thank you very much.", "thank you all."]
)
_CLOSING = re.compile(
    r"^(?:Please\s+accept|Accept,?\s+(?:Your|Mr\.|Madam)|(?:Yours\s+)?(?:Sincerely|Respectfully|"
    r"Faithfully)|(?:With\s+)?(?:my\s+)?(?i:best|warm|warmest|deep|deepest|high|highest|sincere)"
    r"\s+(?:regards|wishes|respect|consideration)\b)"
)
_ENDS_A_STATEMENT = re.compile(r"[.!?:;][\"\u201d\u2019')\]]*$")
_END_MARK = re.compile(r"\s*-0-\s*$")
_HEADING_WORDS = 20


_ENDED = re.compile(
    rf"^(?:(?:When|After|As\s+soon\s+as)\s+(?:his|her|the|its|their)\s+(?:{_DOCUMENT_WORDS})\s+"
    r"(?:was\s+over|ended|was\s+finished|was\s+concluded|concluded)"
    rf"|(?:After|Following|At\s+the\s+end\s+of)\s+(?:his|her|the|its|their)\s+"
    rf"(?:{_DOCUMENT_WORDS})\b"
    rf"|The\s+(?:{_DOCUMENT_WORDS})\s+was\s+(?:followed|greeted|received|over)\b)"
)
"""The reporter saying the document is over: "When his speech was over, ..."."""


def ends_document(paragraph: str) -> bool:
    """Whether a paragraph says the document is over: it and the rest are the report's."""
    return bool(_ENDED.match(paragraph))


def not_a_point(paragraph: str, *, spoken: bool = False, fresh: bool = False) -> str | None:
    """Why a paragraph after an introduction states no position, or None when it is a point
    (see the docstring of the module): "formula" (an address ends with a comma), "heading"
    (a heading or signature ends with no stop), or "narration" (the reporter's words).
    `spoken`: the document is a speech, around which the reporter speaks of the speaker;
    `fresh`: the paragraph comes right after "he said:", so its "he" is the speaker's own
    words about someone, not the reporter's."""
    text = _END_MARK.sub("", paragraph).strip()
    if not text or text.endswith(",") or text.casefold() in _FORMULAS or _CLOSING.match(text):
        return "formula"
    if not _ENDS_A_STATEMENT.search(text) and len(text.split()) <= _HEADING_WORDS:
        return "heading"
    if _NARRATION.match(text):
        return "narration"
    if (
        spoken
        and not fresh
        and not _QUOTE_GOES_ON.search(text)
        and (
            _SPEECH_NARRATION.search(text)
            or (_THIRD_PERSON.search(text) and not _FIRST_PERSON.search(text))
        )
    ):
        return "narration"
    if not _may_report(text):
        return None
    reported = _REPORTED.search(text)
    # "..., he said, adding: <his words>": the quotation goes on in the same paragraph; and
    # a speaker's own "our purpose ..., he said, adding ..." is still his words.
    if (
        reported is not None
        and not _QUOTE_GOES_ON.search(text, reported.end())
        and not (spoken and _FIRST_PERSON.search(text))
    ):
        return "narration"
    return None


def reintroduces(paragraph: str) -> bool:
    """Whether a paragraph hands back to the speaker ("He then continued:", "After indicating
    the tasks, Kim Jong Un went on:"): a speech quoted in stretches resumes after it."""
    return bool(_REINTRODUCES.search(paragraph.strip()))


_CLAUSE = re.compile(
    rf"^(?P<subject>[^,;:]{{1,80}}?)\s+"
    rf"(?P<helpers>(?:(?:{any_of(AUXILIARIES | ADVERBS)})\s+(?:not\s+)?)*)"
    rf"(?P<verb>{any_of(SUBJECT_VERBS)})\b\s*(?P<next>\w*)"
)
# A determiner alone is no subject: "The launch failed" has read "launch" as the verb.
_DETERMINERS = frozenset("the a an this that these those its their such".split())
_BE = frozenset(["be", "been", "being", "is", "are", "was", "were"])
# Words that cannot open a subject: a clause that starts with them is not the point's
# subject ("At a ... summit", "and that Germany").
_NOT_SUBJECT_START = frozenset(
    [
        "and",
        "that",
        "but",
        "which",
        "if",
        "when",
        "as",
        "while",
        "because",
        "so",
        "or",
        "at",
        "in",
        "on",
        "of",
        "for",
        "with",
        "by",
        "from",
        "after",
        "before",
        "during",
        "under",
        "amid",
        "according",
        "to",
    ]
)
_JOINT = re.compile(
    r"\b(?:" + "|".join(re.escape(subject) for subject in JOINT_SUBJECTS) + r")\b",
    re.IGNORECASE,
)
_MAX_SUBJECT_WORDS = 8
_OPENING_PHRASES = 2
"""How many opening phrases ("In particular, ...") may stand before the subject."""


# Asides between the subject and its verb: "Russia, for its part, supports ...".
_PARENTHETICAL = re.compile(
    r",\s*(?:for (?:its|their) (?:own )?part|on (?:its|their) part|in (?:its|their) turn|in turn|"
    r"too|also|likewise|in particular|on the other hand|as before|as ever|as always),(?=\s)"
)


@dataclass(frozen=True)
class Clause:
    subject: str
    verb: str
    stance: bool


def is_joint_subject(subject: str) -> bool:
    return _JOINT.search(subject) is not None


def _clauses(point: str) -> list[Clause]:
    """Candidate clauses: the point itself and what follows each of its first commas."""
    candidates = [_PARENTHETICAL.sub("", point, count=1)]
    for _ in range(_OPENING_PHRASES):
        _, comma, tail = candidates[-1].partition(", ")
        if not comma:
            break
        candidates.append(tail)
    found = []
    for candidate in candidates:
        match = _CLAUSE.match(candidate)
        if match is None:
            continue
        subject = match.group("subject")
        words = subject.split()
        if (
            len(words) > _MAX_SUBJECT_WORDS
            or (
                words[0][:1].islower()
                and words[0].casefold() not in _DETERMINERS
                and not is_joint_subject(subject)
            )
            or words[0].casefold() in _NOT_SUBJECT_START
            or (len(words) == 1 and words[0].casefold() in _DETERMINERS)
            or subject.endswith(("'s", "\u2019s"))
        ):
            continue
        found.append(Clause(subject, match.group("verb"), _is_stance(match)))
    return found


def _is_stance(match: re.Match[str]) -> bool:
    verb = match.group("verb")
    helpers = set(match.group("helpers").split())
    if helpers & _BE:
        return verb in STANCE_PARTICIPLES
    if verb in PARTICLE_VERBS:
        return match.group("next") in PARTICLE_VERBS[verb]
    return verb in STANCE_VERBS


def find_clause(point: str, gazetteer: Gazetteer, home: PartyRef | None) -> Clause | None:
    """The clause whose subject says who acts. A subject that names a party or both sides
    wins over one that does not ("All peoples of the world" is kept when nothing better is)."""
    clauses = _clauses(point)
    for clause in clauses:
        if is_joint_subject(clause.subject) or gazetteer.mentions(clause.subject, home):
            return clause
    return clauses[0] if clauses else None


def holders(
    clause: Clause | None,
    document_parties: tuple[PartyRef, ...],
    gazetteer: Gazetteer,
    home: PartyRef | None,
) -> tuple[Attribution, ...]:
    """Who holds a point, each with its rule: the document's parties its subject names before
    a verb of stance; every party of the document for "both sides"; else the document's own
    parties (none when the document's are unknown)."""
    if clause is not None and is_joint_subject(clause.subject):
        return tuple(Attribution(party, "both-sides") for party in document_parties)
    named = gazetteer.mentions(clause.subject, home) if clause and clause.stance else ()
    if not named or not set(named) <= set(document_parties):
        # No party of the document takes a stance of its own here: the document speaks.
        return tuple(Attribution(party, "document") for party in document_parties)
    order = {party.slug: index for index, party in enumerate(document_parties)}
    ranked = sorted(named, key=lambda party: order.get(party.slug, len(order)))
    return tuple(Attribution(party, "stance-subject") for party in ranked)
