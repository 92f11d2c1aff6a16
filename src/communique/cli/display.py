"""Captured text made safe to show to a person: what every human-readable output goes through.

Captures come from the web and may hold anything: escape sequences that clear the screen, set
the window title or forge hyperlinks (ESC, and the 8-bit C1 controls such as U+009B, which
some terminals act on as ESC [), carriage returns and newlines that forge or overwrite lines,
and bidirectional overrides that show text in another order than it is stored in. Stored text
stays exactly as captured, and machine formats (json, jsonl, csv) carry it exactly; only text
for reading (tables, `show`, `report`, search snippets, messages) passes through `printable`,
on a terminal and in a pipe alike, since a pipe often ends in a terminal (`| less -R`, `| tee`).

Standard library only, and `re` imported on first use, so that any module may use it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re

__all__ = ["Printable", "printable", "quoted"]

_CONTROLS = (
    "\x00-\x1f\x7f-\x9f"  # C0 (tab and newline included: a line stays one line), DEL, C1
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ud800-\udfff"  # lone surrogates (undecodable file names): no encoding can write them
)
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


class Printable(str):
    """Text already made printable, possibly with markup of our own added afterwards (bold
    search matches on a terminal): a table writes it as it is instead of escaping it again."""


@cache
def _pattern() -> re.Pattern[str]:
    import re

    return re.compile(f"[{_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _SHORT:
        return _SHORT[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character shown as a visible escape (ESC as the four
    characters \\x1b, a newline as \\n, U+202E as \\u202e): nothing in it acts on a
    terminal or starts a new line. Everything else, backslashes included, is left as it is,
    so ordinary text reads exactly as stored."""
    if text.isprintable():  # the usual case, answered in C: nothing escaped is printable
        return text
    return _pattern().sub(_escape, text)


def quoted(name: str) -> str:
    """A file name for a message: as it is when it is plain, quoted and escaped as Python
    writes a string ('a\\nb.txt') when it holds a newline or any other control character, so
    that a name can never forge a line of output or hide where it ends."""
    return repr(name) if _pattern().search(name) else name
