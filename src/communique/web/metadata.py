"""What Datasette shows about a communique database: the schema page's own words for every
table, view and column, and the settings that make the file easy to browse (labels, facets,
search on the views, and queries for the questions people ask).

The explanations are read from docs/schema.md, shipped in the package, so that the manual and
the browser can never say different things. Pure: text in, a metadata dictionary out; nothing
here imports Datasette.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Relation", "SchemaPage", "metadata", "parse_schema_page"]


@dataclass
class Relation:
    """One table or view as the schema page explains it."""

    title: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class SchemaPage:
    """The schema page read: the database's own explanation, then each table and view."""

    description: str
    relations: dict[str, Relation]


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_EMPHASIS = re.compile(r"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])")


def plain(markdown: str) -> str:
    """The page's inline markdown as plain text: code marks, emphasis and link targets go
    (a link to another page of the manual means nothing in a browser on the data)."""
    return _EMPHASIS.sub(r"\1", _STRONG.sub(r"\1", _CODE.sub(r"\1", _LINK.sub(r"\1", markdown))))


def as_html(markdown: str) -> str:
    """The page's inline markdown as HTML, every character of the text escaped."""
    text = html.escape(_LINK.sub(r"\1", markdown), quote=False)
    text = _CODE.sub(r"<code>\1</code>", text)
    return _EMPHASIS.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", text))


def _paragraphs(lines: list[str]) -> str:
    """Prose lines joined into paragraphs separated by a blank line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs)


def parse_schema_page(text: str) -> SchemaPage:
    """Read docs/schema.md: each `### \\`name\\`: title` heading opens a table or view (a
    heading may name several, which then share the section), the prose under it describes
    it, and each row of its table of columns names one or more columns and says what they
    hold; in a shared section, a row whose meaning starts "in `name`:" is that one's alone.
    Code blocks (example queries) are not descriptions."""
    relations: dict[str, Relation] = {}
    intro: list[str] = []
    prose: list[str] = []
    names: list[str] = []
    in_code, in_intro = False, True

    def close() -> None:
        for name in names:
            relations[name].description = _paragraphs(prose)

    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if line.startswith("## "):
            close()
            in_intro, names, prose = False, [], []
        elif line.startswith("### "):
            close()
            heading = line[4:]
            names = _CODE.findall(heading.split(":", 1)[0])
            title = heading.split(":", 1)[1].strip() if ":" in heading else ""
            prose = []
            for name in names:
                relations[name] = Relation(title=title, description="")
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            columns = _CODE.findall(cells[0])
            if names and columns and len(cells) >= 2:
                meaning = "|".join(cells[1:]).strip()
                # In a section naming several, "in `name`: ..." is a column of that one only.
                own = re.match(r"in `(\w+)`:", meaning)
                for name in [own.group(1)] if own and own.group(1) in names else names:
                    for column in columns:
                        relations[name].columns[column] = meaning
        elif in_intro and not line.startswith("# "):
            intro.append(line)
        elif names:
            prose.append(line)
    close()
    return SchemaPage(description=_paragraphs(intro), relations=relations)


_FACETS: dict[str, list[str]] = {
    "article_overview": ["source"],
    "change_overview": ["change", "archive", "as_of"],
    "point_overview": ["declaration_kind", "speaks_for", "source"],
    "declaration_overview": ["kind", "speaks_for", "source"],
    "documents": ["status", "format", "carrier_id"],
    "articles": ["source_id", "published_year", "published_from"],
    "declarations": ["kind", "signed_from"],
    "declaration_parties": ["rule"],
    "parties": ["kind", "speaks_for_state"],
    "point_parties": ["rule"],
    "sources": ["kind"],
}
"""Facets shown without asking: the columns people narrow by (few distinct values each)."""

_LABELS: dict[str, str] = {
    "articles": "headline",
    "declarations": "kind",
    "documents": "origin",
    "parties": "short_name",
    "signatories": "name",
    "sources": "name",
    "topics": "name",
}
"""The column that names a row where another table points at it. A declaration's title is
mostly empty, so its kind names it."""

_SORTS: dict[str, tuple[str, str]] = {
    "article_overview": ("sort_desc", "published"),
    "declaration_overview": ("sort_desc", "published"),
    "point_overview": ("sort", "id"),
    "change_overview": ("sort_desc", "as_of"),
}

_SEARCHED: dict[str, tuple[str, str]] = {
    "article_overview": ("articles_fts", "id"),
    "point_overview": ("declaration_points_fts", "id"),
}
"""Views searched through their table's full-text index (`?_search=` on the view)."""

_VOICE = """(pa.slug = :party OR (pa.speaks_for_state AND st.slug = :party))"""
"""A holder that is the party, or a body that speaks for it (as `--party` means)."""

QUERIES: dict[str, dict[str, str]] = {
    "points_of_a_declaration": {
        "title": "The points of one declaration, with their holders",
        "description": (
            "Every point of a declaration in order, who holds it and by which rule, and its"
            " topics. The declaration's id is in declaration_overview."
        ),
        "sql": """
select po.ordinal, po.label, po.text,
       coalesce((select group_concat(pa.short_name || ' ('
                                     || coalesce(pp.rule, 'rule not recorded') || ')', '; ')
                   from point_parties pp join parties pa on pa.id = pp.party_id
                  where pp.point_id = po.id),
                'unknown: the text does not say') as holders,
       (select group_concat(t.slug, ', ')
          from point_topics pt join topics t on t.id = pt.topic_id
         where pt.point_id = po.id) as topics
  from declaration_points po
 where po.declaration_id = :declaration
 order by po.ordinal
""",
    },
    "positions_of_a_party_on_a_topic": {
        "title": "Every position of a party on a topic",
        "description": (
            "Points held by a party (its slug, such as dprk or russia: the state and the"
            " bodies that speak for it) on a topic (its slug, such as nuclear-weapons),"
            " newest first."
        ),
        "sql": f"""
select ov.published, pa.short_name as holder, pp.rule, ov.text, ov.declaration_kind,
       ov.headline, ov.article_id
  from point_parties pp
  join parties pa on pa.id = pp.party_id
  left join parties st on st.id = pa.state_id
  join point_topics pt on pt.point_id = pp.point_id
  join topics t on t.id = pt.topic_id
  join point_overview ov on ov.id = pp.point_id
 where {_VOICE} and t.slug = :topic
 order by ov.published desc, ov.id
""",
    },
    "documents_between_two_parties": {
        "title": "Documents between two parties",
        "description": (
            "Declarations that speak for both parties (slugs, such as dprk and russia; each"
            " the state or a body that speaks for it), newest first."
        ),
        "sql": """
select dov.published, dov.kind, dov.title_or_issuer, dov.parties, dov.points, dov.headline,
       dov.id as declaration_id, dov.article_id
  from declaration_overview dov
 where exists (select 1 from declaration_parties dp join parties pa on pa.id = dp.party_id
                 left join parties st on st.id = pa.state_id
                where dp.declaration_id = dov.id
                  and (pa.slug = :first or (pa.speaks_for_state and st.slug = :first)))
   and exists (select 1 from declaration_parties dp join parties pa on pa.id = dp.party_id
                 left join parties st on st.id = pa.state_id
                where dp.declaration_id = dov.id
                  and (pa.slug = :second or (pa.speaks_for_state and st.slug = :second)))
 order by dov.published desc, dov.id
""",
    },
}
"""Canned queries for the questions people ask, with named parameters Datasette asks for."""


def _html_paragraphs(text: str) -> str:
    return "".join(f"<p>{as_html(paragraph)}</p>" for paragraph in text.split("\n\n") if paragraph)


_SHADOW = re.compile(r"^(?P<index>\w+_fts)_(?P<part>data|idx|docsize|config|content)$")


def metadata(database: str, page: SchemaPage, columns_of: dict[str, list[str]]) -> dict[str, Any]:
    """Datasette metadata for one communique database named `database`, whose tables and
    views have the columns `columns_of` gives. The page explains each; FTS5's own tables,
    which the page mentions only together, get a line of their own."""
    tables: dict[str, Any] = {}
    for name, columns in columns_of.items():
        relation = page.relations.get(name)
        shadow = _SHADOW.match(name)
        if relation is not None:
            entry: dict[str, Any] = {
                "title": f"{name}: {plain(relation.title)}" if relation.title else name,
                "description_html": _html_paragraphs(relation.description),
                "columns": {
                    column: plain(relation.columns[column])
                    for column in columns
                    if column in relation.columns
                },
            }
        elif shadow is not None:
            index, part = shadow.group("index"), shadow.group("part")
            what = f"FTS5's own {part} table of the full-text index {index}"
            entry = {
                "title": f"{name}: {what}",
                "description": f"{what[0].upper()}{what[1:]}; written by SQLite, never by hand.",
                "columns": dict.fromkeys(columns, f"part of {what}"),
            }
        else:
            continue
        if name in _FACETS:
            entry["facets"] = _FACETS[name]
        if name in _LABELS:
            entry["label_column"] = _LABELS[name]
        if name in _SORTS:
            key, column = _SORTS[name]
            entry[key] = column
        if name in _SEARCHED:
            entry["fts_table"], entry["fts_pk"] = _SEARCHED[name]
        tables[name] = entry
    return {
        "databases": {
            database: {
                "title": "communique: state-media articles and the declarations they publish",
                # The page's opening, less its words about itself ("This page describes...").
                "description_html": _html_paragraphs(
                    re.sub(r"\s*This page [^.]*\.", "", page.description)
                ),
                "tables": tables,
                "queries": {
                    name: {**query, "sql": query["sql"].strip()} for name, query in QUERIES.items()
                },
            }
        }
    }
