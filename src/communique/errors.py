"""Errors users can act on. The message says what went wrong and, where it can, what to do.

The CLI shows `str(error)` as one line on stderr; a traceback only with -v.
"""

from __future__ import annotations

__all__ = [
    "CommuniqueError",
    "DatabaseMissing",
    "InputRefused",
    "OutputRefused",
    "ReadOnlyViolation",
    "SchemaTooNew",
    "TimeLimitExceeded",
    "TransactionLost",
    "failure_reason",
    "first_line",
]


class CommuniqueError(Exception):
    """Base class: anything communique reports to the user as a plain message."""


class DatabaseMissing(CommuniqueError):
    """The database file named does not exist and this command will not create it. Every
    command says so in the same words, built here."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path}: no such database; load something first with `communique seed`"
            " or name another file with --db or COMMUNIQUE_DB"
        )


class SchemaTooNew(CommuniqueError):
    """The database was made by a newer communique; migrating it backwards would lose data."""


class TimeLimitExceeded(CommuniqueError):
    """A statement ran past the time limit its command was given, and was stopped."""


class InputRefused(CommuniqueError):
    """An input is not text communique can store (empty, binary, undecodable, unreadable)."""


class OutputRefused(CommuniqueError):
    """A path named for a command's output that it must not write: one of the database's own
    files, a device, pipe or folder, or an existing file without --force."""


class ReadOnlyViolation(CommuniqueError):
    """A `query` tried to change the database, which that command never allows."""


class TransactionLost(CommuniqueError):
    """SQLite gave up the open write transaction, or failed in a way no document causes (a
    full disk, an I/O error, a damaged file). Nothing of that transaction is kept, and the
    command stops: going on would write outside of it, one statement at a time, and pin the
    database's fault on documents that have none."""

    def __init__(self, cause: str, advice: str, lost: str = "") -> None:
        self.cause = cause
        """What went wrong, in SQLite's words."""
        self.advice = advice
        """What the user can do about it."""
        self.lost = lost
        """What of the command's work was not stored."""
        super().__init__("; ".join(part for part in (cause, lost, advice) if part))

    def losing(self, lost: str) -> TransactionLost:
        """The same failure, saying what of the work it cost."""
        return TransactionLost(self.cause, self.advice, lost)


def first_line(error: object) -> str:
    """The first line of an error's message, or its type's name when it says nothing: what a
    one-line report quotes, never a statement and its parameters on the lines after."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def failure_reason(error: Exception) -> str:
    """One line saying why extraction failed: the database's own message for a rejected row
    (not the statement and its parameters), else the error's first line."""
    original = getattr(error, "orig", None) or error
    message = first_line(original) if str(original).strip() else ""
    return f"extraction failed: {type(original).__name__}: {message}"
