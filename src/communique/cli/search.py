"""`communique search`: full-text search over articles and points, best match first."""

from __future__ import annotations

import sys
from typing import Any

import click

from communique.cli.context import AppContext
from communique.cli.options import (
    Integer,
    filter_options,
    filters_from,
    format_option,
    stdout_for,
    timeout_option,
    vocabularies_from,
    vocabulary_options,
)

_BOLD, _PLAIN = "\x1b[1m", "\x1b[0m"
SEARCH_TIMEOUT = 10.0
"""Seconds a search may run by default: searches take milliseconds (64 ms at the 95th
percentile on 100,000 articles), so only a pathological query comes near."""


@click.command()
@click.argument("words", nargs=-1, required=True)
@click.option(
    "--fts",
    is_flag=True,
    help="Read the words as SQLite full-text query syntax (AND, OR, NOT, NEAR, columns).",
)
@click.option(
    "--in",
    "where",
    type=click.Choice(["all", "articles", "points"]),
    default="all",
    show_default=True,
    help="Search article headlines and bodies, declaration points, or both.",
)
@click.option("--limit", type=Integer(minimum=1), default=20, show_default=True)
@timeout_option(SEARCH_TIMEOUT)
@filter_options
@vocabulary_options
@format_option
@click.pass_obj
def search(
    app: AppContext,
    /,
    words: tuple[str, ...],
    fts: bool,
    where: str,
    limit: int,
    timeout: float | None,
    fmt: str,
    formula_guard: bool,
    **options: Any,
) -> None:
    """Search articles and points, best match first (bm25; headline hits weigh most).

    Every word must match (stemmed, so "missiles" finds "missile"), as written: U.S.,
    DPRK-Russia and Kim Jong Un's need no quoting; a word ending in * is a prefix (reunif*);
    an argument the shell kept whole ("missile launch") is one phrase, as are words in double
    quotes inside one ('"missile launch" test'). With --fts the words are SQLite full-text syntax
    instead: AND, OR, NOT, NEAR, groups and columns. Matched words are bold on a terminal and
    [bracketed] elsewhere.

    \b
    Example:
        communique search missile launch
        communique search U.S. DPRK-Russia "Kim Jong Un's" --party russia
        communique search --fts '"peaceful in its nature" OR reunif*'
    """
    from communique.cli.output import write_rows
    from communique.read import listings
    from communique.read.search import from_words
    from communique.read.search import search as run

    # A word the shell was told to keep whole ("missile launch" in quotes) is a phrase.
    typed = " ".join(
        f'"{word}"' if not fts and len(word.split()) > 1 and '"' not in word else word
        for word in words
    )
    query = typed if fts else from_words(typed)
    filters, vocabularies = filters_from(options), vocabularies_from(options)
    with app.reader(seconds=timeout, what="search") as connection:
        resolved = listings.resolve(connection, filters, vocabularies)
        found = run(connection, query, resolved, where=where, limit=limit)
    bold = fmt == "table" and sys.stdout.isatty()
    start, end = (_BOLD, _PLAIN) if bold else ("[", "]")
    rows = [
        [
            _marked(str(hit[column]), start, end, table=fmt == "table")
            if column == "snippet"
            else hit[column]
            for column in found.columns
        ]
        for hit in found.rows
    ]
    write_rows(found.columns, rows, fmt, stdout_for(fmt), formula_guard=formula_guard)


def _marked(snippet: str, start: str, end: str, *, table: bool) -> str:
    """The snippet with its matched words between `start` and `end`. For a table, the
    snippet's own text is made printable first and our markup added after, so that only
    our bold reaches the terminal; and a bold left open (by a stray marker character in the
    text itself) is closed at the end. Other formats keep the text exactly."""
    import re

    from communique.cli.display import Printable, printable
    from communique.read.search import MATCH_END, MATCH_START

    if not table:
        return snippet.replace(MATCH_START, start).replace(MATCH_END, end)
    pieces, opened = [], False
    for piece in re.split(f"({MATCH_START}|{MATCH_END})", snippet):
        if piece == MATCH_START:
            pieces.append(start)
            opened = True
        elif piece == MATCH_END:
            pieces.append(end)
            opened = False
        else:
            pieces.append(printable(piece))
    if opened:
        pieces.append(end)
    return Printable("".join(pieces))
