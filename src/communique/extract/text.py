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


_SENTENCE_END = (".", "!", "?", ":", '"', "\u201d", "\u2019", ")", "-0-")
_WRAP_WIDTH = 120
"""Lines longer than this are whole paragraphs; shorter ones may be hard-wrapped."""


def _block_paragraphs(block: str) -> list[str]:
    """Paragraphs in a block without blank lines: one per line, except that a hard-wrapped
    line (nearly as long as the block's longest, ending mid-sentence) runs on into the next."""
    lines = [" ".join(line.split()) for line in block.split("\n")]
    lines = [line for line in lines if line]
    width = max((len(line) for line in lines), default=0)
    found: list[str] = []
    continues = False
    for line in lines:
        if continues:
            found[-1] = f"{found[-1]} {line}"
        else:
            found.append(line)
        continues = (
            width <= _WRAP_WIDTH and len(line) >= 0.6 * width and not line.endswith(_SENTENCE_END)
        )
    return found


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs, whitespace folded.

    Captures separate paragraphs by blank lines, by single newlines, or both; a paragraph may
    also be hard-wrapped over several lines, which are joined again.
    """
    text = normalise_newlines(text).strip()
    return [found for block in _BLANK_LINE.split(text) for found in _block_paragraphs(block)]


def fingerprint(body: str) -> str:
    """A digest of the words of a text, blind to case, punctuation and spacing.

    Two captures of one article differ in such details, never in their words, so this is what
    makes a second capture join the article instead of duplicating it.
    """
    words = _NOT_WORD.sub(" ", body.casefold()).strip()
    return hashlib.sha256(words.encode("utf-8")).hexdigest()
