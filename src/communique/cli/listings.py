"""The reading commands: articles, show, points, sources, parties."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from communique.cli.context import AppContext
from communique.cli.options import (
    Integer,
    filter_options,
    filters_from,
    format_option,
    stdout_for,
    vocabularies_from,
    vocabulary_options,
)

if TYPE_CHECKING:
    from communique.read.listings import Listing


def _emit(listing: Listing, fmt: str, formula_guard: bool) -> None:
    from communique.cli.output import write_rows

    rows = [[row[column] for column in listing.columns] for row in listing.rows]
    write_rows(listing.columns, rows, fmt, stdout_for(fmt), formula_guard=formula_guard)


@click.command()
@filter_options
@vocabulary_options
@format_option
@click.pass_obj
def articles(app: AppContext, /, fmt: str, formula_guard: bool, **options: Any) -> None:
    """List articles, oldest first, with how many captures and points each has.

    \b
    Example:
        communique articles --source kcna --since 2024-05
    """
    from communique.read import listings

    filters, vocabularies = filters_from(options), vocabularies_from(options)
    with app.reader() as connection:
        resolved = listings.resolve(connection, filters, vocabularies)
        _emit(listings.articles(connection, resolved), fmt, formula_guard)


@click.command()
@click.option("--article", type=Integer(), metavar="ID", help="Only points of this article.")
@click.option(
    "--declaration", type=Integer(), metavar="ID", help="Only points of this declaration."
)
@filter_options
@vocabulary_options
@format_option
@click.pass_obj
def points(
    app: AppContext,
    /,
    article: int | None,
    declaration: int | None,
    fmt: str,
    formula_guard: bool,
    **options: Any,
) -> None:
    """List declaration points with the parties that hold each position and their topics.

    \b
    Example:
        communique points --party russia --topic missiles
    """
    from communique.read import listings

    filters, vocabularies = filters_from(options), vocabularies_from(options)
    with app.reader() as connection:
        resolved = listings.resolve(connection, filters, vocabularies)
        found = listings.points(connection, resolved, article=article, declaration=declaration)
        _emit(found, fmt, formula_guard)


@click.command()
@filter_options
@vocabulary_options
@format_option
@click.pass_obj
def declarations(app: AppContext, /, fmt: str, formula_guard: bool, **options: Any) -> None:
    """List published documents: date, kind, title or issuer, parties and points.

    Takes the same filters as `articles`; each applies to the document itself (--kind its
    kind, --party the parties it speaks for or its points' holders, --topic its points').

    \b
    Example:
        communique declarations --kind "joint declaration" --party russia
    """
    from communique.read import listings

    filters, vocabularies = filters_from(options), vocabularies_from(options)
    with app.reader() as connection:
        resolved = listings.resolve(connection, filters, vocabularies)
        _emit(listings.declarations(connection, resolved), fmt, formula_guard)


@click.command()
@format_option
@click.pass_obj
def sources(app: AppContext, fmt: str, formula_guard: bool) -> None:
    """List sources: the agencies articles come from and the sites they were captured from.

    \b
    Example:
        communique sources --format csv
    """
    from communique.read import listings

    with app.reader() as connection:
        _emit(listings.sources(connection), fmt, formula_guard)


@click.command()
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Every party the gazetteer knows, not only those the database names.",
)
@vocabulary_options
@format_option
@click.pass_obj
def parties(
    app: AppContext, /, fmt: str, formula_guard: bool, everything: bool, **options: Any
) -> None:
    """List parties, with their kind, state, and how many positions and signatures each has.

    \b
    Example:
        communique parties --all --format csv
    """
    from communique.read import listings

    vocabularies = vocabularies_from(options)
    with app.reader() as connection:
        if everything:
            _emit(listings.all_parties(connection, vocabularies().gazetteer), fmt, formula_guard)
        else:
            _emit(listings.parties(connection), fmt, formula_guard)


@click.command()
@click.argument("article_id", type=Integer())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def show(app: AppContext, article_id: int, fmt: str) -> None:
    """Show one article whole: its source, captures, dateline and date, its body wrapped to
    the terminal, then each document it publishes with its points and their holders.

    \b
    Example:
        communique show 1
    """
    from communique.cli.output import reading_width, write_json
    from communique.cli.render import render_article
    from communique.read import listings

    with app.reader() as connection:
        article = listings.article_detail(connection, article_id)
    if article is None:
        raise click.ClickException(
            f"no article with id {article_id}; `communique articles` lists them"
        )
    if fmt == "json":
        write_json(article, stdout_for(fmt))
    else:
        click.echo(render_article(article, reading_width()), file=stdout_for(fmt))
