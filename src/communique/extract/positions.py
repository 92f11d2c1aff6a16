"""Who holds the position a point states.

A document states its own parties' positions. A point is held by some of them alone when one
is the subject of a verb of stance ("In particular, the DPRK stated ..." in a joint
declaration); "both sides" and its kin mean every party of the document; anything else ("All
peoples of the world should ...", or "The U.S. claimed ..." in a Foreign Ministry statement)
is the position of the document's own parties. A document whose parties are unknown gives
points whose holders are unknown: no party is guessed.
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
    JOINT_SUBJECTS,
    PARTICLE_VERBS,
    STANCE_PARTICIPLES,
    STANCE_VERBS,
    SUBJECT_VERBS,
)

__all__ = ["Clause", "find_clause", "head_of", "holders", "is_joint_subject"]

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


_POST_MODIFIER = frozenset(
    """
    at to in on for near against toward towards across over under into within without
    between among amid like than who whom whose which that where led headed based
    accredited stationed named called
    """.split()
)
"""Words after which a subject's head is over: "the countries | neighbouring Australia", "the
Permanent Mission of the DPRK | at the UN", "the delegation of the DPRK | headed by ...".
"of", "from" and "with" carry the head on ("the Foreign Minister of Russia", "delegates from
Russia", "Russia together with the DPRK"), and "and" begins a head of its own."""
_COORDINATED = re.compile(r"(?:;|,\s+(?:and|while|whereas|but)|\s+(?:while|whereas))\s+")
"""Where a point's next clause may begin: "Russia denounced ..., and China censured ..."."""


def head_of(subject: str) -> str:
    """The heads of a subject's conjuncts and what attaches to them by "of", "from" or
    "with": the words that say who acts, without the places, relations and descriptions that
    follow ("The DPRK embassy in Moscow and China" → "The DPRK embassy and China")."""
    return " and ".join(_head(conjunct) for conjunct in re.split(r"\s+and\s+", subject))


def _head(subject: str) -> str:
    words = subject.split()
    for index, word in enumerate(words):
        bare = word.strip(",").casefold()
        after_noun = index > 0 and words[index - 1].casefold() not in _DETERMINERS
        participle = bare.endswith("ing") and word[:1].islower() and after_noun
        if index and (bare in _POST_MODIFIER or participle):
            return " ".join(words[:index])
    return subject


@dataclass(frozen=True)
class Clause:
    subject: str
    verb: str
    stance: bool
    more: tuple[Clause, ...] = ()
    """The clauses coordinated after this one that name who acts ("..., and China censured
    ..."): each may add holders."""


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
        if is_joint_subject(clause.subject) or gazetteer.mentions(head_of(clause.subject), home):
            break
    else:
        return clauses[0] if clauses else None
    more = []
    for part in _COORDINATED.split(point[point.find(clause.subject) :])[1:]:
        for coordinated in _clauses(part)[:1]:
            if is_joint_subject(coordinated.subject) or (
                coordinated.stance and gazetteer.mentions(head_of(coordinated.subject), home)
            ):
                more.append(coordinated)
    return Clause(clause.subject, clause.verb, clause.stance, tuple(more))


def holders(
    clause: Clause | None,
    document_parties: tuple[PartyRef, ...],
    gazetteer: Gazetteer,
    home: PartyRef | None,
) -> tuple[Attribution, ...]:
    """Who holds a point, each with its rule: the document's parties the head of its subject
    names before a verb of stance (of each coordinated clause, when the first names one); every
    party of the document for "both sides"; else the document's own parties (none when the
    document's are unknown). A document's party is named by its own name or by the state it
    speaks for ("the DPRK" names the DPRK Foreign Ministry of a joint communique's sides)."""
    own = _named_by(clause, document_parties, gazetteer, home) if clause else None
    if own is None:
        # No party of the document takes a stance of its own here: the document speaks.
        return tuple(Attribution(party, "document") for party in document_parties)
    found = list(own)
    for coordinated in clause.more if clause else ():
        found.extend(_named_by(coordinated, document_parties, gazetteer, home, some=True) or ())
    chosen = {attribution.party for attribution in found}
    rules = {attribution.party: attribution.rule for attribution in reversed(found)}
    return tuple(Attribution(party, rules[party]) for party in document_parties if party in chosen)


def _named_by(
    clause: Clause,
    document_parties: tuple[PartyRef, ...],
    gazetteer: Gazetteer,
    home: PartyRef | None,
    *,
    some: bool = False,
) -> tuple[Attribution, ...] | None:
    """The document's parties one clause says hold its position, or None when it names none of
    them, or (unless `some`, for a clause after the first) names a party that is none of
    them."""
    if is_joint_subject(clause.subject):
        return tuple(Attribution(party, "both-sides") for party in document_parties)
    named = gazetteer.mentions(head_of(clause.subject), home) if clause.stance else ()
    if not named:
        return None
    chosen = []
    for party in named:
        matching = [p for p in document_parties if party in (p, p.voice)]
        if not matching and not some:
            return None
        chosen.extend(matching)
    if not chosen:
        return None
    return tuple(Attribution(party, "stance-subject") for party in dict.fromkeys(chosen))
