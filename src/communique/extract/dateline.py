"""Datelines: "Pyongyang, July 21 (KCNA) --" gives the place, the date and the agency."""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.records import SourceRef
from communique.extract.vocabulary import AGENCY_CODES, MONTHS

__all__ = ["MONTH_PATTERN", "Dateline", "find_dateline"]

MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))

_DATELINE = re.compile(
    rf"""^\s*
    (?P<place>[A-Z][\w'\u2019.\-]*(?:\s+[A-Z][\w'\u2019.\-]*){{0,3}}),\s*
    (?P<month>(?i:{MONTH_PATTERN}))\.?\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?\s*
    \((?P<agency>[A-Za-z][\w.\- ]{{0,20}})\)\s*
    (?:-{{1,2}}|\u2013|\u2014)\s*""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Dateline:
    place: str
    month: int
    day: int
    year: int | None
    agency: SourceRef
    text: str
    """The paragraph with its dateline removed."""


def _agency(code: str) -> SourceRef:
    """The source behind a dateline code; an unknown code is kept as a source of its own."""
    known = AGENCY_CODES.get(code)
    if known is not None:
        return known
    return SourceRef(code.casefold().replace(" ", "-"), code, "news agency", None)


def find_dateline(paragraph: str) -> Dateline | None:
    match = _DATELINE.match(paragraph)
    if match is None:
        return None
    day = int(match.group("day"))
    if not 1 <= day <= 31:
        return None
    year = match.group("year")
    return Dateline(
        place=match.group("place"),
        month=MONTHS[match.group("month").capitalize()],
        day=day,
        year=int(year) if year else None,
        agency=_agency(match.group("agency").strip()),
        text=paragraph[match.end() :].strip(),
    )
