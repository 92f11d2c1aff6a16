"""Writing rows for people (an aligned table) and for programs (JSON, JSON Lines, CSV).

Every listing goes through here, so all commands spell and behave the same way.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["FORMATS", "write_json", "write_rows"]

FORMATS = ("table", "json", "jsonl", "csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value)
    return str(value)


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """Columns padded to their widest cell, except the last, which holds the long text."""
    if not columns:
        return
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [
        max([len(column)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)
    ]
    rule = ["-" * width for width in widths[:-1]] + ["-" * len(columns[-1])] if columns else []
    for row in [list(columns), rule, *cells]:
        padded = [value.ljust(widths[i]) for i, value in enumerate(row[:-1])]
        out.write("  ".join([*padded, row[-1]]).rstrip() + "\n")


def write_json(value: Any, out: TextIO) -> None:
    """JSON as UTF-8 text: names and quotes from the articles stay readable, never \\u-escaped."""
    json.dump(value, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def write_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, out: TextIO
) -> None:
    if fmt == "table":
        _table(columns, rows, out)
    elif fmt == "json":
        write_json([dict(zip(columns, row, strict=True)) for row in rows], out)
    elif fmt == "jsonl":
        for row in rows:
            out.write(
                json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str)
            )
            out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(value) for value in row] for row in rows)
    else:
        raise ValueError(f"unknown format {fmt!r}")
