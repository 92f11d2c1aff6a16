"""What communique knows of its schema without importing SQLAlchemy or Alembic: the newest
revision, the full-text indexes, and the revision a file is at.

Every command asks these before anything else, so they stay standard library only: a listing
of a database at the newest revision never imports the migration machinery.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from communique.db.database import open_connection
from communique.errors import CommuniqueError, DatabaseMissing

__all__ = ["FULL_TEXT", "HEAD_REVISION", "current_revision", "existing", "ready"]

HEAD_REVISION = "0010"
"""The newest migration; a test checks that it is Alembic's head. Knowing it without importing
Alembic lets every command see at once whether a database needs migrating."""

FULL_TEXT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("articles_fts", "articles", ("headline", "body")),
    ("declaration_points_fts", "declaration_points", ("text",)),
)
"""Each full-text index, the table it indexes and its columns (migration 0003)."""


def current_revision(path: Path) -> str | None:
    """The schema revision recorded in the file, or None for a new, empty database.

    A file that holds tables but no revision is someone else's database, and is refused
    rather than having communique's tables added to it.
    """
    try:
        with closing(open_connection(path, readonly=True)) as connection:
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            row = (
                connection.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_CANTOPEN:  # not damage: see why
            from communique.db.paths import file_system_reason

            reason = file_system_reason(path)
            if reason is not None:
                raise CommuniqueError(reason) from None
        raise CommuniqueError(f"{path}: cannot read it as an SQLite database ({error})") from None
    if row is None and tables - {"alembic_version"}:
        raise CommuniqueError(
            f"{path}: not a communique database (it holds other tables);"
            " name another file with --db"
        )
    return row[0] if row else None


def ready(path: Path, *, create: bool) -> bool:
    """Whether the file is at the newest schema already; False when it must be made (only
    when `create`) or migrated. A missing file that may not be created is refused."""
    if not path.exists():
        if not create:
            raise DatabaseMissing(path)
        if not path.parent.is_dir():
            raise CommuniqueError(f"{path}: cannot create it, {path.parent} is not a directory")
        return False
    return current_revision(path) == HEAD_REVISION


def existing(path: Path) -> None:
    """Refuse a database file that does not exist, for commands that only read or take away."""
    if not path.exists():
        raise DatabaseMissing(path)
