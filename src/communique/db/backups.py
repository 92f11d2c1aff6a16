"""Copies of the database: `communique backup`, and the copies taken beside the database before
a command changes it in ways a user cannot undo (a schema upgrade or downgrade, `forget`).

A copy is made with SQLite's online backup API, consistent even while another process writes,
under a temporary name and renamed into place when complete. A copy taken before a change is
named after the file and what it was before (`communique.db.0003.bak` for a file at revision
0003), so that it sorts beside the database and says what it holds, and it never replaces a
file: a name already taken gets a number.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from pathlib import Path

from communique.db.database import BUSY_TIMEOUT_MS, connect, open_connection
from communique.db.paths import written_whole
from communique.errors import CommuniqueError

__all__ = ["backup", "backup_beside", "free_name"]


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
    path: Path, label: str, *, before: str, skip: str, notice: Callable[[str], None]
) -> Path:
    """Copy the database beside itself before doing `before` ("upgrading it"), saying so in
    one line; returns the copy's path. A copy that cannot be made stops the command, with
    nothing changed: `skip` says how to go on without one."""
    target = free_name(path, label)
    notice(f"backing up {path} to {target} before {before}")
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


def backup(source: Path, target: Path, *, force: bool = False) -> int:
    """Copy the database with SQLite's online backup API, consistent even while another
    process writes; returns the copy's size. The copy is made beside `target` and renamed
    into place, so a failed backup leaves no partial file and `force` replaces atomically;
    `target` is never one of the database's own files, a device or a pipe."""
    with written_whole(target, source, force=force) as copy_path:
        copy_path.chmod(source.stat().st_mode & 0o777)  # as readable as the database itself
        try:
            _copy(source, copy_path)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_FULL:
                raise
            # Only the copy is written: the full disk is the destination's, not the database's.
            raise CommuniqueError(
                f"{target}: no space left on device ({error}); nothing was written"
            ) from None
    return target.stat().st_size


def _copy(source: Path, target: Path) -> None:
    reader = connect(source, readonly=True)
    try:
        copy = open_connection(target)
        try:
            reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.backup(copy)  # all pages in one step: one consistent snapshot
            # A backup is read, not loaded into: a rollback journal lets it be read anywhere.
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        reader.close()
    if verdict != "ok":
        raise CommuniqueError(f"backup failed: the copy did not pass quick_check ({verdict})")
