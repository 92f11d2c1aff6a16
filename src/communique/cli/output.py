"""Writing rows for people (an aligned table) and for programs (JSON, JSON Lines, CSV).

Every listing goes through here, so all commands spell and behave the same way. json and csv
are imported when rows are written, not when a command starts. A table shows each cell with
its control characters escaped (communique.cli.display); json, jsonl and csv carry the data
exactly, except that csv text cells that a spreadsheet would run as a formula are guarded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any, TextIO

from communique.cli.display import Printable, printable

__all__ = ["write_json", "write_rows"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value)
    return str(value)


_FORMULA_STARTS = frozenset("=+-@\t\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection)."""


def _csv_cell(value: Any, formula_guard: bool) -> str:
    """A text cell that a spreadsheet would run as a formula (=HYPERLINK(...), -2+3) gets a
    leading apostrophe, which spreadsheets show as text; numbers are left as they are, minus
    sign and all."""
    text = _cell(value)
    if formula_guard and text[:1] in _FORMULA_STARTS and isinstance(value, str | list | tuple):
        return "'" + text
    return text


def _shown(value: Any) -> str:
    return value if isinstance(value, Printable) else printable(_cell(value))


TABLE_MEASURED = 1000
"""Rows a table's column widths are taken from; later rows are written as they come."""


def _table(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> None:
    """Columns padded to their widest cell, except the last, which holds the long text. Cells
    and column names are shown printable: a value never spans lines or reaches the terminal
    as an escape sequence.

    Rows given as they come (an iterator, not a list) are measured by their first
    `TABLE_MEASURED`, and the rows after them are written as they come with the same widths
    (a wider cell there pushes the rest of its line to the right): a table of a long result
    starts at once and never holds it all in memory.
    """
    if not columns:
        return
    columns = [printable(column) for column in columns]
    measured: Iterable[Sequence[Any]] = rows
    later: Iterable[Sequence[Any]] = ()
    if not isinstance(rows, Sequence):
        later = iter(rows)
        measured = islice(later, TABLE_MEASURED)
    cells = [[_shown(value) for value in row] for row in measured]
    widths = [
        max([len(column)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)
    ]
    rule = ["-" * width for width in widths[:-1]] + ["-" * len(columns[-1])] if columns else []
    rest = ([_shown(value) for value in row] for row in later)
    for row in chain([list(columns), rule], cells, rest):
        padded = [value.ljust(widths[i]) for i, value in enumerate(row[:-1])]
        out.write("  ".join([*padded, row[-1]]).rstrip() + "\n")


def write_json(value: Any, out: TextIO) -> None:
    """JSON as UTF-8 text: names and quotes from the articles stay readable, never \\u-escaped."""
    import json

    json.dump(value, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def stream_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    out: TextIO,
    *,
    formula_guard: bool = True,
) -> int:
    """Write rows one at a time as json (one array), jsonl or csv; returns how many. With
    `formula_guard`, csv text cells that begin like a formula get a leading apostrophe."""
    import csv
    import json

    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        # The csv module quotes a field for the characters of its line terminator only, so
        # a lone carriage return in a text would go out bare and split the row for readers;
        # a row holding one has every field quoted.
        quoting_all = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

        def write(values: Iterable[Any]) -> None:
            cells = [_csv_cell(value, formula_guard) for value in values]
            (quoting_all if any("\r" in cell for cell in cells) else writer).writerow(cells)

        write(columns)
        for row in rows:
            write(row)
            count += 1
        return count
    if fmt not in ("json", "jsonl"):
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "json":
        out.write("[")
    for row in rows:
        record = json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str)
        if fmt == "json":
            out.write(("," if count else "") + "\n  " + record)
        else:
            out.write(record + "\n")
        count += 1
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count


def write_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    out: TextIO,
    *,
    formula_guard: bool = True,
) -> None:
    if fmt == "table":
        _table(columns, rows, out)
    else:
        stream_rows(columns, rows, fmt, out, formula_guard=formula_guard)
