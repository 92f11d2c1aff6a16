"""Turning an input's bytes into text without losing a byte.

The text is kept exactly as decoded (a byte-order mark stays in it), so that encoding it again
with the recorded encoding gives back the bytes whose sha256 is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from communique.errors import InputRefused

__all__ = ["DecodedText", "decode"]

_HTML_TAGS = ("<!doctype html", "<html", "<head", "<body")
"""A saved web page rather than its text (it starts with markup, and these tags come early):
loading the markup as an article would bury the text in tags and scripts, so it is refused
with what to do instead. No article's text starts with "<"."""

_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    sha256: str


def _decode_utf16(data: bytes) -> tuple[str, str] | None:
    encoding = _UTF16_BOMS.get(data[:2])
    if encoding is None:
        return None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise InputRefused(
            f"not valid UTF-16 text ({error.reason} at byte {error.start})"
        ) from None


def _decode_8bit(data: bytes) -> tuple[str, str]:
    """UTF-8 when it is, else Windows-1252: the encoding of most non-UTF-8 captures from the
    English-language web, whose smart quotes are what usually breaks UTF-8."""
    if b"\x00" in data:
        raise InputRefused("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise InputRefused(
                f"not UTF-8 or Windows-1252 text (byte 0x{data[utf8_error.start]:02x}"
                f" at offset {utf8_error.start}); convert it to UTF-8 first"
            ) from None


def decode(data: bytes) -> DecodedText:
    if not data:
        raise InputRefused("empty file")
    text, encoding = _decode_utf16(data) or _decode_8bit(data)
    if "\x00" in text:  # UTF-32, or binary behind a UTF-16 byte-order mark
        raise InputRefused("binary file (contains NUL characters), not text")
    start = text.removeprefix("\ufeff").lstrip()
    if not start:
        raise InputRefused("contains only whitespace")
    if start.startswith("<") and any(tag in start[:4096].lower() for tag in _HTML_TAGS):
        raise InputRefused("an HTML page, not text; save the article as plain text and load that")
    return DecodedText(text, encoding, hashlib.sha256(data).hexdigest())
