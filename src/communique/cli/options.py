"""Options shared by many commands, spelled once so every command spells them the same."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

if TYPE_CHECKING:
    from communique.extract.vocabularies import Vocabularies
    from communique.load.workers import Extractor
    from communique.read.filters import DateBound, Filters

FORMATS = ("table", "json", "jsonl", "csv")

__all__ = [
    "Integer",
    "extractor_for",
    "filter_options",
    "filters_from",
    "format_option",
    "formula_guard_option",
    "stdout_for",
    "timeout_option",
    "vocabularies_for",
    "vocabularies_from",
    "vocabulary_options",
]

F = TypeVar("F", bound=Callable[..., Any])


def formula_guard_option(function: F) -> F:
    """--no-formula-guard: csv exactly as stored, for programs rather than spreadsheets."""
    return click.option(
        "--no-formula-guard",
        "formula_guard",
        is_flag=True,
        flag_value=False,
        default=True,
        help="csv exactly as stored. By default a text cell that begins with = + - @, a tab"
        " or a carriage return gets a leading apostrophe, so that a spreadsheet shows it"
        " instead of running it as a formula (numbers are never changed).",
    )(function)


def format_option(function: F) -> F:
    """--format, and --no-formula-guard for its csv."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for reading; json (one array), jsonl or csv for other programs.",
    )(formula_guard_option(function))


def stdout_for(fmt: str) -> TextIO:
    """Standard output, ready for `fmt`. json, jsonl and csv are data and are written as
    UTF-8 whatever the locale says, as `export -o` writes its files: a pipe and a file get
    the same bytes, and they load back the same. Text for reading (table, text) keeps the
    locale's encoding; what that cannot hold is escaped (see main.CommuniqueGroup)."""
    import codecs
    import io

    stream = sys.stdout
    if (
        fmt not in ("table", "text")
        and isinstance(stream, io.TextIOWrapper)
        and codecs.lookup(stream.encoding).name != "utf-8"
    ):
        stream.reconfigure(encoding="utf-8", errors="strict")
    return stream


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


def vocabularies_for(gazetteer: str | None, taxonomy: str | None) -> Vocabularies:
    """The vocabularies a command works with: the packaged ones, extended by the files its
    --gazetteer and --taxonomy options name (click reads the environment variables for
    them); the one place a command's options become vocabularies."""
    from pathlib import Path

    from communique.extract.vocabularies import load_vocabularies

    vocabularies = load_vocabularies(
        Path(gazetteer) if gazetteer else None, Path(taxonomy) if taxonomy else None
    )
    for note in vocabularies.gazetteer.notes:
        click.echo(f"communique: {note}", err=True)
    return vocabularies


def vocabularies_from(options: dict[str, Any]) -> Callable[[], Vocabularies]:
    """The vocabularies of a command that looks names up, from its --gazetteer and
    --taxonomy (popped from `options`), built when first asked for: a listing whose names
    are all stored never imports extraction, which would take it twice as long."""
    return cache(partial(vocabularies_for, options.pop("gazetteer"), options.pop("taxonomy")))


def extractor_for(gazetteer: str | None, taxonomy: str | None) -> Extractor:
    """Extraction with the vocabularies of a command's --gazetteer and --taxonomy. A partial
    of a module-level function and plain data, so that it pickles to worker processes."""
    from communique.extract import extract

    return partial(extract, vocabularies=vocabularies_for(gazetteer, taxonomy))


SQLITE_INTEGERS = (-(2**63), 2**63 - 1)
"""The integers SQLite stores (64-bit, signed); Python's sqlite3 raises OverflowError binding
any other."""


class Integer(click.ParamType):  # type: ignore[type-arg]
    """Every integer option and argument: one SQLite can hold, and at least `minimum` when given,
    so that a number too large is a usage error rather than an OverflowError in a query."""

    name = "integer"

    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.INT.convert(value, param, ctx)
        low, high = SQLITE_INTEGERS
        least = low if self.minimum is None else max(low, self.minimum)
        if number < least:
            self.fail(f"{number} is too small: the smallest allowed is {least}.", param, ctx)
        if number > high:
            self.fail(f"{number} is too large: the largest allowed is {high}.", param, ctx)
        return number


class PartialDate(click.ParamType):  # type: ignore[type-arg]
    """YYYY, YYYY-MM or YYYY-MM-DD."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from communique.errors import CommuniqueError
        from communique.read.filters import parse_date_bound

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
        "--party",
        metavar="SLUG|NAME",
        help="Positions held, or documents issued, by this party or a body that speaks for it"
        " (a state's ministries, ruling party and state media).",
    ),
    click.option("--exact", "exact_party", is_flag=True, help="With --party, that party alone."),
    click.option(
        "--kind", metavar="KIND", help='Published documents of this kind ("joint declaration").'
    ),
    click.option("--section", metavar="TEXT", help="Captured from this section or archive topic."),
    click.option(
        "--topic",
        metavar="SLUG|NAME",
        help="Points coded with this topic (see `communique report`).",
    ),
    click.option(
        "--all-versions",
        is_flag=True,
        help="Also texts that later snapshots of their archive superseded (by default only"
        " each item's current version).",
    ),
)


def filter_options(function: F) -> F:
    """The filters listings, search and export share, spelled the same everywhere."""
    for option in reversed(_FILTERS):
        function = option(function)
    return function


def check_range(since: DateBound | None, until: DateBound | None) -> None:
    """A reversed --since/--until is a usage error: no date is in between."""
    if since is not None and until is not None and since.first > until.last:
        raise click.UsageError(
            f"--since {since.first} is after --until {until.last}: no date is in between"
        )


def filters_from(options: dict[str, Any]) -> Filters:
    """Filters from the options a command was given (they are popped from `options`)."""
    from communique.read.filters import Filters

    names = (
        "since",
        "until",
        "include_undated",
        "source",
        "party",
        "exact_party",
        "kind",
        "section",
        "topic",
        "all_versions",
    )
    if options.get("exact_party") and not options.get("party"):
        raise click.UsageError("--exact says how to read --party; give --party too")
    check_range(options.get("since"), options.get("until"))
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
