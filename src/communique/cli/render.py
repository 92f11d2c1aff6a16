"""An article as text for reading in a terminal: what `communique show` prints.

Every line is made printable as the text is put together (communique.cli.display): a headline,
name or point that holds a newline or an escape sequence shows it escaped, on one line.
"""

from __future__ import annotations

import textwrap
from typing import Any

from communique.cli.display import printable
from communique.read.listings import dateline_as_said, speaker

__all__ = ["WIDTH", "render_article", "render_coverage", "render_history"]

WIDTH = 88
"""The width `show` wraps to when it does not write to a terminal."""
_LABEL = 13


def _wrapped(text: str, indent: str, width: int, *, hanging: str | None = None) -> list[str]:
    """The text's lines, made printable first and then wrapped to `width` (its tabs and
    newlines become spaces, as in a paragraph; a word longer than a line, such as a link, is
    broken), the first after `indent`, the others after `hanging` (as wide as `indent`). On a
    terminal too narrow for the indent and some text, the indent stands on a line of its own
    and the text follows from the left edge."""
    rest = " " * len(indent) if hanging is None else hanging
    shown = printable(text)
    if width < max(len(indent), len(rest)) + 12:
        head = [indent.rstrip()[:width]] if indent.strip() else []
        return head + (textwrap.wrap(shown, width, break_on_hyphens=False) or [])
    lines = textwrap.wrap(
        shown, width, initial_indent=indent, subsequent_indent=rest, break_on_hyphens=False
    )
    return lines or [indent.rstrip()]


def _field(label: str, value: Any, width: int | None) -> list[str]:
    """A labelled line: wrapped to a terminal's `width`, whole on one line elsewhere."""
    text = str(value) if value is not None else "-"
    label = f"{label + ':':<{_LABEL}}"
    return _wrapped(text, label, width) if width else [label + printable(" ".join(text.split()))]


def _captures(captures: list[dict[str, Any]], width: int | None) -> list[str]:
    lines = []
    for capture in captures:
        site = capture["carrier_name"] or "no known carrier"
        section = f', section "{capture["section"]}"' if capture["section"] else ""
        where = capture["url"] or capture["origin"]
        for text, indent in (
            (f"document {capture['document_id']}: {site}{section}", "  "),
            (where, "    "),
        ):
            lines.extend(_wrapped(text, indent, width) if width else [indent + printable(text)])
    return lines


def _declaration(declaration: dict[str, Any], width: int | None) -> list[str]:
    kind = declaration["kind"].capitalize()
    title = declaration["title"]
    heading = f"{kind}: {title}" if title else kind
    lines = ["", *(_wrapped(heading, "", width) if width else [printable(heading)])]
    text_width = width or WIDTH
    if declaration["signed"] or declaration["signed_place"]:
        place = declaration["signed_place"] or "-"
        signed = f"{place}, {declaration['signed'] or 'date unknown'}"
        lines.extend(_field("Signed", signed, width))
    if declaration["issuer"]:
        lines.extend(_field("Issuer", declaration["issuer"], width))
    speaks = _attributed(declaration["speaks_for"]) or "unknown (the text does not say)"
    lines.extend(_field("Speaks for", speaks, width))
    for signatory in declaration["signatories"]:
        office = f", {signatory['title']}" if signatory["title"] else ""
        party = f" ({signatory['party_name']})" if signatory["party_name"] else ""
        lines.extend(_field("Signatory", f"{signatory['name']}{office}{party}", width))
    if declaration["intro"]:
        lines.extend(_field("Introduced", f'"{declaration["intro"]}"', width))
    lines.append(f"Points ({len(declaration['points'])}):")
    for point in declaration["points"]:
        lines.extend(_wrapped(point["text"], f"{point['ordinal']:>3}. ", text_width))
        held = _attributed(point["holders"]) or "unknown (the text does not say)"
        lines.extend(_wrapped(held, "       held by: ", text_width, hanging=" " * 16))
    return lines


def _attributed(attributions: list[dict[str, Any]]) -> str:
    """Parties with the rule that attributed them, those of one rule together: "DPRK, Russia
    (both-sides)"; "Rodong Sinmun [for DPRK] (issuer)"."""
    by_rule: dict[str, list[str]] = {}
    for attribution in attributions:
        rule = attribution["rule"] or "rule not recorded"
        by_rule.setdefault(rule, []).append(speaker(attribution))
    return "; ".join(f"{', '.join(parties)} ({rule})" for rule, parties in by_rule.items())


def render_article(article: dict[str, Any], width: int | None = None) -> str:
    """The whole article for reading: its facts, its body paragraph by paragraph, then each
    document it publishes with its points and holders. On a terminal of `width` columns no
    line is wider; elsewhere (`width` None) each fact is one line and the texts are wrapped
    to `WIDTH`."""
    source = article["source_name"] and f"{article['source_name']} ({article['source']})"
    headline = f"Article {article['id']}: {article['headline'] or '(no headline)'}"
    lines = [
        *(_wrapped(headline, "", width) if width else [printable(headline)]),
        *_field("Published", article["published"], width),
        *_field("Dateline", dateline_as_said(article), width),
        *_field("Source", source, width),
        f"Captures ({len(article['captures'])}):",
        *_captures(article["captures"], width),
    ]
    for item in article.get("items", []):
        if item["followed"]:
            state = "current version" if item["current"] else "superseded by a later version"
            marks = [state] + [mark for mark in ("withdrawn", "alternating") if item[mark]]
            lines.extend(
                _field("Item", f"{item['url']} in {item['archive']} ({', '.join(marks)})", width)
            )
    for paragraph in article["body"].split("\n\n"):
        lines.extend(["", *_wrapped(paragraph, "", width or WIDTH)])
    for declaration in article["declarations"]:
        lines.extend(_declaration(declaration, width))
    return "\n".join(printable(line) for line in lines)


def _breakdown(counts: dict[str, int]) -> list[str]:
    """One aligned line per name; names come from the store (and the user's vocabularies),
    so they are made printable before they are padded."""
    return [f"  {printable(str(name)):<26}{count}" for name, count in counts.items()]


def render_coverage(coverage: dict[str, Any]) -> str:
    """The coverage report as aligned lines, one section per breakdown."""
    lines = [
        f"{'documents':<28}{coverage['documents']}",
        *_breakdown(coverage["documents_by_status"]),
        f"{'articles':<28}{coverage['articles']}",
        f"  {'with dateline':<26}{coverage['articles_with_dateline']}"
        f" ({coverage['articles_with_dateline_percent']}%)",
        f"  {'with full date':<26}{coverage['articles_with_full_date']}"
        f" ({coverage['articles_with_full_date_percent']}%)",
        f"{'published documents':<28}{coverage['published_documents']}",
        *_breakdown(coverage["published_documents_by_kind"]),
        f"{'points':<28}{coverage['points']}",
        f"  {'unattributed':<26}{coverage['points_unattributed']}",
        "  by topic:",
        *_breakdown(coverage["points_by_topic"]),
        "  by party:",
        *_breakdown(coverage["points_by_party"]),
        "  attributions by rule:",
        *_breakdown(coverage["points_by_rule"]),
        f"{'from an older extraction':<28}{coverage['documents_from_older_extraction']}",
        f"{'snapshots':<28}{coverage['snapshots']} (of {coverage['archives_followed']} archive(s))",
        f"  {'items followed':<26}{coverage['items_followed']}",
        f"  {'withdrawn now':<26}{coverage['items_withdrawn']}",
        f"  {'alternating':<26}{coverage['items_alternating']}",
        f"  {'articles superseded':<26}{coverage['articles_superseded']}"
        " (left out of listings unless --all-versions)",
    ]
    return "\n".join(lines)


_CONTEXT = 8
"""Unchanged words shown on each side of a change in a history's differences."""


def _differences(operations: list[dict[str, str]]) -> list[str]:
    """The changed stretches of text, each with a few unchanged words around it: deleted
    words [-like this-], inserted words {+like this+}. A long unchanged run between two
    changes is cut to its ends, and ends one stretch and begins the next."""
    stretches: list[list[str]] = [[]]
    last = len(operations) - 1
    for index, operation in enumerate(operations):
        if operation["op"] != "equal":
            if operation["before"]:
                stretches[-1].append(f"[-{operation['before']}-]")
            if operation["after"]:
                stretches[-1].append(f"{{+{operation['after']}+}}")
            continue
        words = operation["before"].split()
        lead = words[:_CONTEXT] if index > 0 else []
        tail = words[-_CONTEXT:] if index < last else []
        if len(words) <= 2 * _CONTEXT and index not in (0, last):
            stretches[-1].extend(words)
            continue
        stretches[-1].extend([*lead, "…"] if lead else [])
        if index < last:
            stretches.append(["…", *tail] if len(words) > len(tail) else list(tail))
    return [" ".join(words) for words in stretches if any(w not in ("…",) for w in words)]


def render_history(items: list[dict[str, Any]], width: int | None = None) -> str:
    """An item's versions, changes and differences for reading: fitted to a terminal's
    `width`, each fact whole on one line elsewhere (texts wrapped to `WIDTH`)."""
    lines: list[str] = []

    def put(text: str, indent: str = "") -> None:
        lines.extend(
            _wrapped(text, indent, width or WIDTH) if width or indent else [printable(text)]
        )

    for item in items:
        if lines:
            lines.append("")
        marks = [mark for mark in ("alternating", "withdrawn") if item[mark]]
        put(
            f"Item {item['url']} in {item['archive']}" + (f" ({', '.join(marks)})" if marks else "")
        )
        for version in item["versions"]:
            seen = ", ".join(version["seen"]) or "no snapshot (loaded before snapshots were kept)"
            article = f"article {version['article_id']}" if version["article_id"] else "no text"
            headlines = " / ".join(version["headlines"])
            put(f"Version {version['number']}: {article}; seen {seen}", "  ")
            if headlines:
                put(headlines, "    ")
        if item["changes"]:
            put(
                "Changes: " + ", ".join(f"{c['as_of']} {c['change']}" for c in item["changes"]),
                "  ",
            )
        for difference in item["diffs"]:
            put(f"Version {difference['from']} → {difference['to']}:", "  ")
            stretches = _differences(difference["operations"])
            for stretch in stretches or ["(the same words; only spacing differs)"]:
                put(stretch, "    ")
            for label, texts in (
                ("point removed", difference["points_removed"]),
                ("point added", difference["points_added"]),
            ):
                for text in texts:
                    put(f"{label}: {text}", "    ")
    return "\n".join(printable(line) for line in lines)
