"""Schema migrations through Alembic, driven from code so the CLI and the tests share one path.

The Alembic configuration is built here rather than read from an ini file: an installed
communique has no project folder, only the copy of migrations/ inside the package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, text

from communique.database import current_revision, finish_writing, write_engine
from communique.errors import CommuniqueError, SchemaTooNew
from communique.resources import migrations_dir

__all__ = [
    "alembic_config",
    "bring_to_head",
    "current",
    "downgrade",
    "head_revision",
    "history",
    "upgrade",
]


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


def upgrade(path: Path, revision: str = "head") -> None:
    _check_known(path)
    with _revision_errors(revision), _migrating(path) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(path: Path, revision: str) -> None:
    _check_known(path)
    with _revision_errors(revision), _migrating(path) as connection:
        command.downgrade(alembic_config(connection), revision)


def bring_to_head(path: Path, report: Callable[[str], None]) -> None:
    """Upgrade a new or older database to head, saying so, since it changes the user's file."""
    before = _check_known(path)
    head = head_revision()
    if before == head:
        return
    if before is None:
        report(f"creating database schema in {path} (revision {head})")
    else:
        report(f"upgrading {path} from revision {before} to {head}")
    upgrade(path, "head")


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
