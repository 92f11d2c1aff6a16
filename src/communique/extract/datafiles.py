"""Reading the vocabularies that ship as TOML data files, and the user's extensions of them."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from communique.errors import CommuniqueError

__all__ = ["packaged_table", "read_table", "strings"]


def packaged_table(name: str) -> dict[str, Any]:
    """A data file shipped in the package (communique/data/NAME)."""
    resource = files("communique") / "data" / name
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def read_table(path: Path, what: str) -> dict[str, Any]:
    """A user's data file; any problem is one error naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CommuniqueError(f"{path}: unreadable {what}: {error}") from None


def strings(table: dict[str, Any], key: str, origin: str) -> list[str]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise CommuniqueError(f"{origin}: {key} must be a list of strings")
    return values
