"""Page furniture: the lines a carrier site wraps around an article, and how to strip them.

A carrier is recognised by its own furniture, never by a file name, so a capture renamed by a
user still files under the right site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from communique.extract.records import SourceRef
from communique.extract.vocabulary import GLOBALSECURITY

__all__ = ["CARRIER_FURNITURE", "CarrierFurniture", "strip_furniture"]


@dataclass(frozen=True)
class CarrierFurniture:
    carrier: SourceRef
    header: tuple[re.Pattern[str], ...]
    """Lines at the top of a capture that belong to the site (matched whole, after stripping)."""
    footer: tuple[re.Pattern[str], ...]
    """Lines that start the site's closing furniture: they and all after them are dropped."""
    has_section: bool
    """Whether the site prints the name of its section above the headline."""


CARRIER_FURNITURE: tuple[CarrierFurniture, ...] = (
    CarrierFurniture(
        carrier=GLOBALSECURITY,
        header=(
            re.compile(r"Find a Security Clearance Job!?", re.IGNORECASE),
            re.compile(
                r"The Largest Security-Cleared Career Network for Defense and Intelligence Jobs"
                r"\s*-\s*JOIN NOW",
                re.IGNORECASE,
            ),
        ),
        footer=(re.compile(r"Join the mailing list", re.IGNORECASE),),
        has_section=True,
    ),
)

_HEADER_WINDOW = 5
"""How many leading non-blank lines may hold header furniture."""


def _strip(lines: list[str], furniture: CarrierFurniture) -> list[str] | None:
    """The lines without this carrier's furniture, or None when none of it is present."""
    found = False
    kept = list(lines)
    leading = [i for i, line in enumerate(kept) if line.strip()][:_HEADER_WINDOW]
    for index in reversed(leading):
        if any(pattern.fullmatch(kept[index].strip()) for pattern in furniture.header):
            del kept[index]
            found = True
    for index, line in enumerate(kept):
        if any(pattern.match(line.strip()) for pattern in furniture.footer):
            kept = kept[:index]
            found = True
            break
    return kept if found else None


def strip_furniture(text: str) -> tuple[CarrierFurniture | None, str]:
    """Identify the carrier from its furniture and return the text without it."""
    lines = text.split("\n")
    for furniture in CARRIER_FURNITURE:
        stripped = _strip(lines, furniture)
        if stripped is not None:
            return furniture, "\n".join(stripped)
    return None, text
