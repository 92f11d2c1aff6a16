"""Plain-text handling shared by every extraction step: line endings, paragraphs, fingerprints."""

from __future__ import annotations

import hashlib
import re

__all__ = ["fingerprint", "normalise_newlines", "paragraphs"]

_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_newlines(text: str) -> str:
    """Drop a byte-order mark and fold CRLF and lone CR into LF, so patterns see one form."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs, whitespace folded.

    Captures separate paragraphs either by blank lines (then a paragraph may be hard-wrapped over
    several lines) or, when the text has no blank line at all, by single newlines.
    """
    text = normalise_newlines(text).strip()
    if not text:
        return []
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    folded = (" ".join(block.split()) for block in blocks)
    return [block for block in folded if block]


def fingerprint(body: str) -> str:
    """A digest of the words of a text, blind to case, punctuation and spacing.

    Two captures of one article differ in such details, never in their words, so this is what
    makes a second capture join the article instead of duplicating it.
    """
    words = _NOT_WORD.sub(" ", body.casefold()).strip()
    return hashlib.sha256(words.encode("utf-8")).hexdigest()
