"""Options shared by many commands, spelled once so every command spells them the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click

from communique.output import FORMATS

__all__ = ["extractor_for", "format_option", "gazetteer_option", "iso_date"]

F = TypeVar("F", bound=Callable[..., Any])


def format_option(function: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for reading; json (one array), jsonl or csv for other programs.",
    )(function)


def gazetteer_option(function: F) -> F:
    return click.option(
        "--gazetteer",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        envvar="COMMUNIQUE_GAZETTEER",
        help="A TOML file of parties and aliases that extends the packaged gazetteer"
        " (environment: COMMUNIQUE_GAZETTEER).",
    )(function)


def extractor_for(gazetteer: Path | None) -> Callable[..., Any]:
    """Extraction with the packaged gazetteer, extended by the user's file when given."""
    from communique.extract import extract
    from communique.extract.gazetteer import load_gazetteer

    if gazetteer is None:
        return extract
    return partial(extract, gazetteer=load_gazetteer(gazetteer))


class IsoDate(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail(f"{value!r} is not a date like 2000-07-21", param, ctx)


iso_date = IsoDate()
