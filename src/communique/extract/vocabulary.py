"""The words extraction recognises, kept as data so that widening coverage means adding rows.

Each table is general: agencies by the code they put in datelines, parties by every name they
go by, document kinds, titles of office and the verbs that end a point's subject.
"""

from __future__ import annotations

from communique.extract.records import PartyRef, SourceRef

__all__ = [
    "AGENCY_CODES",
    "CARRIERS",
    "DOCUMENT_KINDS",
    "JOINT_SUBJECTS",
    "MONTHS",
    "OFFICE_TITLES",
    "PARTY_ALIASES",
    "SUBJECT_VERBS",
]

KCNA = SourceRef("kcna", "Korean Central News Agency", "news agency", "DPRK")
GLOBALSECURITY = SourceRef("globalsecurity", "GlobalSecurity.org", "website", "US")

# The code an agency puts in parentheses in its dateline: "Pyongyang, July 21 (KCNA) --".
AGENCY_CODES: dict[str, SourceRef] = {
    "KCNA": KCNA,
    "KNS": SourceRef("kns", "Korea News Service", "distributor", "Japan"),
    "Xinhua": SourceRef("xinhua", "Xinhua News Agency", "news agency", "China"),
    "TASS": SourceRef("tass", "TASS Russian News Agency", "news agency", "Russia"),
    "Yonhap": SourceRef("yonhap", "Yonhap News Agency", "news agency", "ROK"),
    "KCTV": SourceRef("kctv", "Korean Central Television", "broadcaster", "DPRK"),
}

# Sites that reprint articles, keyed by slug; their page furniture lives in `furniture`.
CARRIERS: dict[str, SourceRef] = {GLOBALSECURITY.slug: GLOBALSECURITY}

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}

_DPRK = PartyRef("dprk", "Democratic People's Republic of Korea", "DPRK")
_RUSSIA = PartyRef("russia", "Russian Federation", "Russia")
_CHINA = PartyRef("china", "People's Republic of China", "China")
_ROK = PartyRef("rok", "Republic of Korea", "ROK")
_USA = PartyRef("usa", "United States of America", "US")
_JAPAN = PartyRef("japan", "Japan", "Japan")
_VIETNAM = PartyRef("vietnam", "Socialist Republic of Viet Nam", "Viet Nam")
_LAOS = PartyRef("laos", "Lao People's Democratic Republic", "Laos")
_CUBA = PartyRef("cuba", "Republic of Cuba", "Cuba")
_BELARUS = PartyRef("belarus", "Republic of Belarus", "Belarus")
_IRAN = PartyRef("iran", "Islamic Republic of Iran", "Iran")
_SYRIA = PartyRef("syria", "Syrian Arab Republic", "Syria")
_MONGOLIA = PartyRef("mongolia", "Mongolia", "Mongolia")
_INDONESIA = PartyRef("indonesia", "Republic of Indonesia", "Indonesia")

# Every name a party goes by in English-language state media. Matching prefers the longest
# alias, so "Democratic People's Republic of Korea" is never read as "Republic of Korea".
PARTY_ALIASES: dict[str, PartyRef] = {
    "Democratic People's Republic of Korea": _DPRK,
    "DPRK": _DPRK,
    "D.P.R.K.": _DPRK,
    "North Korea": _DPRK,
    "Russian Federation": _RUSSIA,
    "Russia": _RUSSIA,
    "Soviet Union": _RUSSIA,
    "People's Republic of China": _CHINA,
    "PRC": _CHINA,
    "China": _CHINA,
    "Republic of Korea": _ROK,
    "ROK": _ROK,
    "South Korea": _ROK,
    "United States of America": _USA,
    "United States": _USA,
    "USA": _USA,
    "U.S.": _USA,
    "US": _USA,
    "Japan": _JAPAN,
    "Socialist Republic of Viet Nam": _VIETNAM,
    "Socialist Republic of Vietnam": _VIETNAM,
    "Viet Nam": _VIETNAM,
    "Vietnam": _VIETNAM,
    "Lao People's Democratic Republic": _LAOS,
    "Laos": _LAOS,
    "Republic of Cuba": _CUBA,
    "Cuba": _CUBA,
    "Republic of Belarus": _BELARUS,
    "Belarus": _BELARUS,
    "Islamic Republic of Iran": _IRAN,
    "Iran": _IRAN,
    "Syrian Arab Republic": _SYRIA,
    "Syria": _SYRIA,
    "Mongolia": _MONGOLIA,
    "Republic of Indonesia": _INDONESIA,
    "Indonesia": _INDONESIA,
}

# Kinds of published document, most specific first so "joint declaration" wins over
# "declaration".
DOCUMENT_KINDS: tuple[str, ...] = (
    "joint declaration",
    "joint statement",
    "joint communique",
    "joint press communique",
    "press statement",
    "press release",
    "white paper",
    "memorandum",
    "declaration",
    "statement",
    "communique",
    "treaty",
    "agreement",
    "resolution",
    "appeal",
    "letter",
    "message",
)

# Offices whose holders sign declarations; a signatory is "TITLE NAME of ORGANISATION".
OFFICE_TITLES: tuple[str, ...] = (
    "General Secretary",
    "Prime Minister",
    "Foreign Minister",
    "Supreme Leader",
    "Secretary-General",
    "Chairman",
    "Chairwoman",
    "Chairperson",
    "President",
    "Premier",
    "Chancellor",
    "Minister",
    "Secretary",
    "Ambassador",
    "Marshal",
    "King",
    "Emperor",
)

# Subjects that speak for every party of the declaration rather than naming one.
JOINT_SUBJECTS: tuple[str, ...] = (
    "both sides",
    "the two sides",
    "the sides",
    "both parties",
    "the two parties",
    "the parties",
    "both countries",
    "the two countries",
    "both states",
    "the two states",
    "both governments",
    "the two governments",
)

# Verbs and auxiliaries that end the subject of a point: "Both sides | reached ...".
SUBJECT_VERBS: tuple[str, ...] = (
    "should",
    "shall",
    "will",
    "would",
    "must",
    "can",
    "may",
    "could",
    "have",
    "has",
    "had",
    "are",
    "is",
    "were",
    "was",
    "do",
    "does",
    "did",
    "agree",
    "agreed",
    "agrees",
    "affirm",
    "affirmed",
    "affirms",
    "reaffirm",
    "reaffirmed",
    "call",
    "called",
    "calls",
    "confirm",
    "confirmed",
    "confirms",
    "consider",
    "considered",
    "express",
    "expressed",
    "expresses",
    "hold",
    "held",
    "holds",
    "note",
    "noted",
    "notes",
    "oppose",
    "opposed",
    "opposes",
    "reached",
    "reach",
    "reaches",
    "recognize",
    "recognized",
    "recognise",
    "recognised",
    "stated",
    "state",
    "states",
    "stress",
    "stressed",
    "stresses",
    "support",
    "supported",
    "supports",
    "welcome",
    "welcomed",
    "welcomes",
    "manifested",
    "manifest",
    "declare",
    "declared",
    "declares",
    "emphasize",
    "emphasized",
    "emphasise",
    "emphasised",
    "underline",
    "underlined",
    "pledge",
    "pledged",
    "intend",
    "intends",
    "decided",
    "decide",
    "decides",
    "share",
    "shared",
    "shares",
    "believe",
    "believes",
    "believed",
    "reject",
    "rejected",
    "rejects",
    "condemn",
    "condemned",
    "condemns",
    "maintain",
    "maintained",
    "maintains",
    "demand",
    "demanded",
    "demands",
    "urge",
    "urged",
    "urges",
    "remain",
    "remains",
    "remained",
    "undertake",
    "undertakes",
    "undertook",
)
