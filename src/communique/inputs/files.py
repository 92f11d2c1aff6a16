"""Finding what to load: files, directories, standard input, and the packaged seed set.

A manifest.toml beside the texts adds what they do not say about themselves (capture URL,
publication year); the packaged seed/ folder has one, and so may any folder a user loads.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from communique.errors import CommuniqueError, InputRefused
from communique.extract.records import RECORD_FORMAT, CaptureHints
from communique.inputs.json_archives import ArchiveProblem, read_archive
from communique.resources import seed_dir

__all__ = [
    "MAX_TEXT_BYTES",
    "STDIN",
    "Capture",
    "InputProblem",
    "captures",
    "packaged_captures",
    "read_manifest",
]

STDIN = "-"
STDIN_ORIGIN = "<stdin>"
"""The origin stored for a text read from standard input."""
MANIFEST = "manifest.toml"
TEXT_SUFFIXES = frozenset({".txt"})
ARCHIVE_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
LOADABLE = "*.txt, *.json or *.jsonl"


@dataclass(frozen=True)
class Capture:
    """One input to load; its bytes are read only when it is loaded."""

    origin: str
    read: Callable[[], bytes]
    hints: CaptureHints = field(default_factory=CaptureHints)


@dataclass(frozen=True)
class InputProblem:
    """A path that yields nothing to load, with the reason."""

    origin: str
    reason: str


def read_manifest(path: Path) -> dict[str, CaptureHints]:
    """File name → hints, from a manifest.toml whose tables are keyed by file name."""
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CommuniqueError(f"{path}: unreadable manifest: {error}") from None
    hints = {}
    for name, table in tables.items():
        url = table.get("url") if isinstance(table, dict) else None
        year = table.get("published_year") if isinstance(table, dict) else None
        if not isinstance(table, dict) or not isinstance(url, str | None):
            raise CommuniqueError(f"{path}: entry {name!r} needs a table with a text url")
        if not (year is None or (isinstance(year, int) and 1 <= year <= 9999)):
            raise CommuniqueError(f"{path}: entry {name!r}: published_year must be a year")
        hints[name] = CaptureHints(url=url, published_year=year)
    return hints


MAX_TEXT_BYTES = 16 << 20
"""The largest text file loaded as one document unless the user allows more (`--max-size`):
an article is kilobytes, and a file this size is almost surely not one, while reading it
whole would take that much memory and more for its extraction."""


def _too_large(size: int, limit: int) -> InputRefused:
    return InputRefused(
        f"{size:,} bytes, over the {limit / 2**20:g} MiB limit for one text"
        " (raise it with --max-size if this really is one article)"
    )


def _read_file(path: Path, limit: int) -> bytes:
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > limit:
            raise _too_large(size, limit)
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise _too_large(len(data), limit)
    return data


def _read_stdin(limit: int) -> bytes:
    if sys.stdin is None:
        raise InputRefused("standard input is closed")
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputRefused(
            f"more than {limit / 2**20:g} MiB, the limit for one text"
            " (raise it with --max-size if this really is one article)"
        )
    return data


def _file_capture(path: Path, origin: str, hints: CaptureHints, limit: int) -> Capture:
    return Capture(origin=origin, read=partial(_read_file, path, limit), hints=hints)


def _unusable(path: Path) -> str:
    """Why a path that is not a file or directory cannot be loaded, in the system's words."""
    try:
        path.stat()
    except OSError as error:
        return (error.strerror or str(error)).lower()
    return "not a regular file or directory"


def _archive_captures(path: Path, given: str) -> Iterator[Capture | InputProblem]:
    """One capture per record; a record that cannot be loaded is a problem of its own, and
    the file's other records still load."""
    origin = str(path.resolve())
    for item in read_archive(path):
        if isinstance(item, ArchiveProblem):
            where = f"{given}: record {item.index}" if item.index is not None else given
            yield InputProblem(where, item.reason)
            continue
        yield archive_record_capture(origin, item.index, item.text, item.record.get("link"))


def archive_record_capture(origin: str, index: int, text: str, link: str | None) -> Capture:
    """Record `index` of the archive at `origin` (a resolved path), exactly as the file holds
    it."""
    hints = CaptureHints(url=link, format=RECORD_FORMAT)
    return Capture(f"{origin}#{index}", partial(str.encode, text, "utf-8"), hints)


def _path_captures(
    path: Path, given: str, hints: dict[str, CaptureHints], limit: int
) -> Iterator[Capture | InputProblem]:
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        yield from _archive_captures(path, given)
    else:
        yield _file_capture(path, str(path.resolve()), hints.get(path.name, CaptureHints()), limit)


def packaged_captures() -> Iterator[Capture]:
    """Every file the packaged seed manifest lists."""
    folder = seed_dir()
    for name, hints in read_manifest(folder / MANIFEST).items():
        yield _file_capture(folder / name, f"communique:seed/{name}", hints, MAX_TEXT_BYTES)


def _manifest_beside(path: Path) -> dict[str, CaptureHints] | InputProblem:
    """The hints of the manifest in a file's folder; a broken manifest is a problem of its
    own, and the files it describes are not loaded without it."""
    manifest = path.parent / MANIFEST
    try:
        return read_manifest(manifest) if manifest.is_file() else {}
    except CommuniqueError as error:
        return InputProblem(str(manifest), str(error).removeprefix(f"{manifest}: "))


def _directory_captures(folder: Path, limit: int) -> Iterator[Capture | InputProblem]:
    """Every loadable file below the folder, in name order. Links to folders are not
    followed (a link back up would never end); a link to nothing, or in a loop, is named."""
    loadable = TEXT_SUFFIXES | ARCHIVE_SUFFIXES
    named = sorted(path for path in folder.rglob("*") if path.suffix.lower() in loadable)
    files = [path for path in named if path.is_file()]
    for path in named:
        if not path.is_file() and not path.is_dir():
            yield InputProblem(str(path), _unusable(path))
    if not named:
        yield InputProblem(str(folder), f"directory holds no {LOADABLE} file")
    manifests: dict[Path, dict[str, CaptureHints] | InputProblem] = {}
    for path in files:
        if path.parent not in manifests:
            manifests[path.parent] = found = _manifest_beside(path)
            if isinstance(found, InputProblem):
                yield found
        hints = manifests[path.parent]
        if not isinstance(hints, InputProblem):
            yield from _path_captures(path, str(path), hints, limit)


def captures(paths: list[str], max_bytes: int = MAX_TEXT_BYTES) -> Iterator[Capture | InputProblem]:
    """What the paths on a command line name, in order; problems are yielded, not raised, so
    one bad path does not stop the others from loading. A text file over `max_bytes` is
    refused before it is read."""
    for given in paths:
        if given == STDIN:
            yield Capture(origin=STDIN_ORIGIN, read=partial(_read_stdin, max_bytes))
            continue
        path = Path(given)
        if path.is_dir():
            yield from _directory_captures(path, max_bytes)
        elif path.is_file():
            hints = _manifest_beside(path)
            if isinstance(hints, InputProblem):
                yield hints
            else:
                yield from _path_captures(path, given, hints, max_bytes)
        else:
            yield InputProblem(given, _unusable(path))
