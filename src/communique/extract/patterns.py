"""Regular expressions built from word lists.

Python's engine tries the alternatives of `a|b|c` one after another at every place it looks,
so a list of a few hundred verbs costs a few hundred tries at each word of a text. The same
words as a trie ("call(?:ed|s)?") cost one try per letter, and match exactly what the
alternation, longest word first, matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["any_of"]

_Trie = dict[str, "_Trie"]
_END = ""


def any_of(words: Iterable[str]) -> str:
    """A pattern for any of `words` (taken literally); where one word begins another, the
    longer is tried first, as in an alternation sorted longest first."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _pattern(trie) if trie else "(?!)"


def _pattern(node: _Trie) -> str:
    branches = [re.escape(char) + _pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy: the longer words through this node are tried before the one that ends here.
    return f"(?:{body})?" if _END in node else body
