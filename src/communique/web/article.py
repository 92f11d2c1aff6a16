"""An article laid out for reading in a browser: its body paragraph by paragraph as the page
gave it, each paragraph that is a point of a published document marked with that point.

Pure: the article as `communique show --format json` gives it in, the layout out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Paragraph", "layout", "placed_points", "visible", "web_link"]


@dataclass
class Paragraph:
    """One paragraph of the body, and the points (with their declaration) it holds."""

    text: str
    points: list[dict[str, Any]] = field(default_factory=list)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Text with its control characters (but line breaks and tabs) shown as escapes, as
    the terminal shows them: captured text may carry any byte, and a reader should see it."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def web_link(url: str | None) -> str | None:
    """The URL when a browser may follow it (http or https), else None: a captured link
    could say `javascript:`, and is then shown as text, never as a link."""
    if url and url.split(":", 1)[0].lower() in ("http", "https"):
        return url
    return None


def _folded(text: str) -> str:
    return " ".join(text.split())


def layout(article: dict[str, Any]) -> list[Paragraph]:
    """The body's paragraphs, each with the points whose text it is or contains. Points are
    stored verbatim from the body, so a point is found in its paragraph whatever the spacing;
    a point found in no paragraph is still listed under its declaration."""
    paragraphs = [
        Paragraph(text=part.strip()) for part in (article.get("body") or "").split("\n\n")
    ]
    paragraphs = [paragraph for paragraph in paragraphs if paragraph.text]
    folded = [_folded(paragraph.text) for paragraph in paragraphs]
    start = 0
    for declaration in article.get("declarations", []):
        for point in declaration["points"]:
            text = _folded(point["text"])
            # Points follow the body's order: look from the last one found, then anywhere.
            order = [*range(start, len(paragraphs)), *range(start)]
            for index in order:
                if text and text in folded[index]:
                    paragraphs[index].points.append({**point, "declaration": declaration})
                    start = index
                    break
    return paragraphs


def placed_points(paragraphs: list[Paragraph]) -> set[int]:
    """The ids of the points `layout` found in the body; the others are listed whole under
    their declaration."""
    return {point["id"] for paragraph in paragraphs for point in paragraph.points}
