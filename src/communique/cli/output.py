"""Writing rows for people (an aligned table) and for programs (JSON, JSON Lines, CSV).

Every listing goes through here, so all commands spell and behave the same way. json and csv
are imported when rows are written, not when a command starts. A table shows each cell with
its control characters escaped (communique.cli.display); json, jsonl and csv carry the data
exactly, except that csv text cells that a spreadsheet would run as a formula are guarded.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any, TextIO

from communique.cli.display import Printable, printable

__all__ = ["reading_width", "write_json", "write_rows"]


def reading_width() -> int | None:
    """The terminal's width when standard output is one, else None: text for reading is fitted
    to a terminal, and written whole to a pipe or a file."""
    import shutil

    if sys.stdout is None or not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


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


def _shown(value: Any, *, one_line: bool = False) -> str:
    """A table's cell, control characters escaped. On a terminal (`one_line`), line breaks
    and tabs show as spaces and numbers are rounded for reading (a rank to two decimals, a
    tiny number to two significant digits); elsewhere every digit is kept."""
    if isinstance(value, Printable):
        return value
    if one_line and isinstance(value, float):
        return f"{value:.2f}" if value == 0 or abs(value) >= 0.01 else f"{value:.2g}"
    text = _cell(value)
    if one_line:
        text = " ".join(text.split())
    return printable(text)


_MARKUP = re.compile(r"\x1b\[[0-9;]*m")
"""Our own markup in a cell (bold search matches on a terminal), which takes no columns."""
_FEWEST = 20
"""Columns the long text column keeps when a table is fitted to a narrow terminal."""
_NARROWEST = 4
"""Columns any other column keeps, while it can: a few characters and the ellipsis."""
_OTHERS = 24
"""Columns another column keeps (or its name's, if longer) when a table does not fit."""


def _width_of(character: str) -> int:
    """Terminal columns a character takes: two for wide East Asian characters."""
    import unicodedata

    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def _visible(cell: str) -> int:
    """Terminal columns the cell takes (our markup takes none)."""
    plain = _MARKUP.sub("", cell)
    return len(plain) if plain.isascii() else sum(_width_of(c) for c in plain)


def _fitted(widths: list[int], room: int, least: list[int]) -> list[int]:
    """Column widths that fit `room` columns, two spaces between columns: the widest column
    (the long text) gets what the others leave once each is held to `_OTHERS` columns (or its
    name, `least`), and when that is too little the others give up more, the widest first.
    Where even that cannot fit, the lines are cut at the terminal's edge (see `_table`)."""
    widths = list(widths)
    gaps = 2 * (len(widths) - 1)
    if sum(widths) + gaps <= room:
        return widths
    if len(widths) == 1:
        return [room]
    long = max(range(len(widths)), key=lambda i: widths[i])
    others = [i for i in range(len(widths)) if i != long]
    for i in others:
        widths[i] = min(widths[i], max(_OTHERS, least[i]))
    want = min(widths[long], _FEWEST)
    while room - gaps - sum(widths[i] for i in others) < want:
        widest = max(others, key=lambda i: widths[i])
        if widths[widest] <= _NARROWEST:
            break
        widths[widest] -= 1
    widths[long] = max(1, min(widths[long], room - gaps - sum(widths[i] for i in others)))
    return widths


def _cut(cell: str, width: int) -> str:
    """The cell in `width` terminal columns, ended with an ellipsis when it had to be
    shortened; our own markup is kept, and closed when the cut falls inside it."""
    if _visible(cell) <= width:
        return cell
    kept: list[str] = []
    shown = 0
    room = max(width - 1, 0)
    for piece in re.split(f"({_MARKUP.pattern})", cell):
        if _MARKUP.fullmatch(piece):
            kept.append(piece)
            continue
        for character in piece:
            columns = _width_of(character)
            if shown + columns > room:
                break
            kept.append(character)
            shown += columns
        else:
            continue
        break
    marked = "".join(kept)
    markup = _MARKUP.findall(marked)
    closing = "\x1b[0m" if markup and markup[-1] != "\x1b[0m" else ""
    return marked + "\u2026" + closing


TABLE_MEASURED = 1000
"""Rows a table's column widths are taken from; later rows are written as they come."""


def _table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO, room: int | None = None
) -> None:
    """Columns padded to their widest cell, except the last. Cells and column names are shown
    printable: a value never spans lines or reaches the terminal as an escape sequence.

    On a terminal (`room`, its width) no line is wider than it: each cell is on one line, and
    cells are cut with an ellipsis where the columns do not fit, the long text column taking
    what the others leave. Written elsewhere, every cell is whole.

    Rows given as they come (an iterator, not a list) are measured by their first
    `TABLE_MEASURED`, and the rows after them are written as they come with the same widths
    (off a terminal, a wider cell there pushes the rest of its line to the right): a table of
    a long result starts at once and never holds it all in memory.
    """
    if not columns:
        return
    one_line = room is not None
    columns = [printable(column) for column in columns]
    measured: Iterable[Sequence[Any]] = rows
    later: Iterable[Sequence[Any]] = ()
    if not isinstance(rows, Sequence):
        later = iter(rows)
        measured = islice(later, TABLE_MEASURED)
    cells = [[_shown(value, one_line=one_line) for value in row] for row in measured]
    widths = [
        max([len(column)] + [_visible(row[i]) for row in cells]) for i, column in enumerate(columns)
    ]
    if room is not None:
        widths = _fitted(widths, room, [len(column) for column in columns])
    rule = ["-" * width for width in widths[:-1]] + ["-" * min(len(columns[-1]), widths[-1])]
    rest = ([_shown(value, one_line=one_line) for value in row] for row in later)
    for row in chain([list(columns), rule], cells, rest):
        if room is not None:
            row = [_cut(value, widths[i]) for i, value in enumerate(row)]
        padded = [value + " " * (widths[i] - _visible(value)) for i, value in enumerate(row[:-1])]
        line = "  ".join([*padded, row[-1]]).rstrip()
        if room is not None and _visible(line) > room:
            line = _cut(line, room)  # more columns than a narrow terminal can show
        out.write(line + "\n")


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
        _table(columns, rows, out, reading_width() if out is sys.stdout else None)
    else:
        stream_rows(columns, rows, fmt, out, formula_guard=formula_guard)
