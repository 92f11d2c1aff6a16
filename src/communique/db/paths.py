"""The paths a user names: the database file, and the files commands write.

What a command writes at a path the user names goes through `written_whole`: nothing is ever
written over the database or the files SQLite keeps beside it, over a device, a named pipe, a
socket or a folder, nor over an existing file without `force`; and the file appears only once
it is complete. Standard library only, and cheap to import: every command that writes a file
uses it, and so does the command line's error reporting.
"""

from __future__ import annotations

import errno
import os
import shlex
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from communique.errors import CommuniqueError, OutputRefused

__all__ = [
    "SQLITE_FILES",
    "database_path",
    "file_system_reason",
    "no_space",
    "refuse_unsafe_output",
    "text_output",
    "too_long",
    "written_whole",
]

SQLITE_FILES = {
    "": "the database itself",
    "-wal": "the database's write-ahead log",
    "-shm": "the database's shared-memory index",
    "-journal": "the database's rollback journal",
}
"""The files of one database, by the suffix SQLite adds to its name. Writing over any of them
while the database is in use loses commits or corrupts it."""

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def database_path(text: str) -> Path:
    """The database named by --db or COMMUNIQUE_DB, refusing names that name no file: an empty
    one, and SQLite's name for a database in memory, which would vanish with the command."""
    if not text:
        raise CommuniqueError("--db is empty; name the SQLite file to use (--db or COMMUNIQUE_DB)")
    if text == ":memory:":
        raise CommuniqueError(
            ":memory: is SQLite's name for a database in memory, gone when the command ends;"
            " name a file with --db or COMMUNIQUE_DB"
        )
    return Path(text)


def _same_file(first: Path, second: Path) -> bool:
    """The same file however it is named: through links, relative parts, or hard links."""
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    try:
        return first.samefile(second)
    except OSError:  # one of them does not exist (yet)
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, say: not a folder that can be used
        return False


_STREAMS = (stat.S_ISCHR, stat.S_ISFIFO)
"""What a command that writes a stream of text (`export`) may write into with `force`, as a
shell's `>` would: a character device (/dev/null, a terminal) or a named pipe. Writing into one
replaces nothing; a block device, a socket or a folder is never written."""


def refuse_unsafe_output(
    target: Path, database: Path, *, force: bool, streams: bool = False
) -> bool:
    """Raise `OutputRefused` unless `target` may be written: it is none of the database's files
    (compared after resolving links, `..` and hard links), not a device, pipe, socket or folder
    even with `force`, and not an existing file unless `force`; its folder exists. With
    `streams`, a character device or a named pipe may be written into with `force`: returns
    True when `target` is one, to be opened as it is rather than replaced."""
    for base in {os.fspath(database), os.path.realpath(database)}:
        for suffix, what in SQLITE_FILES.items():
            if _same_file(target, Path(base + suffix)):
                raise OutputRefused(f"{target}: is {what}; name another file")
    try:
        mode = target.stat().st_mode  # follows a link to what it names
    except FileNotFoundError:
        if target.is_symlink() and not force:
            raise OutputRefused(f"{target}: already exists; use --force to replace it") from None
        if not _is_dir(target.parent):
            raise OutputRefused(
                f"{target}: cannot write it, {target.parent} is not a directory"
            ) from None
        return False
    except NotADirectoryError:
        raise OutputRefused(
            f"{target}: cannot write it, {target.parent} is not a directory"
        ) from None
    except PermissionError as error:
        raise OutputRefused(f"{target}: cannot write it ({error.strerror})") from None
    kind = next((kind for test, kind in _KINDS if test(mode)), None)
    if kind is None:
        if not force:
            raise OutputRefused(f"{target}: already exists; use --force to replace it")
        return False
    if not (streams and any(test(mode) for test in _STREAMS)):
        raise OutputRefused(
            f"{target}: is {kind}, not a file; communique writes only files, even with --force"
        )
    if not force:
        raise OutputRefused(f"{target}: is {kind}; use --force to write into it")
    return True


def _create_beside(target: Path) -> Path:
    """A new, empty file in the target's folder, with the mode of the file it will replace, or
    else the mode any new file gets (the umask applies)."""
    try:
        replaced: int | None = target.stat().st_mode & 0o777
    except OSError:
        replaced = None
    for _ in range(100):
        candidate = target.parent / f".{target.name[:40]}.{os.urandom(4).hex()}.part"
        try:
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        except OSError as error:
            raise CommuniqueError(f"{target}: cannot write there ({error.strerror})") from None
        try:
            if replaced is not None:
                os.fchmod(handle, replaced)
        finally:
            os.close(handle)
        return candidate
    raise CommuniqueError(f"{target}: cannot write there (no free temporary name)")


@contextmanager
def written_whole(target: Path, database: Path, *, force: bool) -> Iterator[Path]:
    """A temporary file beside `target` for the block to fill; it replaces `target` when the
    block ends without error, and is removed otherwise, so a failed or interrupted write
    leaves nothing half-written and an existing file as it was.

    The block should only write the file: an OSError in it is reported as the failure to
    write `target`. The guard runs before and again just before the rename, in case the
    file appeared meanwhile.
    """
    refuse_unsafe_output(target, database, force=force)
    temporary = _create_beside(target)
    try:
        try:
            yield temporary
            with temporary.open("rb") as written:
                os.fsync(written.fileno())  # on disk before its name is
        except OSError as error:
            reason = error.strerror or str(error)
            raise CommuniqueError(
                f"{target}: {reason[:1].lower()}{reason[1:]}; nothing was written"
            ) from error
        refuse_unsafe_output(target, database, force=force)
        _put_in_place(temporary, target, force=force)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _put_in_place(temporary: Path, target: Path, *, force: bool) -> None:
    """Give the finished file its name. Without `force` the name is taken by a hard link,
    which fails if a file of that name appeared since it was checked, rather than by a
    rename, which would replace it; with `force` the rename replaces it in one step."""
    if force:
        temporary.replace(target)
        return
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise OutputRefused(f"{target}: already exists; use --force to replace it") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        temporary.replace(target)  # a file system without hard links: as checked just before
        return
    temporary.unlink()


@contextmanager
def text_output(target: Path, database: Path, *, force: bool) -> Iterator[TextIO]:
    """A UTF-8 text stream for a command's output named by the user: a file written whole
    (`written_whole`), or, with `force`, a character device or named pipe written into as it
    is, as a shell's `>` would (nothing there can be left half-written or replaced). A full
    device is one line: `-o /dev/full --force` says there is no space left."""
    if not refuse_unsafe_output(target, database, force=force, streams=True):
        with (
            written_whole(target, database, force=force) as temporary,
            temporary.open("w", encoding="utf-8", newline="") as out,
        ):
            yield out
        return
    try:
        with target.open("w", encoding="utf-8", newline="") as out:
            yield out
    except OSError as error:
        reason = error.strerror or str(error)
        raise CommuniqueError(f"{target}: {reason[:1].lower()}{reason[1:]}") from error


def _shortened(name: str) -> str:
    return name if len(name) <= 80 else f"{name[:40]}...{name[-30:]}"


def _nearest_folder(path: Path) -> Path:
    folder = path.parent
    while not _is_dir(folder) and folder != folder.parent:
        folder = folder.parent
    return folder


def too_long(name: str) -> str:
    """What is too long in a path the system refused with ENAMETOOLONG, and by how much."""
    full = Path(name).absolute()
    folder = _nearest_folder(full)
    shown = _shortened(name)
    name_max = os.pathconf(folder, "PC_NAME_MAX")
    for part in os.fsencode(full).split(b"/"):
        if len(part) > name_max:
            return (
                f"{shown}: a name in this path is {len(part):,} bytes long, more than the"
                f" {name_max} the file system allows; use a shorter name"
            )
    path_max = os.pathconf(folder, "PC_PATH_MAX")
    return (
        f"{shown}: the path is {len(os.fsencode(full)):,} bytes long, more than the"
        f" {path_max:,} the system allows; use a shorter path"
    )


_SQLITE_PATH_HINT = 500
"""About the longest full path SQLite opens (its own limit, 512 bytes in many builds, less the
"-journal" it appends); longer ones fail with "unable to open database file"."""


def _in_wal_mode(path: Path) -> bool:
    """The file header says write-ahead logging: then SQLite creates -shm and -wal files beside
    the database even to read it."""
    try:
        with path.open("rb") as file:
            header = file.read(20)
    except OSError:
        return False
    return header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"


def file_system_reason(path: Path) -> str | None:
    """Why SQLite could not open or write the database ("unable to open database file",
    "attempt to write a readonly database"), as the file and its folder show it, with what
    still works; None when they show nothing wrong."""
    full = path.resolve()
    folder = full.parent
    if _is_dir(folder) and not os.access(folder, os.W_OK):
        read_only = os.statvfs(folder).f_flag & os.ST_RDONLY
        where = f"its folder {'is on a read-only medium' if read_only else 'is not writable'}"
        if not full.exists():
            return f"{path}: cannot create it, {where}; name a file in a writable folder"
        if _in_wal_mode(full):
            uri = shlex.quote(f"{full.as_uri()}?immutable=1")
            reading = (
                "" if Path(f"{full}-wal").exists() else f", or read it as it is with: sqlite3 {uri}"
            )
            return (
                f"{path}: cannot open it, {where} and SQLite must create files beside a database"
                f" in WAL mode even to read it; copy it to a writable folder{reading}"
            )
        return (
            f"{path}: cannot write it, {where} and SQLite writes its journal beside the database;"
            " reading commands still work, or copy it to a writable folder"
        )
    if full.exists() and not os.access(full, os.R_OK):
        return f"{path}: cannot read it (permission denied)"
    if full.exists() and not os.access(full, os.W_OK):
        return f"{path}: cannot write it, the file is read-only; reading commands still work"
    if len(os.fsencode(full)) > _SQLITE_PATH_HINT:
        return (
            f"{_shortened(str(path))}: SQLite cannot open it; its full path is"
            f" {len(os.fsencode(full)):,} bytes long, likely more than SQLite accepts;"
            " use a shorter path"
        )
    return None


def no_space(error: OSError) -> str:
    """A full disk or an exhausted quota (ENOSPC, EDQUOT), in one line."""
    what = "no space left on device" if error.errno == errno.ENOSPC else "disk quota exceeded"
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{what}; free some space, or write elsewhere"
