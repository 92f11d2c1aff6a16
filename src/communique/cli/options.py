"""Options shared by many commands, spelled once so every command spells them the same."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from communique.filters import Filters

FORMATS = ("table", "json", "jsonl", "csv")

__all__ = [
    "extractor_for",
    "filter_options",
    "filters_from",
    "format_option",
    "timeout_option",
    "vocabulary_options",
]

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


def timeout_option(default: float) -> Callable[[F], F]:
    """--timeout: how long the command's statement may run before it is stopped. The command
    gets the seconds, or None for 0, no limit."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        default=default,
        show_default=True,
        metavar="SECONDS",
        callback=lambda _context, _parameter, seconds: seconds or None,
        help="Stop the statement after this long (writing its rows out does not count);"
        " 0 for no limit.",
    )


def extractor_for(gazetteer: str | None, taxonomy: str | None) -> Callable[..., Any]:
    """Extraction with the packaged vocabularies, extended by the user's files when given."""
    from pathlib import Path

    from communique.extract import extract
    from communique.extract.gazetteer import load_gazetteer
    from communique.extract.taxonomy import load_taxonomy

    return partial(
        extract,
        gazetteer=load_gazetteer(Path(gazetteer)) if gazetteer else None,
        taxonomy=load_taxonomy(Path(taxonomy)) if taxonomy else None,
    )


class PartialDate(click.ParamType):  # type: ignore[type-arg]
    """YYYY, YYYY-MM or YYYY-MM-DD."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from communique.errors import CommuniqueError
        from communique.filters import parse_date_bound

        try:
            return parse_date_bound(str(value))
        except CommuniqueError as error:
            self.fail(str(error), param, ctx)


_FILTERS = (
    click.option(
        "--since",
        type=PartialDate(),
        help="Published on or after DATE (2000, 2000-07 or 2000-07-21).",
    ),
    click.option(
        "--until",
        type=PartialDate(),
        help="Published on or before DATE (2000, 2000-07 or 2000-07-21).",
    ),
    click.option(
        "--include-undated",
        is_flag=True,
        help="With --since/--until, keep articles whose year is unknown.",
    ),
    click.option("--source", metavar="SLUG", help="Articles of this source (kcna, nis...)."),
    click.option(
        "--party", metavar="SLUG|NAME", help="Positions held, or documents issued, by this party."
    ),
    click.option(
        "--kind", metavar="KIND", help='Published documents of this kind ("joint declaration").'
    ),
    click.option("--section", metavar="TEXT", help="Captured from this section or archive topic."),
    click.option(
        "--topic",
        metavar="SLUG|NAME",
        help="Points coded with this topic (see `communique report`).",
    ),
)


def filter_options(function: F) -> F:
    """The filters listings, search and export share, spelled the same everywhere."""
    for option in reversed(_FILTERS):
        function = option(function)
    return function


def filters_from(options: dict[str, Any]) -> Filters:
    """Filters from the options a command was given (they are popped from `options`)."""
    from communique.filters import Filters

    names = ("since", "until", "include_undated", "source", "party", "kind", "section", "topic")
    return Filters(**{name: options.pop(name) for name in names})


_VOCABULARIES = (("gazetteer", "parties and aliases"), ("taxonomy", "topics"))


def vocabulary_options(function: F) -> F:
    """--gazetteer and --taxonomy: the user's extensions of the packaged vocabularies."""
    for name, holds in reversed(_VOCABULARIES):
        variable = f"COMMUNIQUE_{name.upper()}"
        function = click.option(
            f"--{name}",
            type=click.Path(exists=True, dir_okay=False),
            envvar=variable,
            help=f"A TOML file of {holds} that extends the packaged {name}"
            f" (environment: {variable}).",
        )(function)
    return function
