"""The words extraction recognises, kept as data so that widening coverage means adding rows.

Each table is general: agencies by the code they put in datelines, sources and archive hosts,
document kinds, titles of office, and the verbs that end a point's subject or state a stance.
Parties and their aliases are in the gazetteer data file.
"""

from __future__ import annotations

from communique.extract.records import SourceRef

__all__ = [
    "ADVERBS",
    "AGENCY_CODES",
    "ARCHIVE_HOSTS",
    "AUXILIARIES",
    "DOCUMENT_KINDS",
    "GLUED_NAMES",
    "HEADLINE_SOURCES",
    "JOINT_SUBJECTS",
    "JUCHE_OFFSET",
    "KIND_ALIASES",
    "MONTHS",
    "NEWSPAPERS",
    "OFFICE_TITLES",
    "PARTICLE_VERBS",
    "SOURCE_LABELS",
    "STANCE_PARTICIPLES",
    "STANCE_VERBS",
    "SUBJECT_VERBS",
]

KCNA = SourceRef("kcna", "Korean Central News Agency", "news agency", "DPRK")
KNS = SourceRef("kns", "Korea News Service", "distributor", "Japan")
GLOBALSECURITY = SourceRef("globalsecurity", "GlobalSecurity.org", "website", "US")
KCNA_WATCH = SourceRef("kcnawatch", "KCNA Watch", "website", None)
KCNA_CO_JP = SourceRef("kcna-co-jp", "kcna.co.jp", "website", "Japan")
KCNA_KP = SourceRef("kcna-kp", "kcna.kp", "website", "DPRK")
NIS = SourceRef("nis", "National Intelligence Service", "intelligence service", "ROK")
RODONG_SINMUN = SourceRef("rodong-sinmun", "Rodong Sinmun", "newspaper", "DPRK")

VOICE_OF_KOREA = SourceRef("voice-of-korea", "Voice of Korea", "broadcaster", "DPRK")
MINJU_CHOSON = SourceRef("minju-choson", "Minju Choson", "newspaper", "DPRK")
NAENARA = SourceRef("naenara", "Naenara", "website", "DPRK")

# The outlets KCNA Watch names in its "Source:" field (without the "(En)" suffix).
SOURCE_LABELS: dict[str, SourceRef] = {
    "KCNA.kp": KCNA,
    "KCNA.co.jp": KCNA,
    "KCNA": KCNA,
    "Rodong Sinmun": RODONG_SINMUN,
    "Voice of Korea": VOICE_OF_KOREA,
    "Minju Choson": MINJU_CHOSON,
    "Minju Joson": MINJU_CHOSON,
    "Naenara": NAENARA,
}

# Newspapers, whose words make an article when a report quotes them.
NEWSPAPERS: tuple[str, ...] = tuple(
    label for label, source in SOURCE_LABELS.items() if source.kind == "newspaper"
)

# Headlines that name their own source when no dateline or attribution does: the ROK
# National Intelligence Service's weekly digests.
HEADLINE_SOURCES: tuple[tuple[str, SourceRef], ...] = (
    (r"(?:Major )?Weekly (?:Developments )?(?:on|in) North Korea\b", NIS),
    (r"North Korea Weekly\b", NIS),
)

JUCHE_OFFSET = 1911
"""The Juche calendar counts from 1912: Juche 102 is 2013."""

# The code an agency puts in parentheses in its dateline: "Pyongyang, July 21 (KCNA) --".
AGENCY_CODES: dict[str, SourceRef] = {
    "KCNA": KCNA,
    "KNS": KNS,
    "Xinhua": SourceRef("xinhua", "Xinhua News Agency", "news agency", "China"),
    "TASS": SourceRef("tass", "TASS Russian News Agency", "news agency", "Russia"),
    "Yonhap": SourceRef("yonhap", "Yonhap News Agency", "news agency", "ROK"),
    "KCTV": SourceRef("kctv", "Korean Central Television", "broadcaster", "DPRK"),
}

# Web hosts of archives and the agency whose articles they publish, for records whose text
# has no dateline to name it.
ARCHIVE_HOSTS: dict[str, tuple[SourceRef, SourceRef]] = {
    "kcna.kp": (KCNA_KP, KCNA),
    "www.kcna.kp": (KCNA_KP, KCNA),
}

MONTHS: dict[str, int] = {  # full names and the abbreviations datelines use
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

# Kinds of published document, most specific first so "joint declaration" wins over
# "declaration" and "press statement" over "statement".
DOCUMENT_KINDS: tuple[str, ...] = (
    "joint declaration",
    "joint press statement",
    "joint press communique",
    "joint statement",
    "joint communique",
    "press statement",
    "press release",
    "white paper",
    "memorandum",
    "declaration",
    "statement",
    "communique",
    "treaty",
    "agreement",
    "report",
    "commentary",
    "article",
    "speech",
    "answer",
    "letter",
    "message",
    "resolution",
    "decision",
    "appeal",
    "indictment",
)

# Other words for a kind: an editorial is an article of the paper that runs it.
KIND_ALIASES: dict[str, str] = {"editorial article": "article", "editorial": "article"}

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

# Verbs that state a position: a party that is the subject of one of these holds the point
# ("the DPRK stated", "Both sides reached a consensus"). Past participles after an auxiliary
# count too ("are convinced", "have confirmed").
STANCE_VERBS: frozenset[str] = frozenset(
    """
    affirm affirmed affirms agree agreed agrees appreciate appreciated appreciates approve
    approved approves assert asserted asserts believe believed believes clarified clarifies
    clarify condemn condemned condemns confirm confirmed confirms consider considered
    considers convinced declare declared declares demand demanded demands denounce denounced
    denounces emphasise emphasised emphasises emphasize emphasized emphasizes express
    expressed expresses hold holds insist insisted insists intend intended intends manifest
    manifested manifests maintain maintained maintains note noted notes oppose opposed
    opposes pledge pledged pledges reach reached reaches reaffirm reaffirmed reaffirms
    recognise recognised recognises recognize recognized recognizes reject rejected rejects
    reiterate reiterated reiterates resolve resolved resolves share shared shares state
    stated states stress stressed stresses support supported supports underline underlined
    underlines urge urged urges welcome welcomed welcomes decided decide decides determined
    hope hoped hopes wish wished wishes acknowledge acknowledged acknowledges denied denies
    deny warn warned warns protest protested protests regard regarded regards censure
    censured censures criticize criticized criticizes criticise criticised criticises accuse
    accused accuses blame blamed blames praise praised praises hail hailed hails vow vowed
    vows voice voiced voices propose proposed proposes highlight highlighted highlights
    """.split()
)

# Participles that state a stance after "be" ("are convinced"); any other participle after
# "be" is a passive ("will be held accountable"), which states none.
STANCE_PARTICIPLES: frozenset[str] = frozenset(
    "convinced determined resolved agreed united committed ready willing".split()
)

# Verbs that state a stance only with their particle: "call for", "call on".
PARTICLE_VERBS: dict[str, frozenset[str]] = {
    verb: frozenset({"for", "on", "upon"}) for verb in ("call", "calls", "called")
}

AUXILIARIES: frozenset[str] = frozenset(
    """
    should shall will would must can may could might have has had are is were was be been do
    does did
    """.split()
)

# Any of these ends the subject of a point: "Both sides | reached ...". Stance verbs,
# auxiliaries, and verbs common in declarations that do not state a stance.
SUBJECT_VERBS: frozenset[str] = (
    STANCE_VERBS
    | STANCE_PARTICIPLES
    | set(PARTICLE_VERBS)
    | AUXILIARIES
    | frozenset(
        """
        held exchanged exchange discussed discuss signed sign visited commit commits
        committed cooperate cooperates continue continues develop develops expand
        expands strengthen strengthens make makes made take takes took go goes went keep
        keeps kept seek seeks sought conduct conducts conducted launch launches launched
        pursue pursues pursued try tries tried work works worked remain remains remained
        undertake undertakes
        """.split()
    )
)

# Adverbs that may stand between the subject and its verb: "the DPRK fully supports".
ADVERBS: frozenset[str] = frozenset(
    """
    also again further fully firmly strongly resolutely highly once jointly still always
    never consistently actively deeply sincerely unanimously
    """.split()
)

# Leaders' names that scrapes glue to the word before or after ("toKim Jong Un",
# "Kim Il Sungand"), repaired in article text.
GLUED_NAMES: tuple[str, ...] = (
    "Kim Il Sung",
    "Kim Jong Il",
    "Kim Jong Un",
    "Kim Jong Suk",
    "Kim Yo Jong",
    "Kim Ju Ae",
)
