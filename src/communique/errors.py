"""Errors users can act on. The message says what went wrong and, where it can, what to do.

The CLI shows `str(error)` as one line on stderr; a traceback only with -v.
"""

from __future__ import annotations

__all__ = [
    "CommuniqueError",
    "DatabaseMissing",
    "InputRefused",
    "ReadOnlyViolation",
    "SchemaTooNew",
    "TimeLimitExceeded",
    "failure_reason",
]


class CommuniqueError(Exception):
    """Base class: anything communique reports to the user as a plain message."""


class DatabaseMissing(CommuniqueError):
    """The database file named does not exist and this command will not create it."""


class SchemaTooNew(CommuniqueError):
    """The database was made by a newer communique; migrating it backwards would lose data."""


class TimeLimitExceeded(CommuniqueError):
    """A statement ran past the time limit its command was given, and was stopped."""


class InputRefused(CommuniqueError):
    """An input is not text communique can store (empty, binary, undecodable, unreadable)."""


class ReadOnlyViolation(CommuniqueError):
    """A `query` tried to change the database, which that command never allows."""


def failure_reason(error: Exception) -> str:
    """One line saying why extraction failed: the database's own message for a rejected row
    (not the statement and its parameters), else the error's first line."""
    original = getattr(error, "orig", None) or error
    message = (str(original).strip().splitlines() or [""])[0]
    return f"extraction failed: {type(original).__name__}: {message}"
