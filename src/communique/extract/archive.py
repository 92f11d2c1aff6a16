"""One record of a JSON archive shaped like kcna.kp scrapes: topic, headline, link, date,
date_str, story_text. The record is the document; its text is the article."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from communique.extract.article import DateFacts, build_article, cut_body
from communique.extract.records import CaptureHints, Extraction
from communique.extract.text import clean_headline, paragraphs
from communique.extract.vocabularies import Vocabularies
from communique.extract.vocabulary import ARCHIVE_HOSTS

__all__ = ["RecordError", "extract_record", "record_date", "validate_record"]

_TEXT_FIELDS = ("topic", "headline", "link", "date_str", "story_text")


class RecordError(ValueError):
    """A record that is not shaped like an archive record; the message says how."""


def validate_record(record: Any) -> dict[str, Any]:
    """The record, if it is an object with the fields of the archive's types."""
    if not isinstance(record, dict):
        raise RecordError(f"expected an object, found {type(record).__name__}")
    if "story_text" not in record and "headline" not in record:
        raise RecordError("has neither story_text nor headline")
    for name in _TEXT_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise RecordError(f"{name} must be text, found {type(record[name]).__name__}")
    date = record.get("date")
    if date is not None and (isinstance(date, bool) or not isinstance(date, int | float)):
        raise RecordError(f"date must be milliseconds since 1970, found {type(date).__name__}")
    record_date(record)
    return record


def record_date(record: dict[str, Any]) -> tuple[int, int, int] | None:
    """The record's date: date_str ("YYYY-MM-DD"), else date in epoch milliseconds (UTC)."""
    text = record.get("date_str")
    try:
        if text:
            day = _iso_day(text)
        elif record.get("date") is not None:
            day = dt.datetime.fromtimestamp(record["date"] / 1000, dt.UTC).date()
        else:
            return None
    except (ValueError, OverflowError, OSError) as error:
        raise RecordError(f"unreadable date: {error}") from None
    return day.year, day.month, day.day


def _iso_day(text: str) -> dt.date:
    """The day a date_str begins with ("2024-08-05", "2024-08-05 10:00"). Only its first ten
    characters are read, but when they are not a date the value is quoted as it is (Python
    would quote the ten), shortened only when it is too long for one line."""
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as error:
        if repr(text[:10]) not in str(error):  # a date out of range: Python's words are clear
            raise
        shown = repr(text) if len(text) <= 64 else f"{text[:64]!r}... ({len(text)} characters)"
        raise ValueError(f"date_str {shown} is not a date (YYYY-MM-DD)") from None


_AFTER_HOST = re.compile(r"[/?#]")


def link_host(link: str) -> str:
    """The host a link names, lowercased, as `urlsplit` finds it.

    The records of one archive name a handful of hosts, and `urlsplit` costs as much as
    reading the rest of a short record: it runs once per distinct "scheme://host" part,
    which is all of a link that its host depends on.
    """
    scheme_end = link.find("://")
    if scheme_end < 0:
        return _host_of(link)
    end = _AFTER_HOST.search(link, scheme_end + 3)
    return _host_of(link[: end.start()] if end else link)


@lru_cache(maxsize=256)
def _host_of(link: str) -> str:
    return urlsplit(link).hostname or ""


def extract_record(text: str, hints: CaptureHints, vocabularies: Vocabularies) -> Extraction:
    try:
        record = validate_record(json.loads(text))
    except json.JSONDecodeError as error:
        raise RecordError(f"not a JSON record: {error}") from None
    host = link_host(record.get("link") or hints.url or "")
    carrier, agency = ARCHIVE_HOSTS.get(host, (None, None))
    section = record.get("topic") or None
    headline = clean_headline(record.get("headline"))
    story = record.get("story_text") or ""
    if not story.strip():
        return Extraction(carrier, section, None, no_text=True)
    # A record exported by communique may carry a year it knew without a full date.
    year = record.get("published_year") if isinstance(record.get("published_year"), int) else None
    facts = DateFacts(record_date(record), "record", hints.published_year or year)
    article = build_article(
        headline, cut_body(paragraphs(story, one_per_line=True)), facts, agency, vocabularies
    )
    warnings = () if headline else ("no headline found",)
    return Extraction(carrier, section, article, warnings)
