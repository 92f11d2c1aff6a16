"""`communique query`: read-only SQL for whatever the other commands do not cover."""

from __future__ import annotations

import click

from communique.cli.main import AppContext
from communique.cli.options import format_option, stdout_for


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
@format_option
@click.pass_obj
def query(
    app: AppContext, sql: str, params: tuple[str, ...], fmt: str, formula_guard: bool
) -> None:
    """Run one read-only SQL statement; anything that would write is refused.

    \b
    Example:
        communique query "select slug, name from parties where slug = :p" --param p=russia
    """
    from communique.output import write_rows
    from communique.readonly import run_query

    bound = dict(_parameter(param) for param in params)
    app.prepare()
    columns, rows = run_query(app.database, sql, bound)
    write_rows(columns, rows, fmt, stdout_for(fmt), formula_guard=formula_guard)
