"""What a snapshot's record says of its item: the link, the text compared across days, and
the headline. Pure: a record in, a `Sighted` out.

Texts are compared with runs of white space folded (an empty or missing text counts as a
text: a record whose text empties has changed); headlines after the clean-up every headline
gets (the archive's trailing date stamps, white space, glued names).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from communique.extract.archive import link_host
from communique.extract.text import clean_headline

__all__ = ["CHANGE_KINDS", "Sighted", "archive_name", "folded_sha256", "sighted"]

CHANGE_KINDS = ("new", "edited", "retitled", "withdrawn", "restored")
"""What can happen to an item between two snapshots, in the order reports list them."""


@dataclass(frozen=True)
class Sighted:
    url: str
    text_sha256: str
    """sha256 of the text with runs of white space folded to one space."""
    headline: str
    """The cleaned headline; "" when the record has none."""


def folded_sha256(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def sighted(record: dict[str, Any]) -> Sighted | None:
    """The record's item, text and headline; None for a record without a link, which no
    snapshot can follow."""
    link = record.get("link")
    if not isinstance(link, str) or not link.strip():
        return None
    story = record.get("story_text")
    headline = record.get("headline")
    return Sighted(
        url=link.strip(),
        text_sha256=folded_sha256(story if isinstance(story, str) else ""),
        headline=clean_headline(headline if isinstance(headline, str) else None) or "",
    )


def archive_name(url: str) -> str:
    """The default name of the archive a link belongs to: its site, without `www.`."""
    return (link_host(url) or url).removeprefix("www.")
