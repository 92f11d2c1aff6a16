"""communique as a Datasette plugin, registered through the `datasette` entry point, so that
`datasette communique.db` and `communique serve` show the same things:

- the schema page's explanations, labels, facets, search on the views and canned queries, for
  every database that is a communique file (others are left as they are);
- an article page, `/<database>/-/article/<id>`, that reads like the page it came from, with
  each point of its documents marked with its holders and topics;
- article ids in the overview views link to that page.

Datasette imports this module only when it runs; nothing else in communique imports it.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from communique.db.database import open_connection
from communique.read.listings import article_detail, dateline_as_said
from communique.resources import schema_page
from communique.web.article import layout, placed_points
from communique.web.metadata import SchemaPage, metadata, parse_schema_page

__all__: list[str] = []

_MARKS = ("articles", "declaration_points", "point_overview", "alembic_version")
"""What makes a SQLite file a communique database."""

_ARTICLE_LINKS = {
    ("article_overview", "id"),
    ("point_overview", "article_id"),
    ("declaration_overview", "article_id"),
}
"""Cells that hold an article's id and link to its page."""


@cache
def _page() -> SchemaPage:
    return parse_schema_page(schema_page().read_text(encoding="utf-8"))


@cache
def _columns_of(path: str, mtime: float) -> dict[str, list[str]] | None:
    """The tables and views of a communique file and their columns, or None for any other
    file. Read once per change of the file (its modification time is part of the key)."""
    del mtime
    try:
        connection = open_connection(Path(path), readonly=True)
    except sqlite3.Error:
        return None
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        if not all(mark in names for mark in _MARKS):
            return None
        return {
            name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
            for name in names
        }
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _communique_columns(datasette: Any, database: str) -> dict[str, list[str]] | None:
    found = datasette.databases.get(database)
    if found is None or not found.path:
        return None
    path = Path(found.path)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _columns_of(str(path.resolve()), mtime)


@hookimpl
def get_metadata(datasette: Any, key: str, database: str | None, table: str | None) -> Any:
    del key, table
    found: dict[str, Any] = {"databases": {}}
    names = [database] if database else list(datasette.databases)
    for name in names:
        columns = _communique_columns(datasette, name)
        if columns is not None:
            found["databases"].update(metadata(name, _page(), columns)["databases"])
    return found


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    del row
    if (table, column) not in _ARTICLE_LINKS or not isinstance(value, int):
        return None
    href = datasette.urls.path(f"/{database}/-/article/{value}")
    return Markup(f'<a href="{escape(href)}" class="communique-article">{value}</a>')


def _read_article(article_id: int) -> Any:
    def read(connection: sqlite3.Connection) -> Any:
        saved = connection.row_factory
        connection.row_factory = sqlite3.Row
        try:
            return article_detail(connection, article_id)
        finally:
            connection.row_factory = saved

    return read


async def _article_page(datasette: Any, request: Any) -> Response:
    name = request.url_vars["database"]
    try:
        database = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name}") from None
    if _communique_columns(datasette, name) is None:
        raise NotFound(f"{name} is not a communique database")
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (name, "articles")), ("view-database", name), "view-instance"],
    )
    article_id = int(request.url_vars["id"])
    article = await database.execute_fn(_read_article(article_id))
    if article is None:
        raise NotFound(f"no article with id {article_id}")
    paragraphs = layout(article)
    return Response.html(
        await datasette.render_template(
            "communique_article.html",
            {
                "database": name,
                "article": article,
                "paragraphs": paragraphs,
                "placed": placed_points(paragraphs),
                "dateline": dateline_as_said(article),
                "overview": datasette.urls.table(name, "article_overview"),
            },
            request=request,
        )
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/(?P<database>[^/]+)/-/article/(?P<id>[0-9]+)$", _article_page)]
