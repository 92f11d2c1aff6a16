"""Finding the parties a stretch of text names, by any of their aliases."""

from __future__ import annotations

import re

from communique.extract.records import PartyRef
from communique.extract.vocabulary import PARTY_ALIASES

__all__ = ["PARTY_ALIAS_PATTERN", "parties_in", "party_named"]

# Longest alias first, so that the regex alternation prefers the fullest name at a position.
PARTY_ALIAS_PATTERN = "|".join(
    re.escape(alias) for alias in sorted(PARTY_ALIASES, key=len, reverse=True)
)
_ALIAS = re.compile(rf"(?<![\w.])(?:{PARTY_ALIAS_PATTERN})(?![\w])")


def parties_in(text: str) -> tuple[PartyRef, ...]:
    """Every party named in `text`, once each, in order of first mention."""
    found: dict[str, PartyRef] = {}
    for match in _ALIAS.finditer(text):
        party = PARTY_ALIASES[match.group(0)]
        found.setdefault(party.slug, party)
    return tuple(found.values())


def party_named(name: str) -> PartyRef | None:
    """The party that `name` (slug, full name, short name or alias) stands for, ignoring case."""
    wanted = name.strip().casefold()
    for alias, party in PARTY_ALIASES.items():
        if wanted in (alias.casefold(), party.slug, party.name.casefold()):
            return party
    return None
