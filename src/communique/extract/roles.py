"""Which paragraphs after a document's introduction are points, and which state no position.

Not every paragraph after an introduction is the document's: forms of address ("Your
Excellency,", "Comrades,"), closing formulas ("Please accept ..."), headings and signatures,
and the reporter's own narration inside or after the document ("The message wished ...",
"In the letter, the members noted ...", "He went on:", "When his speech was over, ...") state
no position, and are not stored as points.
"""

from __future__ import annotations

import re

from communique.extract.vocabulary import DOCUMENT_KINDS, KIND_ALIASES, NEWSPAPERS

__all__ = ["ends_document", "not_a_point", "reintroduces"]

_DOCUMENT_WORDS = "|".join(
    re.escape(word) for word in sorted({*DOCUMENT_KINDS, *KIND_ALIASES, "paper"}, key=len)[::-1]
)
_NEWSPAPERS = "|".join(re.escape(name) for name in NEWSPAPERS)
_TELLS = (
    r"said|says|noted|notes|stressed|stresses|expressed|expresses|wished|wishes|hoped|hopes|"
    r"added|adds|went\s+on|goes\s+on|continued|continues|pointed\s+out|points\s+out|referred|"
    r"refers|underscored|underscores|emphasized|emphasizes|emphasised|called|calls|urged|urges|"
    r"disclosed|discloses|concluded|concludes|extended|extends|conveyed|conveys|praised|praises|"
    r"mentioned|mentions|recalled|recalls|stated|states|reads"
)
_SPEAKERS = (
    r"chairman|chairwoman|president|premier|minister|foreign\s+minister|secretary|general\s+"
    r"secretary|marshal|leader|ambassador|speaker|spokes(?:man|woman|person)"
)
_NARRATION = re.compile(
    rf"^(?:(?:The|This|His|Her|Its|Their)\s+(?:[A-Z][\w-]+\s+)?"
    rf"(?:{_DOCUMENT_WORDS}|(?i:{_SPEAKERS}))\s+(?:also\s+|then\s+|further\s+)?(?:{_TELLS})\b"
    rf"|(?:Saying|Referring|Noting|Stressing|Pointing\s+out|Emphasizing|Emphasising|"
    rf"Underlining|Underscoring|Expressing|Adding)\b(?!.*\b(?:I|my|me)\b)"
    rf"|In\s+(?:the|his|her|its|their)\s+(?:{_DOCUMENT_WORDS})\b"
    rf"|(?:He|She)\s+(?:also\s+|then\s+|further\s+)?(?:{_TELLS})\b"
    rf"|(?:{_NEWSPAPERS})\s+(?:\w+day\s+)?(?:also\s+)?(?:{_TELLS})\b"
    rf"|[^,.;:]{{1,100}}?\bin\s+(?:the|an?|his|her|its|their)\s+(?:{_DOCUMENT_WORDS})\s+"
    rf"(?:also\s+)?(?:{_TELLS})\b)"
)
"""The reporter speaking of the document, not the document speaking: "The message wished
Kim Jong Un good health", "In the letter, the members noted ...", "He went on:", "Referring
to ..., he said that ..."."""
_SPEECH_NARRATION = re.compile(
    rf"^(?:(?:The|A|An)\s+(?:[A-Z][\w-]+\s+|first\s+|former\s+|vice[\s-]+)?(?i:{_SPEAKERS})\b"
    rf"[^.;:]{{0,160}}?\s(?:also\s+)?(?:{_TELLS})\b"
    r"|Meanwhile\b"
    r"|[A-Z]\w+ing\b[^.;:]{0,200}?,\s+(?:he|she)\s+[a-z]+"
    r"|Upon\s+\w+ing\b)"
    r"|\bsaying\s+that\b"
    r"|\b(?:was|were)\s+(?:adopted|held|conveyed|sent|read\s+out|given|presented|laid)\b"
    r"|\b(?:said|stressed|noted|added|emphasized|underscored|stated)\s+that\b"
)
"""In a speech the speaker says "I" and "we": the reporter's third person around it ("The first
secretary of ... said that ...", "Going round the site, he learned ...") is narration."""
_REPORTED = re.compile(
    rf"\b(?:he|she)\s+(?:also\s+)?(?:{_TELLS})(?:\s+that\b|,\s+(?:and\s+)?(?:\w+ing|"
    rf"continued|went\s+on|added)\b|\s*:$)"
    rf"|\b(?:and\s+)?(?:said|continued|went\s+on|added|noted|stressed)\s*:$"
    rf"|,\s*(?:[A-Z][\w'\u2019-]+\s+){{1,3}}(?:said|stressed|noted|added),\s"
    rf"|\b(?i:the)\s+(?i:{_SPEAKERS})\b[^.]{{0,200}}?\b(?:said|stressed|noted)\s+that\b"
)
"""Reported speech inside a paragraph: "..., he said that ...", "..., he said, calling for
...", "He analyzed the work and said:"."""
_REPORTING_WORDS = (" he ", " she ", "said", "stressed", "noted", "added")


def _may_report(text: str) -> bool:
    """Whether `_REPORTED` can match at all: plain substring tests, four times cheaper than
    the expression over the many paragraphs that hold none of its words."""
    return text.endswith(":") or any(word in text for word in _REPORTING_WORDS)


_FIRST_PERSON = re.compile(r"\b(?:I|me|my|we|We|us|our|Our|ours)\b")
_THIRD_PERSON = re.compile(r"\b(?:he|He|his|His|him|she|She|her|Her)\b")
"""A speaker says "I" and "we"; the reporter, "he" and "his"."""
_REINTRODUCES = re.compile(
    r"\b(?:said|says|added|continued|went\s+on|stressed|noted|adding|continuing|stressing|"
    r"noting|saying)\s*:$"
)
_QUOTE_GOES_ON = re.compile(r":\s+\S.{20,}")
_FORMULAS = frozenset(
    ["how are you?", "thank you.", "thank you!", "thank you very much.", "thank you all."]
)
_CLOSING = re.compile(
    r"^(?:Please\s+accept|Accept,?\s+(?:Your|Mr\.|Madam)|(?:Yours\s+)?(?:Sincerely|Respectfully|"
    r"Faithfully)|(?:With\s+)?(?:my\s+)?(?i:best|warm|warmest|deep|deepest|high|highest|sincere)"
    r"\s+(?:regards|wishes|respect|consideration)\b)"
)
_ENDS_A_STATEMENT = re.compile(r"[.!?:;][\"\u201d\u2019')\]]*$")
_END_MARK = re.compile(r"\s*-0-\s*$")
_HEADING_WORDS = 20


_ENDED = re.compile(
    rf"^(?:(?:When|After|As\s+soon\s+as)\s+(?:his|her|the|its|their)\s+(?:{_DOCUMENT_WORDS})\s+"
    r"(?:was\s+over|ended|was\s+finished|was\s+concluded|concluded)"
    rf"|(?:After|Following|At\s+the\s+end\s+of)\s+(?:his|her|the|its|their)\s+"
    rf"(?:{_DOCUMENT_WORDS})\b"
    rf"|The\s+(?:{_DOCUMENT_WORDS})\s+was\s+(?:followed|greeted|received|over)\b)"
)
"""The reporter saying the document is over: "When his speech was over, ..."."""


def ends_document(paragraph: str) -> bool:
    """Whether a paragraph says the document is over: it and the rest are the report's."""
    return bool(_ENDED.match(paragraph))


def not_a_point(paragraph: str, *, spoken: bool = False, fresh: bool = False) -> str | None:
    """Why a paragraph after an introduction states no position, or None when it is a point
    (see the docstring of the module): "formula" (an address ends with a comma), "heading"
    (a heading or signature ends with no stop), or "narration" (the reporter's words).
    `spoken`: the document is a speech, around which the reporter speaks of the speaker;
    `fresh`: the paragraph comes right after "he said:", so its "he" is the speaker's own
    words about someone, not the reporter's."""
    text = _END_MARK.sub("", paragraph).strip()
    if not text or text.endswith(",") or text.casefold() in _FORMULAS or _CLOSING.match(text):
        return "formula"
    if not _ENDS_A_STATEMENT.search(text) and len(text.split()) <= _HEADING_WORDS:
        return "heading"
    if _NARRATION.match(text):
        return "narration"
    if (
        spoken
        and not fresh
        and not _QUOTE_GOES_ON.search(text)
        and (
            _SPEECH_NARRATION.search(text)
            or (_THIRD_PERSON.search(text) and not _FIRST_PERSON.search(text))
        )
    ):
        return "narration"
    if not _may_report(text):
        return None
    reported = _REPORTED.search(text)
    # "..., he said, adding: <his words>": the quotation goes on in the same paragraph; and
    # a speaker's own "our purpose ..., he said, adding ..." is still his words.
    if (
        reported is not None
        and not _QUOTE_GOES_ON.search(text, reported.end())
        and not (spoken and _FIRST_PERSON.search(text))
    ):
        return "narration"
    return None


def reintroduces(paragraph: str) -> bool:
    """Whether a paragraph hands back to the speaker ("He then continued:", "After indicating
    the tasks, Kim Jong Un went on:"): a speech quoted in stretches resumes after it."""
    return bool(_REINTRODUCES.search(paragraph.strip()))
