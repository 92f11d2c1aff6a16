"""Page furniture: the lines a carrier site wraps around an article, and what they tell.

A carrier is recognised by its own furniture, never by a file name, so a capture renamed by a
user still files under the right site. Besides being removed, some furniture carries facts:
KCNA Watch's "Date: DD/MM/YYYY | Source: ..." line and kcna.co.jp's "calendar>>" line give
the full publication date, and attribution lines name the source and the distributor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.records import SourceRef
from communique.extract.vocabulary import (
    GLOBALSECURITY,
    JUCHE_OFFSET,
    KCNA,
    KCNA_CO_JP,
    KCNA_WATCH,
    KNS,
    MONTHS,
    NIS,
    SOURCE_LABELS,
)

__all__ = ["CARRIER_FURNITURE", "CarrierFurniture", "Stripped", "strip_furniture"]

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))


@dataclass(frozen=True)
class CarrierFurniture:
    carrier: SourceRef
    signature: tuple[re.Pattern[str], ...]
    """Lines only this site prints: any one of them identifies it."""
    header: tuple[re.Pattern[str], ...]
    """Lines at the top that belong to the site (banners, breadcrumbs), dropped."""
    footer: tuple[re.Pattern[str], ...]
    """Lines that start the site's closing furniture: they and all after them are dropped."""
    has_section: bool = False
    """Whether the site prints the name of its section above the headline."""
    distributor: SourceRef | None = None


@dataclass(frozen=True)
class Stripped:
    """A capture without its furniture, and what the furniture said."""

    text: str
    carrier: SourceRef | None = None
    has_section: bool = False
    date: tuple[int, int, int] | None = None
    source: SourceRef | None = None
    distributor: SourceRef | None = None


_MAILING_LIST = re.compile(r"(?:NEWSLETTER|Join the (?:GlobalSecurity\.org )?mailing list.*)", re.I)
_KCNA_WATCH_META = re.compile(
    r"Date:\s*(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\s*\|\s*Source:\s*"
    r"(?P<label>[^|]+?)\s*\|\s*\[?Read original version at source.*"
)
_CALENDAR = re.compile(
    rf"calendar>>\s*(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})\.?,?\s+(?P<year>\d{{4}})?\s*"
    r"(?:Juche?\s*(?P<juche>\d{2,3}))?\s*\|?"
)
_KNS_COPYRIGHT = re.compile(r"Copyright \(C\) KOREA NEWS SERVICE ?\(KNS\).*", re.I)

CARRIER_FURNITURE: tuple[CarrierFurniture, ...] = (
    CarrierFurniture(
        carrier=GLOBALSECURITY,
        signature=(
            re.compile(r"Find a Security Clearance Job!?", re.I),
            re.compile(
                r"The Largest Security-Cleared Career Network for Defense and Intelligence Jobs"
                r"\s*-\s*JOIN NOW",
                re.I,
            ),
            re.compile(r"UNITED24 - Make a charitable donation.*", re.I),
            re.compile(r"Korean Central News Agency of DPRK via Korea News Service \(KNS\)"),
            _MAILING_LIST,
        ),
        header=(
            re.compile(r"Find a Security Clearance Job!?", re.I),
            re.compile(r"The Largest Security-Cleared Career Network.*JOIN NOW", re.I),
            re.compile(r"UNITED24 - Make a charitable donation.*", re.I),
        ),
        footer=(_MAILING_LIST,),
        has_section=True,
    ),
    CarrierFurniture(
        carrier=KCNA_WATCH,
        signature=(_KCNA_WATCH_META,),
        header=(
            # The date the page was viewed (not the article's), and the source breadcrumb.
            re.compile(rf"(?:{_MONTH}) \d{{1,2}}, \d{{4}}(?:[A-Z][a-z]{{2}} \d{{1,2}}, \d{{4}})?"),
            re.compile(r"KCNA .+\((?:En|EN|en)\)"),
        ),
        footer=(re.compile(r"More From .+"),),
    ),
    CarrierFurniture(
        carrier=KCNA_CO_JP,
        signature=(_CALENDAR, _KNS_COPYRIGHT),
        header=(),
        footer=(_KNS_COPYRIGHT,),
        distributor=KNS,
    ),
)

# Lines that name who wrote a text and who passed it on, wherever a carrier prints them.
ATTRIBUTIONS: tuple[tuple[re.Pattern[str], SourceRef, SourceRef | None], ...] = (
    (re.compile(r"Korean Central News Agency of DPRK via Korea News Service \(KNS\)"), KCNA, KNS),
    (re.compile(r"Korean Central News Agency of DPRK"), KCNA, None),
    (re.compile(r"ROK National Intelligence Service"), NIS, None),
)
# Stamps and table rules that carry nothing: "www.kcna.kp (Juche113.5.27.)", "|".
_NOISE = re.compile(r"\|+|www\.kcna\.kp \(Juche\s*\d+\.\d{1,2}\.\d{1,2}\.?\)")
_TABLE_EDGE = re.compile(r"\s+\|\s*$")
_HEADER_WINDOW = 8
"""How many leading non-blank lines may hold header furniture."""


def _identify(lines: list[str]) -> CarrierFurniture | None:
    for furniture in CARRIER_FURNITURE:
        for line in lines:
            stripped = line.strip()
            if stripped and any(pattern.fullmatch(stripped) for pattern in furniture.signature):
                return furniture
    return None


def _header_date(line: str) -> tuple[tuple[int, int, int], SourceRef | None] | None:
    """The full date (and for KCNA Watch the original's source) that a header line gives."""
    if match := _KCNA_WATCH_META.fullmatch(line):
        label = re.sub(r"\s*\((?:En|EN|en)\)$", "", match.group("label"))
        date = (int(match.group("year")), int(match.group("month")), int(match.group("day")))
        known = SOURCE_LABELS.get(label)
        slug = re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-")
        return date, known or SourceRef(slug, label, "news outlet", None)
    if match := _CALENDAR.fullmatch(line):
        year = match.group("year")
        juche = match.group("juche")
        if year is None and juche is None:
            return None
        full_year = int(year) if year else int(juche) + JUCHE_OFFSET
        return (full_year, MONTHS[match.group("month")], int(match.group("day"))), None
    return None


def strip_furniture(text: str) -> Stripped:
    """Identify the carrier from its furniture; return the text without it, and its facts."""
    lines = text.split("\n")
    furniture = _identify(lines)
    footer = furniture.footer if furniture else ()
    header = furniture.header if furniture else ()
    kept: list[str] = []
    date = None
    source = distributor = None
    seen = 0
    for line in lines:
        line = _TABLE_EDGE.sub("", line)  # pipe-table captures end their cells with " |"
        stripped = line.strip()
        if any(pattern.fullmatch(stripped) for pattern in footer):
            break
        seen += bool(stripped)
        if _NOISE.fullmatch(stripped) or (
            seen <= _HEADER_WINDOW and any(p.fullmatch(stripped) for p in header)
        ):
            continue
        if (found := _header_date(stripped)) is not None:
            date, source = found[0], found[1] or source
            continue
        attribution = next((a for a in ATTRIBUTIONS if a[0].fullmatch(stripped)), None)
        if attribution is not None and seen <= _HEADER_WINDOW:
            source, distributor = attribution[1], attribution[2] or distributor
            continue
        kept.append(line)
    return Stripped(
        text="\n".join(kept),
        carrier=furniture.carrier if furniture else None,
        has_section=furniture.has_section if furniture else False,
        date=date,
        source=source,
        distributor=distributor or (furniture.distributor if furniture else None),
    )
