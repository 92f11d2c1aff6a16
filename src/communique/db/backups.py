"""Copies taken beside the database before a command changes it in ways a user cannot undo:
a schema upgrade or downgrade, and `forget`.

The copy is `checks.backup`'s: SQLite's online backup API, made under a temporary name and
renamed into place when complete. It is named after the file and what it was before
(`communique.db.0003.bak` for a file at revision 0003), so that it sorts beside the database
and says what it holds, and it never replaces a file: a name already taken gets a number.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from pathlib import Path

from communique.db.checks import backup
from communique.errors import CommuniqueError

__all__ = ["backup_beside", "free_name"]


def free_name(path: Path, label: str) -> Path:
    """`<database>.<label>.bak`, or `<database>.<label>.<n>.bak` with the first n from 2 that
    names nothing yet (not even a dangling link)."""
    candidate = path.with_name(f"{path.name}.{label}.bak")
    for number in itertools.count(2):
        if not (candidate.exists() or candidate.is_symlink()):
            break
        candidate = path.with_name(f"{path.name}.{label}.{number}.bak")
    return candidate


def backup_beside(
    path: Path, label: str, *, before: str, skip: str, report: Callable[[str], None]
) -> Path:
    """Copy the database beside itself before doing `before` ("upgrading it"), saying so in
    one line; returns the copy's path. A copy that cannot be made stops the command, with
    nothing changed: `skip` says how to go on without one."""
    target = free_name(path, label)
    report(f"backing up {path} to {target} before {before}")
    try:
        backup(path, target)
    except (CommuniqueError, sqlite3.Error, OSError) as error:
        # The copy's own errors name the copy and say nothing was written, as this line does.
        reason = getattr(error, "strerror", None) or str(error)
        reason = reason.removeprefix(f"{target}: ").removesuffix("; nothing was written")
        raise CommuniqueError(
            f"{path}: cannot back it up to {target} ({reason}); nothing changed."
            f" Free some space or make the folder writable, or {skip}"
        ) from None
    return target
