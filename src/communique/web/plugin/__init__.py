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
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from communique.db.database import open_connection
from communique.read.listings import article_detail, dateline_as_said, speaker
from communique.resources import schema_page
from communique.web.article import layout, placed_points, visible, web_link
from communique.web.metadata import SchemaPage, metadata, parse_schema_page

__all__: list[str] = []

_MARKS = ("articles", "declaration_points", "point_overview", "alembic_version")
"""What makes a SQLite file a communique database."""

_ARTICLE_LINKS = {
    ("article_overview", "id"),
    ("point_overview", "article_id"),
    ("declaration_overview", "article_id"),
    ("change_overview", "article_id"),
}
"""Cells that hold an article's id and link to its page."""


@cache
def _page() -> SchemaPage:
    return parse_schema_page(schema_page().read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def _columns_of(path: str, changed: tuple[float, ...]) -> dict[str, list[str]] | None:
    """The tables and views of a communique file and their columns, or None for any other
    file. Read again when the file or its write-ahead log changes (their modification times
    are part of the key: a schema change may sit in the log until a checkpoint)."""
    del changed
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
    changed = []
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            changed.append(part.stat().st_mtime)
        except OSError:
            changed.append(0.0)
    if not changed[0]:
        return None
    return _columns_of(str(path.resolve()), tuple(changed))


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
    href = f"{datasette.urls.database(database)}/-/article/{value}"
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


def _shown(value: Any) -> Any:
    """The article's texts with control characters made visible, and each holder with the
    words readers are shown for it (as `communique show` says them)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [_shown(item) for item in value]
    if isinstance(value, dict):
        shown = {key: _shown(item) for key, item in value.items()}
        if "party" in value and "for_state" in value:
            shown["label"] = visible(speaker(value))
        return shown
    return value


async def _article_page(datasette: Any, request: Any) -> Response:
    name = tilde_decode(request.url_vars["database"])
    try:
        database = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name}") from None
    if _communique_columns(datasette, name) is None:
        raise NotFound(f"{name} is not a communique database")
    await datasette.ensure_permissions(
        request.actor,
        [
            *(
                ("view-table", (name, table))
                for table in ("articles", "documents", "declarations", "parties", "signatories")
            ),
            ("view-database", name),
            "view-instance",
        ],
    )
    article_id = int(request.url_vars["id"])
    article = await database.execute_fn(_read_article(article_id))
    if article is None:
        raise NotFound(f"no article with id {article_id}")
    article = _shown(article)
    for capture in article["captures"]:
        capture["link"] = web_link(capture["url"])
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
                "database_url": datasette.urls.database(name),
            },
            request=request,
        )
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    # An id beyond SQLite's integers cannot name an article: such paths are not found.
    return [(r"^/(?P<database>[^/]+)/-/article/(?P<id>[0-9]{1,18})$", _article_page)]
