"""Writing rows for people (an aligned table) and for programs (JSON, JSON Lines, CSV).

Every listing goes through here, so all commands spell and behave the same way. json and csv
are imported when rows are written, not when a command starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any, TextIO

__all__ = ["FORMATS", "write_json", "write_rows"]

FORMATS = ("table", "json", "jsonl", "csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value)
    return str(value)


TABLE_MEASURED = 1000
"""Rows a table's column widths are taken from; later rows are written as they come."""


def _table(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> None:
    """Columns padded to their widest cell, except the last, which holds the long text.

    Rows given as they come (an iterator, not a list) are measured by their first
    `TABLE_MEASURED`, and the rows after them are written as they come with the same widths
    (a wider cell there pushes the rest of its line to the right): a table of a long result
    starts at once and never holds it all in memory.
    """
    if not columns:
        return
    measured: Iterable[Sequence[Any]] = rows
    later: Iterable[Sequence[Any]] = ()
    if not isinstance(rows, Sequence):
        later = iter(rows)
        measured = islice(later, TABLE_MEASURED)
    cells = [[_cell(value) for value in row] for row in measured]
    widths = [
        max([len(column)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)
    ]
    rule = ["-" * width for width in widths[:-1]] + ["-" * len(columns[-1])] if columns else []
    rest = ([_cell(value) for value in row] for row in later)
    for row in chain([list(columns), rule], cells, rest):
        padded = [value.ljust(widths[i]) for i, value in enumerate(row[:-1])]
        out.write("  ".join([*padded, row[-1]]).rstrip() + "\n")


def write_json(value: Any, out: TextIO) -> None:
    """JSON as UTF-8 text: names and quotes from the articles stay readable, never \\u-escaped."""
    import json

    json.dump(value, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def stream_rows(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, out: TextIO
) -> int:
    """Write rows one at a time as json (one array), jsonl or csv; returns how many."""
    import csv
    import json

    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
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
    columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, out: TextIO
) -> None:
    if fmt == "table":
        _table(columns, rows, out)
    else:
        stream_rows(columns, rows, fmt, out)
