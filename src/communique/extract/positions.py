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

__all__ = ["Clause", "find_clause", "holders", "is_joint_subject"]

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
