"""`communique query`: read-only SQL for whatever the other commands do not cover."""

from __future__ import annotations

import click

from communique.cli.context import AppContext
from communique.cli.options import format_option, stdout_for, timeout_option

QUERY_TIMEOUT = 30.0
"""Seconds a query may run by default: long enough for a query over the whole of a large
archive (listing every point of 100,000 articles takes under 3 s), short enough that a
mistaken cross join or endless recursion does not hold a script up for long."""


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise click.BadParameter(f"{text!r} is not NAME=VALUE", param_hint="--param")
    return name, value


@click.command()
@click.argument("sql")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind :NAME in the SQL to VALUE (repeatable).",
)
@timeout_option(QUERY_TIMEOUT)
@format_option
@click.pass_obj
def query(
    app: AppContext,
    sql: str,
    params: tuple[str, ...],
    timeout: float | None,
    fmt: str,
    formula_guard: bool,
) -> None:
    """Run one read-only SQL statement; anything that would write is refused.

    \b
    Example:
        communique query "select slug, name from parties where slug = :p" --param p=russia
    """
    from communique.cli.output import write_rows
    from communique.read.sandbox import run_query

    bound = dict(_parameter(param) for param in params)
    app.prepare()
    with run_query(app.database, sql, bound, seconds=timeout) as (columns, rows):
        write_rows(columns, rows, fmt, stdout_for(fmt), formula_guard=formula_guard)
