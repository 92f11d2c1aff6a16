"""Reading JSON archives record by record, in bounded memory.

A JSON array is parsed incrementally, one element at a time, and JSON Lines one line at a
time, so a file of any size is loaded without holding it whole. Each record keeps its exact
text as it stands in the file: that is the document communique stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from communique.extract.archive import RecordError, validate_record

__all__ = ["ArchiveProblem", "ArchiveRecord", "read_archive"]

_CHUNK = 1 << 20
_MAX_RECORD = 64 << 20
"""A record larger than this (or never closed) is refused rather than read into memory."""
_WHITESPACE = " \t\r\n"


@dataclass(frozen=True)
class ArchiveRecord:
    index: int
    text: str
    record: dict[str, Any]


@dataclass(frozen=True)
class ArchiveProblem:
    index: int | None
    """The record concerned, or None when the file as a whole is unreadable."""
    reason: str
    fatal: bool = False
    """Nothing after this point of the file can be read."""


class _ArrayReader:
    """Yields the raw text of each element of a JSON array, reading the stream in chunks."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._buffer = ""
        self._position = 0
        self._eof = False
        self._decoder = json.JSONDecoder()
        self.opened = False
        """Whether the reader is inside the array: failures there concern a record."""

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._stream.read(_CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buffer = self._buffer[self._position :] + chunk
        self._position = 0
        return True

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end of the stream)."""
        while True:
            while self._position < len(self._buffer):
                if self._buffer[self._position] not in _WHITESPACE:
                    return self._buffer[self._position]
                self._position += 1
            if not self._fill():
                return ""

    def _element(self) -> tuple[str, Any]:
        if self._peek() == "":
            raise ValueError("truncated: the array is not closed")
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._position)
            except json.JSONDecodeError as error:
                if len(self._buffer) - self._position > _MAX_RECORD:
                    raise ValueError(
                        f"record larger than {_MAX_RECORD >> 20} MiB, or never closed"
                    ) from None
                if not self._fill():
                    raise ValueError(error.msg) from None
                continue
            except (RecursionError, ValueError) as error:  # its end cannot be found either
                raise ValueError(_unreadable(error)) from None
            if end == len(self._buffer) and self._fill():
                continue  # a number or literal may go on in the next chunk
            text = self._buffer[self._position : end]
            self._position = end
            return text, value

    def _expect_end(self) -> None:
        self.opened = False  # what follows the array concerns no record
        if self._peek() != "":
            raise ValueError("text after the end of the array")

    def elements(self) -> Iterator[tuple[str, Any]]:
        if self._peek() != "[":
            raise ValueError("not a JSON array")
        self._position += 1
        self.opened = True
        if self._peek() == "]":
            self._position += 1
            self._expect_end()
            return
        while True:
            yield self._element()
            separator = self._peek()
            self._position += 1
            if separator == "]":
                self._expect_end()
                return
            if separator != ",":
                raise ValueError(
                    "truncated: the array is not closed"
                    if separator == ""
                    else f"expected ',' or ']' but found {separator!r}"
                )


def _checked(index: int, text: str, value: Any) -> ArchiveRecord | ArchiveProblem:
    try:
        return ArchiveRecord(index, text, validate_record(value))
    except RecordError as error:
        return ArchiveProblem(index, str(error))


def _array(stream: TextIO) -> Iterator[ArchiveRecord | ArchiveProblem]:
    index = 0
    reader = _ArrayReader(stream)
    elements = reader.elements()
    while True:
        try:
            text, value = next(elements)
        except StopIteration:
            return
        except ValueError as error:
            yield ArchiveProblem(index if reader.opened else None, str(error), fatal=True)
            return
        yield _checked(index, text, value)
        index += 1


def _unreadable(error: Exception) -> str:
    """What Python's JSON reader could not cope with, in the user's terms."""
    if isinstance(error, RecursionError):
        return "record nested too deeply to read"
    if "digits" in str(error):
        return "record holds a number too long to read"
    return f"record cannot be read: {str(error).splitlines()[0] if str(error) else error}"


def _bounded_lines(stream: TextIO) -> Iterator[str | None]:
    """The lines of the stream; None for a line over the record limit, which is skipped
    without being held (its end is found chunk by chunk)."""
    while line := stream.readline(_MAX_RECORD + 1):
        if len(line) > _MAX_RECORD and not line.endswith(("\n", "\r")):
            while (rest := stream.readline(_CHUNK)) and not rest.endswith(("\n", "\r")):
                pass
            yield None
        else:
            yield line


def _lines(stream: TextIO) -> Iterator[ArchiveRecord | ArchiveProblem]:
    index = 0
    for line in _bounded_lines(stream):
        if line is None:
            yield ArchiveProblem(index, f"record larger than {_MAX_RECORD >> 20} MiB")
            index += 1
            continue
        text = line.strip()
        if not text:
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            if index == 0:  # a pretty-printed object, not JSON Lines
                yield ArchiveProblem(None, "not a JSON array or JSON Lines file", fatal=True)
                return
            yield ArchiveProblem(index, f"not JSON: {error.msg}")
        except (RecursionError, ValueError) as error:
            yield ArchiveProblem(index, _unreadable(error))
        else:
            yield _checked(index, text, value)
        index += 1


def read_archive(path: Path) -> Iterator[ArchiveRecord | ArchiveProblem]:
    """The records of a JSON array or JSON Lines file, told apart by their first character."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            first = stream.read(1)
            while first and first in _WHITESPACE:
                first = stream.read(1)
            stream.seek(0)
            if first == "[":
                yield from _array(stream)
            elif first == "{":
                yield from _lines(stream)
            else:
                yield ArchiveProblem(None, "not a JSON array or JSON Lines file", fatal=True)
    except UnicodeDecodeError as error:
        yield ArchiveProblem(None, f"not UTF-8 text ({error.reason})", fatal=True)
    except OSError as error:
        yield ArchiveProblem(None, f"cannot read: {error.strerror or error}", fatal=True)
