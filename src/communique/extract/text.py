"""Plain-text handling shared by every extraction step: line endings, paragraphs, fingerprints."""

from __future__ import annotations

import hashlib
import re

from communique.extract.vocabulary import GLUED_NAMES

__all__ = [
    "END_MARK",
    "MAX_HEADLINE",
    "clean_headline",
    "clean_paragraph",
    "fingerprint",
    "normalise_newlines",
    "paragraphs",
    "sentences",
]

_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_newlines(text: str) -> str:
    """Drop a byte-order mark and fold CRLF and lone CR into LF, so patterns see one form."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


_SENTENCE_END = (".", "!", "?", ":", '"', "\u201d", "\u2019", ")", "-0-")
_WRAP_WIDTH = 120
"""Lines longer than this are whole paragraphs; shorter ones may be hard-wrapped."""


# Lines that always start a paragraph of their own: a dateline ("Pyongyang, July 21 (KCNA)")
# or a list item ("1. ...", "(a) ...", "- ...").
_OWN_PARAGRAPH = re.compile(
    r"[A-Z][\w'.\- ]{1,40},\s*[A-Za-z]{3,9}\.?\s+\d{1,2}\b"
    r"|(?:\d{1,2}[.)]|\([a-z0-9]{1,2}\)|[-\u2022o])\s"
)


def _block_paragraphs(block: str) -> list[str]:
    """Paragraphs in a block without blank lines: one per line, except that hard-wrapped
    lines (nearly as long as the block's longest, most ending mid-sentence) run on."""
    lines = [" ".join(line.split()) for line in block.split("\n")]
    lines = [line for line in lines if line]
    width = max((len(line) for line in lines), default=0)
    wrapped = width <= _WRAP_WIDTH
    inner = lines[:-1]
    mid_sentence = sum(not line.endswith(_SENTENCE_END) for line in inner)
    if (
        wrapped
        and inner
        and all(_fills(line, width) for line in inner)
        and 2 * mid_sentence >= len(inner)
        and not any(_OWN_PARAGRAPH.match(line) for line in lines[1:])
    ):
        return [" ".join(lines)]  # one hard-wrapped paragraph, whatever a line happens to end
    found: list[list[str]] = []
    continues = False
    for line in lines:
        if continues and not _OWN_PARAGRAPH.match(line):
            found[-1].append(line)
        else:
            found.append([line])
        continues = wrapped and _fills(line, width) and not line.endswith(_SENTENCE_END)
    return [" ".join(parts) for parts in found]


def _fills(line: str, width: int) -> bool:
    """Whether a line runs nearly to the block's width, as hard-wrapped lines do."""
    return len(line) >= 0.6 * width


def paragraphs(text: str, *, one_per_line: bool = False) -> list[str]:
    """Split text into paragraphs, whitespace folded.

    Captures separate paragraphs by blank lines, by single newlines, or both; a paragraph may
    also be hard-wrapped over several lines, which are joined again. Archive records are
    never wrapped: with `one_per_line`, every line is a paragraph.
    """
    text = normalise_newlines(text).strip()
    if one_per_line:
        return [folded for line in text.split("\n") if (folded := " ".join(line.split()))]
    return [found for block in _BLANK_LINE.split(text) for found in _block_paragraphs(block)]


def fingerprint(body: str) -> str:
    """A digest of the words of a text, blind to case, punctuation and spacing.

    Two captures of one article differ in such details, never in their words, so this is what
    makes a second capture join the article instead of duplicating it.
    """
    folded = body.casefold()
    if not folded.isascii():
        for mark in _COMMON_MARKS:  # not word characters: spaces either way
            folded = folded.replace(mark, " ")
    if folded.isascii():  # most texts: a byte table does what the pattern does, faster
        words = " ".join(folded.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split())
    else:
        words = _NOT_WORD.sub(" ", folded).strip()
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


_COMMON_MARKS = ("\u2019", "\u2018", "\u201c", "\u201d", "\u2013", "\u2014", "\u2026", "\u00a0")
_ASCII_WORDS = bytes(code if chr(code).isalnum() else 32 for code in range(128)) + bytes(
    32 for _ in range(128)
)
"""Letters and digits stay, every other byte becomes a space: `_NOT_WORD` for ASCII."""


_NAMES = "|".join(re.escape(name) for name in GLUED_NAMES)
_GLUED_BEFORE = re.compile(rf"(?<=[a-z0-9,;:])(?=(?:{_NAMES}))")
_GLUED_AFTER = re.compile(rf"(?P<name>{_NAMES})(?=[a-z])")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[,.;:!?](?:\s|$))")
_GLUED_NAME = re.compile(_NAMES)
_SPACED_PUNCTUATION = re.compile(" [,.;:!?]")
"""Cheap tests for whether the patterns above can find anything (spaces are folded by then)."""
END_MARK = re.compile(r"\s*-0-\s*$")
"""The wire's end mark, " -0-", that closes an article."""
MAX_HEADLINE = 300
"""A paragraph longer than this is never a headline."""
# "[Juche113.2.11.]", "[2024.02.11.]": date stamps the archive appends to some headlines.
_HEADLINE_STAMP = re.compile(r"\s*\[(?:Juche\s*)?\d{2,4}\.\d{1,2}\.\d{1,2}\.?\]\s*$")


def clean_paragraph(text: str) -> str:
    """Repair scrape damage in a paragraph: names glued to their neighbours ("toKim Jong Un"),
    non-breaking and doubled spaces, spaces before punctuation, the wire's end mark "-0-"."""
    # str.split takes the non-breaking space for a space; every white space but " " is
    # unprintable, so printable text without doubled or outer spaces is folded already.
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())
    if _GLUED_NAME.search(text):  # the patterns are slow; most text has no name to unglue
        text = _GLUED_BEFORE.sub(" ", _GLUED_AFTER.sub(r"\g<name> ", text))
    if _SPACED_PUNCTUATION.search(text):
        text = _SPACE_BEFORE_PUNCTUATION.sub("", text)
    return END_MARK.sub("", text) if "-0-" in text else text


def clean_headline(text: str | None) -> str | None:
    """A headline on one line without the archive's date stamp; None when nothing else is
    left (some records carry only the stamp)."""
    if text is None:
        return None
    text = clean_paragraph(text)
    while (stamped := _HEADLINE_STAMP.sub("", text)) != text:
        text = stamped
    return text or None


_SENTENCE_START = re.compile(
    r"(?:(?<=[a-z0-9\"\u201d)][.!?])|(?<=[.!?][\"\u201d]))\s+(?=[A-Z\"\u201c])"
)


def sentences(text: str) -> list[str]:
    """`text` cut before each sentence that starts after a full stop, question or exclamation
    mark (an abbreviation's full stop followed by a capital can cut too: good enough for
    finding the sentence that introduces a document)."""
    return _SENTENCE_START.split(text)
