"""What extraction yields: plain, immutable records that know nothing of the database.

`load/rows` maps these to rows; keeping them free of any database lets extraction be tested,
and rerun by `reparse`, without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ATTRIBUTION_RULES",
    "EXTRACTION_VERSION",
    "PARTY_KINDS",
    "RECORD_FORMAT",
    "SPEAKING_KINDS",
    "TEXT_FORMAT",
    "ArticleRecord",
    "Attribution",
    "CaptureHints",
    "DeclarationRecord",
    "Extraction",
    "PartyRef",
    "PointRecord",
    "SignatoryRecord",
    "SourceRef",
    "TopicRef",
]


@dataclass(frozen=True)
class SourceRef:
    """An organisation a text comes from (an agency) or passes through (a website)."""

    slug: str
    name: str
    kind: str
    country: str | None


PARTY_KINDS: dict[str, str] = {
    "state": "a sovereign state",
    "international-organisation": "an organisation of states (the UN, ASEAN)",
    "state-body": "a ministry, mission, armed force, committee or agency of a state",
    "political-party": "a political party, ruling or not",
    "civil-organisation": "an association, committee, union, forum or diaspora group",
    "media": "a newspaper, news agency or broadcaster",
    "person": "a person who speaks for themself, or for the state they lead",
}
"""The kinds of party, and what each means; the docs list the same."""

SPEAKING_KINDS = frozenset(["state", "international-organisation"])
"""Kinds whose positions are their own: every other kind speaks for a state or for nobody."""


@dataclass(frozen=True)
class PartyRef:
    """A state or organisation that can take a position in a declaration.

    An organisation may belong to a state (`state`) and may speak for it (`speaks_for_state`):
    a foreign ministry does, an opposition party does not. The stored holder of a point is the
    most specific party the text names; `voice` is whose position that is at the level of
    states, which is what `--party` and the quality report resolve to.
    """

    slug: str
    name: str
    short_name: str
    kind: str = "state"
    state: PartyRef | None = None
    speaks_for_state: bool = False

    @property
    def voice(self) -> PartyRef | None:
        """The state or organisation of states whose position this party states; None for a
        party that speaks for no state (an opposition party, an association)."""
        if self.kind in SPEAKING_KINDS:
            return self
        return self.state if self.speaks_for_state else None


EXTRACTION_VERSION = 4
"""The version of the extraction rules, stored with every document they produce rows for.

Raise it whenever a change of the rules can change the rows of a document already loaded:
commands then say that the database holds rows from an older extraction, and
`reparse --stale` redoes just those documents. (1 was every extraction before versions were
recorded; such documents carry no version.)"""

ATTRIBUTION_RULES: dict[str, str] = {
    # Why a point is held by a party.
    "stance-subject": "the point's subject names the party, before a verb of stance",
    "both-sides": 'the point\'s subject is "both sides" or its kin: every party of the document',
    "document": "the point states the document's own position: the parties it speaks for",
    # Why a document speaks for a party.
    "title": 'the document\'s title names the party ("DPRK-Russia Joint Declaration")',
    "signatory": "a signatory holds an office of the party",
    "named-together": "the introduction names the parties of a joint document together",
    "issuer": "the issuer's description names the party, or the issuer is its own organ",
    "home-office": "the issuer is a state office named without its state in the text of an"
    " agency of that state (KCNA's \"the Foreign Ministry\" is the DPRK's)",
    "sender": "the sender of a message or letter is or belongs to the party",
}
"""Every rule an attribution can record, and what it means; the docs list the same."""


@dataclass(frozen=True)
class Attribution:
    """A party holding a position or speaking through a document, and the rule that says so
    (one of `ATTRIBUTION_RULES`): every attribution can be checked against its text."""

    party: PartyRef
    rule: str


TEXT_FORMAT = "text"
RECORD_FORMAT = "kcna-json"
"""One record of a JSON archive shaped like kcna.kp scrapes (topic, headline, link, date...)."""


@dataclass(frozen=True)
class TopicRef:
    """A theme declarations speak of, from the taxonomy."""

    slug: str
    name: str


@dataclass(frozen=True)
class CaptureHints:
    """Facts about a capture that its text does not carry, given by a manifest or the user.

    They are stored with the document, so that extraction can be run again from the database.
    """

    url: str | None = None
    published_year: int | None = None
    format: str = TEXT_FORMAT


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
    holders: tuple[Attribution, ...]
    """Who holds the position; empty when the text does not say (the holder is unknown)."""
    label: str | None = None
    """The point's own number when the document numbers its points ("1", "(a)")."""
    topics: tuple[TopicRef, ...] = ()

    @property
    def parties(self) -> tuple[PartyRef, ...]:
        return tuple(holder.party for holder in self.holders)


@dataclass(frozen=True)
class DeclarationRecord:
    kind: str
    title: str | None
    intro: str
    signed_place: str | None = None
    signed_year: int | None = None
    signed_month: int | None = None
    signed_day: int | None = None
    signed_from: str | None = None
    """Where the signing date came from: "text", or "article" when the year is the article's."""
    issuer: str | None = None
    """Who issued a unilateral document ("Foreign Ministry of the DPRK")."""
    issuer_party: PartyRef | None = None
    sides: tuple[Attribution, ...] = ()
    """The parties the document speaks for, each with the rule that says so."""
    signatories: tuple[SignatoryRecord, ...] = ()
    points: tuple[PointRecord, ...] = ()

    @property
    def parties(self) -> tuple[PartyRef, ...]:
        return tuple(side.party for side in self.sides)


@dataclass(frozen=True)
class ArticleRecord:
    source: SourceRef | None
    headline: str | None
    dateline_place: str | None
    dateline_year: int | None
    dateline_month: int | None
    dateline_day: int | None
    """The dateline's own date ("Pyongyang, March 3 (KCNA)"), as the text gives it, whatever
    date the record or page header gives the publication (historians cite the dateline)."""
    published_year: int | None
    published_month: int | None
    published_day: int | None
    published_from: str | None
    """Where the date came from: "record", "header", "dateline" or "manifest"."""
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
    distributor: SourceRef | None = None
    """A service the text passed through on its way to the carrier (KNS)."""
    no_text: bool = False
    """The input carried no article text at all (a photo or video record)."""

    @property
    def recognised(self) -> bool:
        """Whether anything article-like was found (a headline or a dateline)."""
        article = self.article
        return article is not None and (
            article.headline is not None or article.dateline_place is not None
        )
