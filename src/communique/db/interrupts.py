"""Stopping a statement in its course: on Ctrl-C, on SIGTERM, or past a time limit.

SQLite runs a statement as one call into C, and Python runs its signal handlers only between
bytecodes: left alone, a KeyboardInterrupt waits for the statement to end, however long it
runs. SQLite's progress handler calls back into Python every `PROGRESS_STEPS` instructions of
its virtual machine, and the signal handlers pending run there, inside the callback. But
sqlite3 cannot pass an exception on from the callback: it aborts the statement (SQLite's
"interrupted") and drops the exception. So while a connection is watched, the SIGINT and
SIGTERM handlers are wrapped to keep what they raise, and it is raised again once the
statement has stopped: the command ends as it would between two statements (`Aborted!`, or
`Terminated`). The time limit is checked in the same callback, so that one mechanism stops
a statement whatever the reason.
"""

from __future__ import annotations

import math
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from communique.errors import TimeLimitExceeded

__all__ = ["PROGRESS_STEPS", "Watch", "watched"]

PROGRESS_STEPS = 1000
"""SQLite instructions between two calls of the progress handler, chosen by measuring both
sides on 20,000 articles. Its cost: a call takes about 0.12 µs; search and the listings ran
0.8-1.6% slower with it (100: 4-6%; 10,000: under 0.7%). Its delay: ranked full-text
searches do much work per instruction, and at 1,000 a pathological one still ended within
50 ms of Ctrl-C (10,000 let the calls drift 300 ms apart); plain scans, within microseconds."""

ROWS_AT_ONCE = 256
"""Rows fetched between two looks at the clock by `Watch.rows`: few enough to hold no memory
to speak of, enough that the clock costs nothing per row."""

Handler = Callable[[int, FrameType | None], Any]


class Watch:
    """The progress handler of one connection: it aborts the statement running when a signal
    handler has raised or the time limit has passed, and keeps which."""

    def __init__(self, seconds: float | None, what: str) -> None:
        self._seconds = seconds
        self._what = what
        self._deadline = math.inf if seconds is None else time.monotonic() + seconds
        self._expired = False
        self._signalled: BaseException | None = None

    def __call__(self) -> bool:
        """Whether SQLite should abort the statement. Called every `PROGRESS_STEPS`
        instructions, so it does as little as it can."""
        if self._signalled is not None:
            return True
        if time.monotonic() > self._deadline:
            self._expired = True
        return self._expired

    def rows(self, cursor: sqlite3.Cursor) -> Iterator[Any]:
        """The cursor's rows as SQLite makes them, a few hundred at a time. The time the
        caller takes over them (writing them out, maybe to a reader that takes its time, as
        `less` does) is not counted against the limit: the limit is on the statement's own
        running."""
        while batch := cursor.fetchmany(ROWS_AT_ONCE):
            handed = time.monotonic()
            yield from batch
            self._deadline += time.monotonic() - handed

    def keeping(self, handler: Handler) -> Handler:
        """`handler`, keeping what it raises in the progress handler, where sqlite3 drops it.
        Raised anywhere else, it reaches the caller by itself."""

        def keep(number: int, frame: FrameType | None) -> Any:
            try:
                return handler(number, frame)
            except BaseException as error:
                if frame is not None and frame.f_code is Watch.__call__.__code__:
                    self._signalled = error
                raise

        return keep

    def check(self) -> None:
        """Raise what stopped a statement, if this watch stopped one: in place of SQLite's
        "interrupted" (or whatever a caller made of it), and also when a caller went on as
        if nothing happened, as a check that collects errors would."""
        if self._signalled is not None:
            raise self._signalled from None
        if self._expired:
            raise TimeLimitExceeded(
                f"the {self._what} ran past its time limit of {self._seconds:g} s and was"
                " stopped; allow it longer with --timeout SECONDS (0 for no limit)"
            ) from None


def _keep_signals(watch: Watch) -> Callable[[], None]:
    """Wrap the handlers of SIGINT and SIGTERM; returns how to put them back. A signal whose
    handler is not Python's (the default, or ignored) acts on its own, even in a statement."""
    previous: dict[int, Handler] = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(number)
        if not callable(handler):
            continue
        try:
            signal.signal(number, watch.keeping(handler))
        except ValueError:  # not the main thread, which alone gets signals
            break
        previous[number] = handler

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


@contextmanager
def watched(
    connection: sqlite3.Connection, *, seconds: float | None = None, what: str = "statement"
) -> Iterator[Watch]:
    """Let Ctrl-C and SIGTERM stop any statement of `connection` within milliseconds, and stop
    those that run past `seconds` (None: no limit) with `TimeLimitExceeded`, naming `what`."""
    watch = Watch(seconds, what)
    restore = _keep_signals(watch)
    connection.set_progress_handler(watch, PROGRESS_STEPS)
    try:
        yield watch
    except BaseException:
        watch.check()
        raise
    else:
        watch.check()
    finally:
        connection.set_progress_handler(None, 0)
        restore()
