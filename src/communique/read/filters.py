"""The filters that listings, search and export share, as SQL conditions with bound values.

Every value is a bound parameter, never formatted into the statement, so a filter can only
ever select.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

from communique.errors import CommuniqueError

__all__ = [
    "PARTY_IDS",
    "SUPERSEDED",
    "DateBound",
    "Filters",
    "article_conditions",
    "declaration_conditions",
    "parse_date_bound",
    "point_conditions",
]

_PARTIAL_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


@dataclass(frozen=True)
class DateBound:
    """A date given as YYYY, YYYY-MM or YYYY-MM-DD, as the first and last day it covers."""

    first: str
    last: str


def parse_date_bound(text: str) -> DateBound:
    match = _PARTIAL_DATE.fullmatch(text.strip())
    if match is None:
        raise CommuniqueError(f"{text!r} is not a date like 2000, 2000-07 or 2000-07-21")
    year = int(match.group("year"))
    month = int(match.group("month")) if match.group("month") else None
    day = int(match.group("day")) if match.group("day") else None
    if month is not None and not 1 <= month <= 12:
        raise CommuniqueError(f"{text!r}: month must be 01 to 12")
    last_day = calendar.monthrange(year, month or 12)[1]
    if day is not None and not 1 <= day <= last_day:
        raise CommuniqueError(f"{text!r}: no such day")
    first = f"{year:04d}-{month or 1:02d}-{day or 1:02d}"
    last = f"{year:04d}-{month or 12:02d}-{day or last_day:02d}"
    return DateBound(first, last)


@dataclass(frozen=True)
class Filters:
    since: DateBound | None = None
    until: DateBound | None = None
    include_undated: bool = False
    """Keep articles whose year is unknown when a date filter is given."""
    source: str | None = None
    party: str | None = None
    """A party slug (resolved from any name before it gets here): the party and the bodies,
    parties and persons that speak for it (see `PARTY_IDS`)."""
    exact_party: bool = False
    """`party` alone, not what speaks for it."""
    kind: str | None = None
    section: str | None = None
    topic: str | None = None
    """A topic slug."""
    all_versions: bool = False
    """Keep articles that snapshots show superseded by a newer text under every link they
    had (see docs/history.md); by default only an item's current version is listed."""

    @property
    def empty(self) -> bool:
        """No filter is set (include_undated alone filters nothing)."""
        return (
            all(
                value is None
                for value in (self.since, self.until, self.source, self.party, self.kind)
            )
            and self.section is None
            and self.topic is None
        )

    def params(self) -> dict[str, Any]:
        return {
            "since": self.since.first if self.since else None,
            "until": self.until.last if self.until else None,
            "include_undated": int(self.include_undated),
            "source": self.source,
            "party": self.party,
            "exact_party": int(self.exact_party),
            "kind": self.kind,
            "section": self.section,
            "topic": self.topic,
            "all_versions": int(self.all_versions),
        }


PARTY_IDS = """(SELECT id FROM parties WHERE slug = :party
       UNION ALL SELECT id FROM parties WHERE NOT :exact_party AND speaks_for_state
       AND state_id = (SELECT id FROM parties WHERE slug = :party))"""
"""The ids of the parties `--party` means: the party itself and, unless `--exact`, every
organisation or person that speaks for it (its ministries, its ruling party, its state media;
never an opposition party or an association)."""

# An article's date covers a span when only part of it is known: 2000-07 runs from 2000-07-01
# to 2000-07-31. It passes --since when the span ends on or after it, and --until when the
# span starts on or before it.
_DATES = """
  AND ((:since IS NULL AND :until IS NULL)
       OR (a.published_year IS NULL AND :include_undated)
       OR (a.published_year IS NOT NULL
           AND (:since IS NULL OR printf('%04d-%02d-%02d', a.published_year,
                coalesce(a.published_month, 12), coalesce(a.published_day, 31)) >= :since)
           AND (:until IS NULL OR printf('%04d-%02d-%02d', a.published_year,
                coalesce(a.published_month, 1), coalesce(a.published_day, 1)) <= :until)))
  AND (:source IS NULL OR a.source_id = (SELECT id FROM sources WHERE slug = :source))
"""
SUPERSEDED = """(EXISTS (SELECT 1 FROM documents vd JOIN versions vv ON vv.document_id = vd.id
                WHERE vd.article_id = a.id AND NOT vv.current
                  AND EXISTS (SELECT 1 FROM sightings vs WHERE vs.version_id = vv.id))
        AND NOT EXISTS (SELECT 1 FROM documents vd JOIN versions vv ON vv.document_id = vd.id
                        WHERE vd.article_id = a.id AND vv.current))"""
"""Whether snapshots superseded article `a`: one of its texts is a version a snapshot saw
which its item's latest snapshot no longer holds, and no item's latest snapshot holds it.
Texts no snapshot saw are never superseded."""
_CURRENT = f"""
  AND (:all_versions OR NOT {SUPERSEDED})
"""
_SECTION = """
  AND (:section IS NULL OR EXISTS (SELECT 1 FROM documents sd
       WHERE sd.article_id = a.id AND sd.section = :section))
"""


def article_conditions(*, by_section: bool = True) -> str:
    """Conditions on an article `a`: it passes when any of its points or documents does.
    Without `by_section`, the caller tests the section of each document itself."""
    return (
        _DATES
        + _CURRENT
        + (_SECTION if by_section else "")
        + """
  AND (:party IS NULL OR EXISTS (
       SELECT 1 FROM declarations fd JOIN declaration_parties fp ON fp.declaration_id = fd.id
       WHERE fd.article_id = a.id AND fp.party_id IN """
        + PARTY_IDS
        + """
       UNION ALL
       SELECT 1 FROM declarations fd JOIN declaration_points fpt ON fpt.declaration_id = fd.id
       JOIN point_parties fpp ON fpp.point_id = fpt.id
       WHERE fd.article_id = a.id AND fpp.party_id IN """
        + PARTY_IDS
        + """))
  AND (:kind IS NULL OR EXISTS (SELECT 1 FROM declarations kd
       WHERE kd.article_id = a.id AND kd.kind = :kind))
  AND (:topic IS NULL OR EXISTS (
       SELECT 1 FROM declarations td JOIN declaration_points tp ON tp.declaration_id = td.id
       JOIN point_topics tt ON tt.point_id = tp.id JOIN topics t ON t.id = tt.topic_id
       WHERE td.article_id = a.id AND t.slug = :topic))
"""
    )


def declaration_conditions() -> str:
    """Conditions on a declaration `dc` of article `a`: it passes when it speaks for the
    party or one of its points is held by it, is of the kind, or has a point of the topic."""
    return (
        _DATES
        + _CURRENT
        + _SECTION
        + """
  AND (:party IS NULL OR EXISTS (
       SELECT 1 FROM declaration_parties fp
       WHERE fp.declaration_id = dc.id AND fp.party_id IN """
        + PARTY_IDS
        + """
       UNION ALL
       SELECT 1 FROM declaration_points fpt JOIN point_parties fpp ON fpp.point_id = fpt.id
       WHERE fpt.declaration_id = dc.id AND fpp.party_id IN """
        + PARTY_IDS
        + """))
  AND (:kind IS NULL OR dc.kind = :kind)
  AND (:topic IS NULL OR EXISTS (
       SELECT 1 FROM declaration_points tp JOIN point_topics tt ON tt.point_id = tp.id
       JOIN topics t ON t.id = tt.topic_id WHERE tp.declaration_id = dc.id AND t.slug = :topic))
"""
    )


def point_conditions() -> str:
    """Conditions on a point `p` of declaration `dc` in article `a`."""
    return (
        _DATES
        + _CURRENT
        + _SECTION
        + """
  AND (:party IS NULL OR EXISTS (SELECT 1 FROM point_parties fpp
       WHERE fpp.point_id = p.id AND fpp.party_id IN """
        + PARTY_IDS
        + """))
  AND (:kind IS NULL OR dc.kind = :kind)
  AND (:topic IS NULL OR EXISTS (SELECT 1 FROM point_topics tt JOIN topics t ON t.id = tt.topic_id
       WHERE tt.point_id = p.id AND t.slug = :topic))
"""
    )
