"""Schema migrations through Alembic, driven from code so the CLI and the tests share one path.

The Alembic configuration is built here rather than read from an ini file: an installed
communique has no project folder, only the copy of migrations/ inside the package.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from communique.db.backups import backup_beside
from communique.db.database import (
    begin_immediate,
    fold_log,
    open_connection,
    set_write_pragmas,
)
from communique.db.schema import current_revision
from communique.errors import CommuniqueError, SchemaTooNew, first_line
from communique.resources import migrations_dir

__all__ = [
    "alembic_config",
    "bring_to_head",
    "current",
    "downgrade",
    "finish_writing",
    "head_revision",
    "history",
    "upgrade",
    "write_engine",
]


def _configure_engine(engine: Engine, *, foreign_keys: bool) -> None:
    """Take transaction control from the sqlite3 module and set pragmas on every connection.

    pysqlite's own BEGIN handling breaks SAVEPOINT and defers locking; emitting BEGIN IMMEDIATE
    ourselves makes each write transaction take the lock up front, so two writers wait for each
    other instead of failing half-way with "database is locked".
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        set_write_pragmas(dbapi_connection, foreign_keys=foreign_keys)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        begin_immediate(connection.connection.driver_connection)


def write_engine(path: Path, *, foreign_keys: bool = True) -> Engine:
    """A SQLAlchemy engine for writing. Migrations pass `foreign_keys=False`: Alembic's batch
    mode recreates tables, which enforced foreign keys would cascade into other tables.

    The connection is made here rather than from a URL, so that a path with "?" or "%" in it
    names exactly that file.
    """
    engine = create_engine(
        "sqlite://", creator=lambda: open_connection(path, create=True), poolclass=NullPool
    )
    _configure_engine(engine, foreign_keys=foreign_keys)
    return engine


def finish_writing(engine: Engine, path: Path) -> None:
    """Close the engine that wrote `path`, then fold the write-ahead log into the file."""
    engine.dispose()
    fold_log(path)


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise CommuniqueError("communique is installed without any migration")
    return head


def _check_known(path: Path) -> str | None:
    """The file's revision, refusing one this communique does not know (a newer release's)."""
    revision = current_revision(path) if path.exists() else None
    if revision is None:
        return None
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if revision not in known:
        raise SchemaTooNew(
            f"{path}: database schema is at revision {revision}, which this communique does"
            " not know; it was written by a newer version. Upgrade communique to use it."
        )
    return revision


@contextmanager
def _migrating(path: Path) -> Iterator[Connection]:
    """One transaction, foreign keys off, that is checked for dangling references before it
    commits: a migration either leaves a consistent file or none of its changes."""
    engine = write_engine(path, foreign_keys=False)
    try:
        with engine.begin() as connection:
            yield connection
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            if problems:
                raise CommuniqueError(
                    f"{path}: migration left {len(problems)} broken references; nothing changed"
                )
    finally:
        finish_writing(engine, path)


@contextmanager
def _revision_errors(revision: str) -> Iterator[None]:
    try:
        yield
    except CommandError as error:
        raise CommuniqueError(
            f"cannot move to revision {revision!r}: {error}; `communique db history` lists them"
        ) from None


Notice = Callable[[str], None]

DERIVED_BY_EXTRACTION = {
    "0002": "capture facts",
    "0003": "topics of points",
    "0007": "the dates of datelines",
}
"""What a revision adds that only extraction can fill in for the rows already stored: after an
upgrade through it (again after a downgrade, which drops it), `communique reparse` derives
it from the documents."""


def _quiet(_message: str) -> None:
    """What a caller that wants no notices is told: nothing."""


class _MoveFailed(Exception):
    """A migration step failed inside the transaction, which is rolled back on the way out."""


def _target(script: ScriptDirectory, revision: str) -> tuple[bool, str | None]:
    """Whether `revision` names one revision, and which ("base": None). A relative one ("-1",
    "head-1") names none by itself, and is taken as a move; an unknown name is refused before
    anything is copied or changed."""
    try:
        found = script.get_revision(revision)
    except CommandError:
        if any(sign in revision for sign in "+-"):
            return False, None
        raise
    return True, None if found is None else found.revision


def _holds_documents(connection: Connection) -> bool:
    return bool(connection.execute(text("SELECT EXISTS (SELECT 1 FROM documents)")).scalar())


def _move(
    path: Path, revision: str, *, upward: bool, notice: Notice, backup: bool, announce: bool
) -> None:
    """Move the schema to `revision` in one transaction, after copying a file that holds
    documents (unless `backup` is false). The revision is read again under the write lock:
    another command may have moved it meanwhile. An upgrade through several revisions says
    each as it begins (on a large file they take a while); `announce` also says the move.
    A move that fails leaves the file as it was, and says so."""
    _check_known(path)
    script = ScriptDirectory.from_config(alembic_config())
    with _revision_errors(revision):
        named, target = _target(script, revision)
    documents, copy, steps = False, None, []
    before: str | None = None
    try:
        with _revision_errors(revision), _migrating(path) as connection:
            before = MigrationContext.configure(connection).get_current_revision()
            if named and target == before:
                return
            if named:
                steps = _steps(script, before, target, upward=upward)
            documents = before is not None and _holds_documents(connection)
            if documents and backup:
                copy = _copy_before(path, str(before), "upgrade" if upward else "downgrade", notice)
            if announce and before is None:
                notice(f"creating database schema in {path} (revision {target})")
            elif announce:
                notice(f"upgrading {path} from revision {before} to {target}")
            try:
                _apply(connection, revision, steps if upward and before else [], upward, notice)
            except Exception as error:
                raise _MoveFailed(error) from error
    except _MoveFailed as failure:
        wanted = target if named else revision
        raise _failed(path, upward, before, wanted, failure.__cause__, copy) from None
    derived = [DERIVED_BY_EXTRACTION[step] for step in steps if step in DERIVED_BY_EXTRACTION]
    if upward and documents and derived:
        notice(
            f"run `communique reparse` to derive {' and '.join(derived)} from the documents"
            " already stored"
        )


def _steps(
    script: ScriptDirectory, before: str | None, target: str | None, *, upward: bool
) -> list[str]:
    """The revisions a move from `before` to `target` runs, in the order it runs them; a move
    the wrong way (`db upgrade` to an older revision) is refused before anything is copied."""
    upper, lower = (target, before) if upward else (before, target)
    try:
        found = [step.revision for step in script.iterate_revisions(upper, lower)]
    except RevisionError:
        way = "upgrade" if upward else "downgrade"
        raise CommuniqueError(
            f"cannot {way} from revision {before or 'base'} to {target or 'base'};"
            f" `communique db current` and `communique db history` say where it stands"
        ) from None
    return found[::-1] if upward else found


def _copy_before(path: Path, revision: str, move: str, notice: Notice) -> Path:
    return backup_beside(
        path,
        revision,
        before=f"{move.removesuffix('e')}ing it",
        skip=f"run `communique db {move} --no-backup` if you keep copies of your own",
        notice=notice,
    )


def _apply(
    connection: Connection,
    revision: str,
    steps: list[str],
    upward: bool,
    notice: Notice,
) -> None:
    """Run the migrations, one revision at a time when there are several to say."""
    if len(steps) > 1:
        for number, step in enumerate(steps, 1):
            notice(f"applying revision {step} ({number} of {len(steps)})")
            command.upgrade(alembic_config(connection), step)
    elif upward:
        command.upgrade(alembic_config(connection), revision)
    else:
        command.downgrade(alembic_config(connection), revision)


def _failed(
    path: Path,
    upward: bool,
    before: str | None,
    revision: str | None,
    error: BaseException | None,
    copy: Path | None,
) -> CommuniqueError:
    """One line for a move that failed: why, that the file is as it was, and where the copy is."""
    original = getattr(error, "orig", None) or error
    reason = first_line(original)
    kept = f"; the copy taken before is {copy}" if copy is not None else ""
    return CommuniqueError(
        f"{path}: the {'upgrade' if upward else 'downgrade'} from revision {before} to"
        f" {revision or 'base'} failed ({reason});"
        f" the database is as it was{kept}"
    )


def upgrade(
    path: Path, revision: str = "head", *, notice: Notice = _quiet, backup: bool = True
) -> None:
    """Upgrade to `revision`; a file that holds documents is copied first unless `backup` is
    false (for users who keep copies of their own)."""
    _move(path, revision, upward=True, notice=notice, backup=backup, announce=False)


def downgrade(path: Path, revision: str, *, notice: Notice = _quiet, backup: bool = True) -> None:
    """Downgrade to `revision`, which drops what later revisions added (every table, for
    "base"): a file that holds documents is copied first unless `backup` is false."""
    _move(path, revision, upward=False, notice=notice, backup=backup, announce=False)


def bring_to_head(path: Path, notice: Notice) -> None:
    """Upgrade a new or older database to head, saying so, since it changes the user's file;
    one that holds documents is copied first."""
    if _check_known(path) == head_revision():
        return
    _move(path, "head", upward=True, notice=notice, backup=True, announce=True)


TABLES_BY_REVISION = {
    "0001": (
        "parties",
        "sources",
        "articles",
        "declarations",
        "documents",
        "declaration_points",
        "signatories",
        "point_parties",
    ),
    "0002": ("declaration_parties",),
    "0003": ("topics", "point_topics"),
    # Archives, items and versions are made again from the documents; snapshots are not.
    "0010": ("snapshots", "sightings", "titles", "changes"),
}
"""The tables each revision creates, which its downgrade drops with their rows."""


def _relative(
    script: ScriptDirectory, revision: str, before: str | None
) -> tuple[bool, str | None]:
    """The revision a relative one ("-1", "head-2", "0005-1") means, counted down from the
    current revision, head or the one named; (False, None) when it means none."""
    import re

    found = re.fullmatch(r"(?P<start>[^-+]*)-(?P<steps>\d+)", revision)
    if found is None:
        return False, None
    start = found["start"] or before
    if start == "head":
        start = script.get_current_head()
    target = start
    for _ in range(int(found["steps"])):
        if target is None:
            return False, None
        down = script.get_revision(target).down_revision
        target = down if isinstance(down, str) or down is None else None
    return True, target


def rows_dropped(path: Path, revision: str) -> dict[str, int]:
    """The tables a downgrade to `revision` drops that hold rows, with how many: what a user
    is asked to confirm. Empty when nothing is lost, and for a revision this cannot tell of
    (a relative or unknown one), which the move itself then judges."""
    from contextlib import closing

    script = ScriptDirectory.from_config(alembic_config())
    before = _check_known(path)
    try:
        named, target = _target(script, revision)
        if not named:
            named, target = _relative(script, revision, before)
        if not named or before is None:
            return {}
        steps = _steps(script, before, target, upward=False)
    except (CommandError, CommuniqueError, RevisionError):
        return {}
    tables = [table for step in steps for table in TABLES_BY_REVISION.get(step, ())]
    found: dict[str, int] = {}
    with closing(open_connection(path, readonly=True)) as connection:
        present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        for table in tables:
            if table in present:
                (count,) = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                if count:
                    found[table] = int(count)
    return found


def current(path: Path) -> str | None:
    return _check_known(path)


def history() -> list[tuple[str, str | None, str]]:
    """(revision, down revision, message) from newest to oldest."""
    script = ScriptDirectory.from_config(alembic_config())
    return [
        (
            rev.revision,
            rev.down_revision if isinstance(rev.down_revision, str) else None,
            rev.doc or "",
        )
        for rev in script.walk_revisions()
    ]
