"""Finding what to load: files, directories, standard input, and the packaged seed set.

A manifest.toml beside the texts adds what they do not say about themselves (capture URL,
publication year); the packaged seed/ folder has one, and so may any folder a user loads.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from communique.archives import ArchiveProblem, read_archive
from communique.errors import CommuniqueError
from communique.extract.records import RECORD_FORMAT, CaptureHints
from communique.resources import seed_dir

__all__ = ["STDIN", "Capture", "InputProblem", "captures", "packaged_captures", "read_manifest"]

STDIN = "-"
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


def _file_capture(path: Path, origin: str, hints: CaptureHints) -> Capture:
    return Capture(origin=origin, read=path.read_bytes, hints=hints)


def _archive_captures(path: Path, given: str) -> Iterator[Capture | InputProblem]:
    """One capture per record; a record that cannot be loaded is a problem of its own, and
    the file's other records still load."""
    origin = str(path.resolve())
    for item in read_archive(path):
        if isinstance(item, ArchiveProblem):
            where = f"{given}: record {item.index}" if item.index is not None else given
            yield InputProblem(where, item.reason)
            continue
        hints = CaptureHints(url=item.record.get("link"), format=RECORD_FORMAT)
        yield Capture(f"{origin}#{item.index}", partial(str.encode, item.text, "utf-8"), hints)


def _path_captures(
    path: Path, given: str, hints: dict[str, CaptureHints]
) -> Iterator[Capture | InputProblem]:
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        yield from _archive_captures(path, given)
    else:
        yield _file_capture(path, str(path.resolve()), hints.get(path.name, CaptureHints()))


def packaged_captures() -> Iterator[Capture]:
    """Every file the packaged seed manifest lists."""
    folder = seed_dir()
    for name, hints in read_manifest(folder / MANIFEST).items():
        yield _file_capture(folder / name, f"communique:seed/{name}", hints)


def _manifest_beside(path: Path) -> dict[str, CaptureHints] | InputProblem:
    """The hints of the manifest in a file's folder; a broken manifest is a problem of its
    own, and the files it describes are not loaded without it."""
    manifest = path.parent / MANIFEST
    try:
        return read_manifest(manifest) if manifest.is_file() else {}
    except CommuniqueError as error:
        return InputProblem(str(manifest), str(error).removeprefix(f"{manifest}: "))


def _directory_captures(folder: Path) -> Iterator[Capture | InputProblem]:
    loadable = TEXT_SUFFIXES | ARCHIVE_SUFFIXES
    files = sorted(
        path for path in folder.rglob("*") if path.suffix.lower() in loadable and path.is_file()
    )
    if not files:
        yield InputProblem(str(folder), f"directory holds no {LOADABLE} file")
    manifests: dict[Path, dict[str, CaptureHints] | InputProblem] = {}
    for path in files:
        if path.parent not in manifests:
            manifests[path.parent] = found = _manifest_beside(path)
            if isinstance(found, InputProblem):
                yield found
        hints = manifests[path.parent]
        if not isinstance(hints, InputProblem):
            yield from _path_captures(path, str(path), hints)


def captures(paths: list[str]) -> Iterator[Capture | InputProblem]:
    """What the paths on a command line name, in order; problems are yielded, not raised, so
    one bad path does not stop the others from loading."""
    for given in paths:
        if given == STDIN:
            yield Capture(origin="<stdin>", read=sys.stdin.buffer.read)
            continue
        path = Path(given)
        if path.is_dir():
            yield from _directory_captures(path)
        elif path.is_file():
            hints = _manifest_beside(path)
            if isinstance(hints, InputProblem):
                yield hints
            else:
                yield from _path_captures(path, given, hints)
        elif path.exists():
            yield InputProblem(given, "not a regular file or directory")
        else:
            yield InputProblem(given, "no such file or directory")
