"""The gazetteer: parties and every name they go by, loaded from data files.

The packaged `data/gazetteer.toml` is the base; a user's file of the same shape extends it, so
a researcher can teach communique a party or an alias without touching the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.errors import CommuniqueError
from communique.extract.datafiles import packaged_table, read_table, strings
from communique.extract.records import PARTY_KINDS, SPEAKING_KINDS, PartyRef

__all__ = ["Gazetteer", "load_gazetteer"]

_APOSTROPHE = "['\u2019]"
PACKAGED = "gazetteer.toml"


def _straight(text: str) -> str:
    return text.replace("\u2019", "'")


@dataclass
class Gazetteer:
    parties: dict[str, PartyRef] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    """alias → slug"""
    adjectives: dict[str, str] = field(default_factory=dict)
    """adjective → slug ("Russian" → russia), for "the Russian side"."""
    home_phrases: list[str] = field(default_factory=list)
    """Phrases meaning the home party of the text's agency ("our side")."""
    own_phrases: dict[str, str] = field(default_factory=dict)
    """Phrases that mean one party, and only in that party's own texts: "the Korean side" is
    the DPRK in a KCNA article, but nobody in particular in a Xinhua one."""
    organs: dict[str, str] = field(default_factory=dict)
    """name → slug of the organisations and persons ("Workers' Party of Korea", "Rodong
    Sinmun", "Kim Jong Un"): found where an issuer is described, never as a state named."""
    notes: list[str] = field(default_factory=list)
    """One line for each user's file read in an older format, for the command to print."""

    def __post_init__(self) -> None:
        self._compile()

    def _compile(self) -> None:
        def alternation(words: list[str]) -> str:
            # Either apostrophe: texts write "People's" and "People\u2019s" alike.
            escaped = (re.escape(word).replace("'", _APOSTROPHE) for word in words)
            return "|".join(sorted(escaped, key=len, reverse=True))

        # Longest name first: the alternation then prefers "Democratic People's Republic of
        # Korea" to "Republic of Korea" at the same place.
        names = alternation(list(self.aliases)) or r"(?!x)x"
        sides = alternation(list(self.adjectives)) or r"(?!x)x"
        homes = alternation([*self.home_phrases, *self.own_phrases]) or r"(?!x)x"
        self.alias_pattern = names
        persons = [
            name for name, slug in self.organs.items() if self.parties[slug].kind == "person"
        ]
        bodies = [name for name, slug in self.organs.items() if self.parties[slug].kind != "person"]
        organs = alternation(bodies) or r"(?!x)x"
        people = alternation(persons) or r"(?!x)x"
        # A person's name before a capitalised word names something else: "Kim Il Sung
        # University", "Kim Il Sung Socialist Youth League".
        self._organ = re.compile(rf"(?<![\w.])(?:(?:{organs})|(?:{people})(?!\s+[A-Z]))(?![\w])")
        self._adjective = re.compile(rf"(?<![\w.])(?:{sides})(?![\w])")
        self._mention = re.compile(
            rf"(?<![\w.])(?:(?P<home>(?i:{homes}))|(?i:the)\s+(?P<adjective>{sides})\s+"
            r"(?:side|government|authorities|delegation|embassy|mission|ministry|president|"
            r"leadership)"
            rf"|(?P<alias>{names}))(?![\w])"
        )

    def merge(self, tables: dict[str, Any], origin: str) -> None:
        """Add the parties and aliases of one gazetteer file.

        An entry without a `kind` is a state, as every entry was before parties had kinds: a
        user's file of that format loads as it did, with one note in `notes`. An organisation's
        `state` may be any state known by then, from the packaged file or the same file."""
        self.home_phrases.extend(strings(tables, "home_phrases", origin))
        parties = tables.get("parties", {})
        if not isinstance(parties, dict):
            raise CommuniqueError(f"{origin}: [parties] must be tables keyed by slug")
        entries = {}
        for slug, entry in parties.items():
            if not isinstance(entry, dict):
                raise CommuniqueError(f"{origin}: parties.{slug} must be a table")
            entries[slug] = entry
        without_kind = 0
        # States first, so that an organisation may name a state of the same file.
        for slug, entry in sorted(
            entries.items(), key=lambda item: _kind(item[0], item[1], origin) != "state"
        ):
            known = self.parties.get(slug)
            if "kind" not in entry and known is None:
                without_kind += 1
            party = self._party(slug, entry, known, origin)
            self.parties[slug] = party
            names = [party.name, party.short_name, *strings(entry, "aliases", origin)]
            table = self.aliases if party.kind in SPEAKING_KINDS else self.organs
            for alias in names:
                table[alias] = slug
            for adjective in strings(entry, "adjectives", origin):
                self.adjectives[adjective] = slug
            for phrase in strings(entry, "home_phrases", origin):
                self.own_phrases[phrase.casefold()] = slug
            # Before organisations had entries of their own, a party listed its organs; such
            # names still mean the party itself.
            for organ in strings(entry, "organs", origin):
                self.organs[organ] = slug
        if without_kind and origin != PACKAGED:
            taken = (
                "1 entry has no kind and is taken as a state"
                if without_kind == 1
                else f"{without_kind} entries have no kind and are taken as states"
            )
            self.notes.append(f'{origin}: {taken} (kind = "..." says otherwise)')
        self._compile()

    def _party(
        self, slug: str, entry: dict[str, Any], known: PartyRef | None, origin: str
    ) -> PartyRef:
        name = entry.get("name", known.name if known else None)
        short_name = entry.get("short_name", known.short_name if known else None)
        if not isinstance(name, str) or not isinstance(short_name, str):
            raise CommuniqueError(f"{origin}: parties.{slug} needs a name and a short_name")
        kind = _kind(slug, entry, origin) if "kind" in entry or not known else known.kind
        state_slug = entry.get("state", known.state.slug if known and known.state else None)
        state = None
        if state_slug is not None:
            state = self.parties.get(state_slug) if isinstance(state_slug, str) else None
            if state is None or state.kind != "state" or kind in SPEAKING_KINDS:
                raise CommuniqueError(
                    f"{origin}: parties.{slug}: state = {state_slug!r} is no state this"
                    " gazetteer knows (only an organisation or person belongs to a state)"
                )
        speaks = entry.get("speaks_for_state", known.speaks_for_state if known else False)
        if not isinstance(speaks, bool) or (speaks and state is None):
            raise CommuniqueError(
                f"{origin}: parties.{slug}: speaks_for_state must be true or false, and true"
                " only with a state"
            )
        return PartyRef(slug, name, short_name, kind, state, speaks)

    def mentions(self, text: str, home: PartyRef | None = None) -> tuple[PartyRef, ...]:
        """Every party named in `text`, once each, in order of first mention."""
        found: dict[str, PartyRef] = {}
        for match in self._mention.finditer(text):
            party = self._party_of(match, home)
            if party is not None:
                found.setdefault(party.slug, party)
        return tuple(found.values())

    def _party_of(self, match: re.Match[str], home: PartyRef | None) -> PartyRef | None:
        if match.group("home"):
            own = self.own_phrases.get(_straight(match.group("home")).casefold())
            return home if own is None or (home is not None and home.slug == own) else None
        if match.group("adjective"):
            return self.parties[self.adjectives[_straight(match.group("adjective"))]]
        return self.parties[self.aliases[_straight(match.group("alias"))]]

    def spans(self, text: str, home: PartyRef | None = None) -> list[tuple[int, int, PartyRef]]:
        """Every mention of a party in `text` with where it stands, in order."""
        found = []
        for match in self._mention.finditer(text):
            party = self._party_of(match, home)
            if party is not None:
                found.append((match.start(), match.end(), party))
        return found

    def organ_spans(self, text: str) -> list[tuple[int, int, PartyRef]]:
        """Every organisation or person named in `text` ("the C.C., WPK"), with where it
        stands."""
        return [
            (m.start(), m.end(), self.parties[self.organs[_straight(m.group(0))]])
            for m in self._organ.finditer(text)
        ]

    def adjectives_in(self, text: str) -> tuple[PartyRef, ...]:
        """Parties whose adjective stands in `text` ("Chinese Foreign Ministry")."""
        found = (
            self.parties[self.adjectives[_straight(m.group(0))]]
            for m in self._adjective.finditer(text)
        )
        return tuple(dict.fromkeys(found))

    def named(self, name: str) -> PartyRef | None:
        """The party `name` stands for (slug, name, short name or alias), ignoring case."""
        wanted = _straight(name.strip()).casefold()
        if wanted in self.parties:
            return self.parties[wanted]
        for alias, slug in [*self.aliases.items(), *self.organs.items()]:
            if alias.casefold() == wanted:
                return self.parties[slug]
        return None


def _kind(slug: str, entry: dict[str, Any], origin: str) -> str:
    kind = entry.get("kind", "state")
    if kind not in PARTY_KINDS:
        raise CommuniqueError(
            f"{origin}: parties.{slug} has kind {kind!r}; the kinds are {', '.join(PARTY_KINDS)}"
        )
    return str(kind)


def load_gazetteer(extra: Path | None = None) -> Gazetteer:
    """The packaged gazetteer, extended by `extra` when given."""
    gazetteer = Gazetteer()
    gazetteer.merge(packaged_table(PACKAGED), PACKAGED)
    if extra is not None:
        gazetteer.merge(read_table(extra, "gazetteer"), str(extra))
    return gazetteer
