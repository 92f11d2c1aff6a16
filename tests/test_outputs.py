"""Files commands write, and the paths and numbers users give them.

No output ever lands on the database or the files SQLite keeps beside it, on a device or a
pipe, or on an existing file without --force; what is written appears only once complete.
Paths and numbers that cannot work, a read-only folder and a full disk each end in one line.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import threading
from contextlib import closing
from pathlib import Path

import pytest

from communique.errors import OutputRefused

from conftest import RunCli, console_script, run_console, sql, unavailable, write_variants

LARGEST = 2**63 - 1
EXPORT_DOCUMENTS = ("--what", "documents", "--format", "json", "--force", "-o")
TOO_LARGE = "99999999999999999999"


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _temporaries(folder: Path) -> list[str]:
    """Files a write left behind (they are named with a leading dot)."""
    return [name for name in _files(folder) if name.startswith(".")]


# The database and its files, however they are named.


def _database_names(db: Path, tmp_path: Path) -> dict[str, Path]:
    """Names that all lead to the database file."""
    link = tmp_path / "link.db"
    link.symlink_to(db)
    hard = tmp_path / "hard.db"
    hard.hardlink_to(db)
    (tmp_path / "sub").mkdir()
    return {
        "itself": db,
        "link": link,
        "with ..": tmp_path / "sub" / ".." / db.name,
        "hard link": hard,
    }


@pytest.mark.parametrize("name", ["itself", "link", "with ..", "hard link"])
@pytest.mark.parametrize("force", [False, True])
def test_export_never_writes_over_the_database(
    seeded: Path, tmp_path: Path, cli: RunCli, name: str, force: bool
) -> None:
    target = _database_names(seeded, tmp_path)[name]
    before = seeded.read_bytes()
    result = cli("export", "-o", str(target), *(["--force"] if force else []))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target}: is the database itself; name another file\n"
    assert seeded.read_bytes() == before
    assert sql(seeded, "SELECT count(*) FROM declaration_points") == [(7,)]


def test_backup_never_writes_over_the_database_through_a_link(seeded: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(seeded)
    before = seeded.read_bytes()
    result = run_console("--db", str(seeded), "backup", str(link), "--force")
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {link}: is the database itself; name another file\n",
    )
    assert seeded.read_bytes() == before
    assert link.is_symlink()


@pytest.mark.parametrize(
    ("suffix", "what"),
    [
        ("-wal", "the database's write-ahead log"),
        ("-shm", "the database's shared-memory index"),
        ("-journal", "the database's rollback journal"),
    ],
)
def test_no_output_replaces_the_files_sqlite_keeps_beside_the_database(
    seeded: Path, tmp_path: Path, suffix: str, what: str
) -> None:
    """A commit still in the write-ahead log survives export and backup aimed at the log,
    whether named directly or through a link; the -shm and -journal files likewise."""
    companion = Path(f"{seeded}{suffix}")
    link = tmp_path / f"link{suffix}"
    link.symlink_to(companion)
    with closing(sqlite3.connect(seeded, isolation_level=None)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # the commit stays in the log
        writer.execute("UPDATE articles SET headline = 'Kept in the log' WHERE id = 1")
        assert Path(f"{seeded}-wal").stat().st_size > 0
        log = Path(f"{seeded}-wal").read_bytes()
        before = companion.stat().st_ino if companion.exists() else None
        for target in (companion, link):
            for command in (["export", "-o", str(target)], ["backup", str(target), "--force"]):
                result = run_console("--db", str(seeded), *command)
                assert (result.returncode, result.stderr) == (
                    1,
                    f"Error: {target}: is {what}; name another file\n",
                ), command
            assert (companion.stat().st_ino if companion.exists() else None) == before
            assert Path(f"{seeded}-wal").read_bytes() == log
    assert sql(seeded, "SELECT headline FROM articles") == [("Kept in the log",)]
    assert sql(seeded, "PRAGMA integrity_check") == [("ok",)]


# Existing files: replaced only with --force, and then whole.


@pytest.mark.usefixtures("seeded")
def test_export_replaces_an_existing_file_only_with_force(tmp_path: Path, cli: RunCli) -> None:
    target = tmp_path / "points.csv"
    target.write_text("precious\n", encoding="utf-8")
    target.chmod(0o666)
    refused = cli("export", "--what", "points", "--format", "csv", "-o", str(target))
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {target}: already exists; use --force to replace it\n"
    assert target.read_text(encoding="utf-8") == "precious\n"
    done = cli("export", "--what", "points", "--format", "csv", "-o", str(target), "--force")
    assert done.exit_code == 0, done.output
    assert done.stderr == f"communique: exported 7 points to {target}\n"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 8
    assert stat.S_IMODE(target.stat().st_mode) == 0o666  # the replaced file's mode, as it was
    assert _temporaries(tmp_path) == []


@pytest.mark.usefixtures("seeded")
def test_a_new_export_gets_the_mode_of_a_new_file(tmp_path: Path, cli: RunCli) -> None:
    target = tmp_path / "articles.jsonl"
    previous = os.umask(0o027)
    try:
        assert cli("export", "-o", str(target)).exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def _limited_to(size: int) -> None:
    """In the child: files may not grow past `size` bytes, and writing past it fails with
    EFBIG instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def _store_of_40(tmp_path: Path, seed_text: str) -> Path:
    """A database of 40 documents, about 120 KiB of them as JSON."""
    db = tmp_path / "store.db"
    folder = tmp_path / "captures"
    write_variants(folder, seed_text, 40)
    assert run_console("--db", str(db), "seed", str(folder)).returncode == 0
    shutil.rmtree(folder)
    return db


@pytest.mark.slow
@pytest.mark.parametrize("existing", [False, True])
def test_an_export_that_fails_half_way_leaves_nothing_behind(
    tmp_path: Path, seed_text: str, existing: bool
) -> None:
    db = _store_of_40(tmp_path, seed_text)
    target = tmp_path / "documents.json"
    if existing:
        target.write_text("precious\n", encoding="utf-8")
    result = subprocess.run(
        [str(console_script()), "--db", str(db), "export", *EXPORT_DOCUMENTS, str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limited_to(48 << 10),
    )
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {target}: file too large; nothing was written\n",
    )
    if existing:
        assert target.read_text(encoding="utf-8") == "precious\n"
    else:
        assert not target.exists()
    assert _temporaries(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (("export", *EXPORT_DOCUMENTS), "no space left on device"),
        (("backup",), "no space left on device (database or disk is full)"),
    ],
)
def test_an_output_that_fills_its_disk_says_so_and_leaves_nothing(
    tmp_path: Path, seed_text: str, command: tuple[str, ...], reason: str
) -> None:
    """On a 16 KiB file system: the full disk is the destination's, not the database's."""
    db = _store_of_40(tmp_path, seed_text)
    small = tmp_path / "small"
    small.mkdir()
    target = small / "out"
    result = _with_mount(
        'mount -t tmpfs -o size=16k tmpfs "$1"', small, "--db", str(db), *command, str(target)
    )
    assert (result.returncode, result.stderr, result.stdout) == (
        1,
        f"Error: {target}: {reason}; nothing was written\n",
        "",  # nothing left on the small disk
    )
    assert run_console("--db", str(db), "check").returncode == 0


# Devices, pipes and folders: never replaced, even with --force; export streams into a
# character device or a named pipe only with --force.


def test_backup_never_replaces_a_named_pipe(seeded: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = run_console("--db", str(seeded), "backup", str(pipe), "--force")
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {pipe}: is a named pipe, not a file; communique writes only files, even with"
        " --force\n",
    )
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert _temporaries(tmp_path) == []


def test_export_writes_into_a_named_pipe_only_with_force(seeded: Path, tmp_path: Path) -> None:
    """Without --force the pipe is refused without being opened (opening it would wait for a
    reader); with it, the export streams into the pipe as a shell's `>` would, and the pipe
    stays a pipe."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    refused = run_console("--db", str(seeded), "export", "-o", str(pipe))
    assert (refused.returncode, refused.stderr) == (
        1,
        f"Error: {pipe}: is a named pipe; use --force to write into it\n",
    )
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    written = run_console("--db", str(seeded), "export", "-o", str(pipe), "--force")
    reader.join(timeout=30)
    assert (written.returncode, written.stderr) == (
        0,
        f"communique: exported 1 articles to {pipe}\n",
    )
    assert received == [run_console("--db", str(seeded), "export").stdout.encode()]
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert _temporaries(tmp_path) == []


def test_backup_never_replaces_a_device_even_through_a_link(seeded: Path, tmp_path: Path) -> None:
    """A link to the null device in the test's folder stands for the device: were it not
    refused, only the link would be replaced, never the device itself."""
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    result = run_console("--db", str(seeded), "backup", str(link), "--force")
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {link}: is a device, not a file; communique writes only files, even with"
        " --force\n",
    )
    assert link.is_symlink()
    assert link.readlink() == Path(os.devnull)
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_export_writes_into_a_device_through_a_link_only_with_force(
    seeded: Path, tmp_path: Path
) -> None:
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    refused = run_console("--db", str(seeded), "export", "-o", str(link))
    assert (refused.returncode, refused.stderr) == (
        1,
        f"Error: {link}: is a device; use --force to write into it\n",
    )
    written = run_console("--db", str(seeded), "export", "-o", str(link), "--force")
    assert (written.returncode, written.stderr) == (
        0,
        f"communique: exported 1 articles to {link}\n",
    )
    assert link.is_symlink()
    assert link.readlink() == Path(os.devnull)
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert _temporaries(tmp_path) == []


def test_export_to_the_full_device_says_no_space_in_one_line(seeded: Path, cli: RunCli) -> None:
    refused = cli("export", "-o", "/dev/full")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: /dev/full: is a device; use --force to write into it\n",
    )
    full = run_console("--db", str(seeded), "export", "-o", "/dev/full", "--force")
    assert (full.returncode, full.stdout, full.stderr) == (
        1,
        "",
        "Error: /dev/full: no space left on device\n",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["export"],
        ["export", "--what", "documents", "--format", "json"],
        ["articles"],
        ["show", "1", "--format", "json"],
        ["--help"],
    ],
)
def test_a_full_disk_on_standard_output_is_one_line(seeded: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123
        result = subprocess.run(
            [str(console_script()), "--db", str(seeded), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert (result.returncode, result.stderr) == (
        1,
        "Error: no space left on device; free some space, or write elsewhere\n",
    )


# A read-only folder or medium.


def _with_mount(mount: str, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script after `mount` (a shell command on "$1", which is `folder`), in a
    private mount namespace, where no privilege beyond one's own is needed. What is left in
    `folder` is listed on stdout after the command's own output."""
    private = ["unshare", "--user", "--map-root-user", "--mount"]
    if shutil.which("unshare") is None or subprocess.run([*private, "true"]).returncode:
        unavailable("needs a private mount namespace (unshare --user --mount)")
    script = f'{mount} && folder="$1" && shift && "$@"; status=$?; ls -A "$folder"; exit $status'
    return subprocess.run(
        [*private, "sh", "-c", script, "sh", str(folder), str(console_script()), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _in_read_only_folder(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script with `folder` read-only. Root ignores permission bits, so as
    root the folder is bound read-only onto itself in a private mount namespace; otherwise
    its permission bits are enough."""
    if os.geteuid() == 0:
        return _with_mount('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"', folder, *args)
    folder.chmod(0o555)
    try:
        return subprocess.run(
            [str(console_script()), *args], capture_output=True, text=True, timeout=60
        )
    finally:
        folder.chmod(0o755)


def test_a_database_in_a_read_only_folder_is_not_called_damaged(
    seeded: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "store.db"
    shutil.copyfile(seeded, db)
    assert db.read_bytes()[18:20] == b"\x02\x02"  # a WAL-mode database, as every load leaves it
    where = "is on a read-only medium" if os.geteuid() == 0 else "is not writable"
    uri = f"{db.resolve().as_uri()}?immutable=1"
    for command in (["articles"], ["check"], ["backup", str(tmp_path / "copy.db")]):
        result = _in_read_only_folder(folder, "--db", str(db), *command)
        assert (result.returncode, result.stderr, result.stdout) == (
            1,
            f"Error: {db}: cannot open it, its folder {where} and SQLite must create files"
            " beside a database in WAL mode even to read it; copy it to a writable folder,"
            f" or read it as it is with: sqlite3 '{uri}'\n",
            "" if os.geteuid() != 0 else "store.db\n",
        ), command
    with closing(sqlite3.connect(uri, uri=True)) as reader:  # what the line offers works
        assert reader.execute("SELECT count(*) FROM declaration_points").fetchone() == (7,)
    assert _files(folder) == ["store.db"]


# Numbers beyond SQLite's integers.


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["show", TOO_LARGE], "'ARTICLE_ID'"),
        (["search", "missile", "--limit", TOO_LARGE], "'--limit'"),
        (["points", "--article", TOO_LARGE], "'--article'"),
        (["points", "--declaration", TOO_LARGE], "'--declaration'"),
        (["seed", "--jobs", TOO_LARGE], "'--jobs' / '-j'"),
        (["seed", "--max-size", TOO_LARGE], "'--max-size'"),
    ],
)
@pytest.mark.usefixtures("seeded")
def test_a_number_too_large_for_sqlite_is_a_usage_error(
    cli: RunCli, args: list[str], name: str
) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for {name}: {TOO_LARGE} is too large: the largest allowed is"
        f" {LARGEST}."
    )


@pytest.mark.usefixtures("seeded")
def test_the_largest_and_smallest_integers_still_work(cli: RunCli) -> None:
    missing = cli("show", str(LARGEST))
    assert (missing.exit_code, missing.stderr) == (
        1,
        f"Error: no article with id {LARGEST}; `communique articles` lists them\n",
    )
    assert cli("points", f"--article=-{2**63}", "--format", "json").stdout == "[]\n"
    below = cli("points", f"--article=-{2**63 + 1}")
    assert below.exit_code == 2
    assert below.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--article': -{2**63 + 1} is too small: the smallest allowed"
        f" is -{2**63}."
    )
    assert cli("search", "missile", "--limit", str(LARGEST), "--format", "json").exit_code == 0
    zero = cli("search", "missile", "--limit", "0")
    assert zero.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--limit': 0 is too small: the smallest allowed is 1."
    )


# Database names that name no usable file.


def test_an_empty_database_name_is_one_line(tmp_path: Path) -> None:
    result = run_console("--db", "", "articles", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "Error: --db is empty; name the SQLite file to use (--db or COMMUNIQUE_DB)\n",
    )


def test_the_in_memory_database_is_refused(tmp_path: Path) -> None:
    for command in (["seed"], ["articles"]):
        result = run_console(*command, env={"COMMUNIQUE_DB": ":memory:"}, cwd=tmp_path)
        assert (result.returncode, result.stderr) == (
            1,
            "Error: :memory: is SQLite's name for a database in memory, gone when the command"
            " ends; name a file with --db or COMMUNIQUE_DB\n",
        )
    assert _files(tmp_path) == []


def test_a_name_too_long_for_the_file_system_is_one_line(tmp_path: Path) -> None:
    long_name = tmp_path / ("n" * 300 + ".db")
    shown = f"{str(long_name)[:40]}...{str(long_name)[-30:]}"
    for command in (["seed"], ["articles"]):
        result = run_console("--db", str(long_name), *command)
        assert (result.returncode, result.stderr) == (
            1,
            f"Error: {shown}: a name in this path is 303 bytes long, more than the 255 the file"
            " system allows; use a shorter name\n",
        )
    assert _files(tmp_path) == []


def test_a_path_too_long_for_the_system_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["d" * 200] * 25, "store.db")
    shown = f"{str(deep)[:40]}...{str(deep)[-30:]}"
    result = run_console("--db", str(deep), "seed")
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {shown}: the path is {len(os.fsencode(deep)):,} bytes long, more than the"
        " 4,096 the system allows; use a shorter path\n",
    )


def test_an_export_name_too_long_is_one_line(seeded: Path, tmp_path: Path) -> None:
    target = tmp_path / ("n" * 300 + ".jsonl")
    result = run_console("--db", str(seeded), "export", "-o", str(target))
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {str(target)[:40]}...{str(target)[-30:]}: a name in this path is 306 bytes"
        " long, more than the 255 the file system allows; use a shorter name\n"
    )


def test_a_path_too_long_for_sqlite_says_so(seeded: Path, tmp_path: Path) -> None:
    """SQLite opens paths of at most about 500 bytes in common builds, well under the system's
    limit; a database stored deeper is named as the cause, not as damage."""
    deep = tmp_path.joinpath(*["d" * 100] * 10)
    deep.mkdir(parents=True)
    db = deep / "store.db"
    shutil.copyfile(seeded, db)
    result = run_console("--db", str(db), "articles", "--format", "json")
    try:
        sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True).close()
    except sqlite3.OperationalError:  # this build's limit is below the path's length
        assert (result.returncode, result.stderr) == (
            1,
            f"Error: {str(db)[:40]}...{str(db)[-30:]}: SQLite cannot open it; its full path is"
            f" {len(os.fsencode(db)):,} bytes long, likely more than SQLite accepts;"
            " use a shorter path\n",
        )
    else:
        assert result.returncode == 0, result.stderr


def test_a_file_that_appears_after_the_last_check_is_not_replaced(tmp_path: Path) -> None:
    """The name is taken by a hard link, which fails if another program created the file
    between the last check and the naming, where a rename would have replaced it."""
    from communique.db.paths import _put_in_place

    finished, target = tmp_path / ".export.part", tmp_path / "export.jsonl"
    finished.write_text("ours\n", encoding="utf-8")
    target.write_text("theirs\n", encoding="utf-8")
    with pytest.raises(OutputRefused, match="already exists; use --force to replace it"):
        _put_in_place(finished, target, force=False)
    assert target.read_text(encoding="utf-8") == "theirs\n"
    _put_in_place(finished, target, force=True)
    assert target.read_text(encoding="utf-8") == "ours\n"
    assert not finished.exists()


def test_a_backup_named_with_a_newline_is_said_on_one_line(seeded: Path, tmp_path: Path) -> None:
    destination = tmp_path / "copy\nError: forged.db"
    result = run_console("--db", str(seeded), "backup", str(destination))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith(f"backed up {seeded} to {str(destination)!r} (")
