"""An article as text for reading in a terminal: what `communique show` prints.

Every line is made printable as the text is put together (communique.cli.display): a headline,
name or point that holds a newline or an escape sequence shows it escaped, on one line.
"""

from __future__ import annotations

import textwrap
from typing import Any

from communique.cli.display import printable
from communique.read.listings import dateline_as_said

__all__ = ["WIDTH", "render_article", "render_coverage"]

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
        party = attribution["party"]
        if attribution["for_state"] != party:
            # An organisation or person: say whom it speaks for ("DPRK Foreign Ministry [for
            # DPRK]", "CPRF [for no state]").
            party = f"{party} [for {attribution['for_state'] or 'no state'}]"
        by_rule.setdefault(rule, []).append(party)
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
    ]
    return "\n".join(lines)
