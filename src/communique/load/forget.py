"""Taking a load back: `communique forget` removes the documents loaded from named inputs, and
what only they supported.

An input is named as `seed` was given it or as the documents store it: a file's path
(relative to the current folder, as `seed` resolves it), which also names every record of an
archive (`PATH#INDEX`) and, for a folder, everything loaded from below it; or an origin
exactly as stored (`<stdin>`, or `-` as `seed` spells it; `communique:seed/NAME`).

An article goes with its documents unless another capture of it stays; its declarations,
points and their tags go with it (the schema's cascades, and the full-text indexes' delete
triggers). An article that stays was written from its first capture (see `reparse`): when
that capture is forgotten, the article is rewritten from the first one that stays. Sources,
parties and topics are shared vocabulary and stay as they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from communique.db.backups import backup_beside
from communique.db.database import (
    IN_LIST_SIZE,
    begin_immediate,
    fold_log,
    rows_in,
    write_connection,
)
from communique.errors import CommuniqueError, first_line
from communique.inputs.files import STDIN, STDIN_ORIGIN

if TYPE_CHECKING:
    from communique.load.workers import Extractor

__all__ = ["ForgetPlan", "forget", "plan"]


@dataclass(frozen=True)
class ForgetPlan:
    """What forgetting the named inputs removes, as the database stood when it was counted."""

    names: tuple[str, ...]
    origins: dict[str, int]
    """Each file (an archive's records counted under its path) → documents loaded from it."""
    documents: frozenset[int]
    articles: frozenset[int]
    """Articles no capture would support any more: removed."""
    declarations: int
    points: int
    handed_over: dict[int, int]
    """Article → the capture it is rewritten from: its first capture is forgotten, another
    stays."""

    def line(self, verb: str) -> str:
        """The counts in one line: "<verb> 2 documents, 1 article, 1 declaration and 7 points"."""
        counts = [
            _counted(len(self.documents), "document"),
            _counted(len(self.articles), "article"),
            _counted(self.declarations, "declaration"),
        ]
        return f"{verb} {', '.join(counts)} and {_counted(self.points, 'point')}"


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _keys(name: str) -> set[str]:
    """What an origin, or its file, or a folder above it, must be for `name` to name it."""
    if name in (STDIN, STDIN_ORIGIN):
        return {STDIN_ORIGIN}
    try:
        resolved = Path(name).resolve()
    except (OSError, RuntimeError):  # a loop of links, a name too long: as it is spelled
        resolved = Path(name).absolute()
    return {name, str(resolved)}


def _file_of(origin: str) -> str:
    """The file an origin was loaded from: an archive record's path without `#INDEX`."""
    path, mark, index = origin.rpartition("#")
    return path if mark and index.isdigit() else origin


def _named_by(origin: str) -> Iterable[str]:
    """The keys under which a name finds this origin: itself, its file, and for a path the
    folders above it."""
    file = _file_of(origin)
    yield origin
    yield file
    if PurePath(file).is_absolute():
        yield from (str(parent) for parent in PurePath(file).parents)


def plan(connection: sqlite3.Connection, names: Iterable[str]) -> ForgetPlan:
    """Count what forgetting `names` would remove; a name that matches nothing is refused,
    so that nothing is removed on a mistyped name."""
    names = tuple(names)
    wanted: dict[str, set[str]] = {}
    for name in names:
        for key in _keys(name):
            wanted.setdefault(key, set()).add(name)
    cursor = connection.cursor()
    documents: set[int] = set()
    origins: dict[str, int] = {}
    matched: set[str] = set()
    for document_id, origin in cursor.execute("SELECT id, origin FROM documents"):
        found = {name for key in _named_by(origin) for name in wanted.get(key, ())}
        if found:
            matched |= found
            documents.add(int(document_id))
            file = _file_of(origin)
            origins[file] = origins.get(file, 0) + 1
    missing = [name for name in names if name not in matched]
    if missing:
        listed = ", ".join(repr(name) for name in missing)
        raise CommuniqueError(
            f"nothing was loaded from {listed}; nothing forgotten. Name a file as it was"
            " loaded, or an origin as stored: communique query"
            ' "SELECT DISTINCT origin FROM documents" lists them'
        )
    return _counted_plan(cursor, names, origins, documents)


def _counted_plan(
    cursor: sqlite3.Cursor, names: tuple[str, ...], origins: dict[str, int], documents: set[int]
) -> ForgetPlan:
    keys = [str(document_id) for document_id in documents]
    linked = {
        int(article)
        for (article,) in rows_in(cursor, "SELECT article_id FROM documents WHERE id", keys)
        if article is not None
    }
    captures: dict[int, list[int]] = {}
    query = "SELECT article_id, id FROM documents WHERE article_id"
    for article, document in rows_in(cursor, query, [str(a) for a in linked]):
        captures.setdefault(int(article), []).append(int(document))
    removed = {a for a in linked if all(d in documents for d in captures[a])}
    handed_over = {
        article: min(d for d in found if d not in documents)
        for article, found in captures.items()
        if article not in removed and min(found) in documents
    }
    gone = [str(article) for article in removed]
    declarations = sum(
        int(row[0])
        for row in rows_in(cursor, "SELECT count(*) FROM declarations WHERE article_id", gone)
    )
    points = sum(
        int(row[0])
        for row in rows_in(
            cursor,
            "SELECT count(*) FROM declaration_points p JOIN declarations d"
            " ON d.id = p.declaration_id WHERE d.article_id",
            gone,
        )
    )
    return ForgetPlan(
        names=names,
        origins=dict(sorted(origins.items())),
        documents=frozenset(documents),
        articles=frozenset(removed),
        declarations=declarations,
        points=points,
        handed_over=handed_over,
    )


def _delete(cursor: sqlite3.Cursor, table: str, ids: Iterable[int]) -> None:
    """Delete these rows, a few hundred ids per statement."""
    keys = sorted(ids)
    for start in range(0, len(keys), IN_LIST_SIZE):
        some = keys[start : start + IN_LIST_SIZE]
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join('?' for _ in some)})", some)


def _rewrite_from(
    driver: sqlite3.Connection,
    article_id: int,
    document_id: int,
    extractor: Extractor,
) -> bool:
    """Rewrite an article from the capture that is now its first, as `reparse` would; false
    when that capture no longer extracts to this article (extraction has changed since)."""
    from communique.extract.records import CaptureHints
    from communique.load.reparse import rewrite_article
    from communique.load.rows import Writer

    text, url, year, form = driver.execute(
        "SELECT raw_text, url, given_year, format FROM documents WHERE id = ?", [document_id]
    ).fetchone()
    (fingerprint,) = driver.execute(
        "SELECT fingerprint FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    try:
        extraction = extractor(text, CaptureHints(url=url, published_year=year, format=form))
    except Exception:  # noqa: BLE001 - the article stays as it is, and the caller says so
        return False
    if extraction.article is None or extraction.article.fingerprint != fingerprint:
        return False
    rewrite_article(Writer(driver), article_id, extraction.article)
    return True


def _failed(path: Path, error: sqlite3.Error) -> CommuniqueError:
    reason = first_line(error)
    return CommuniqueError(f"{path}: forgetting failed ({reason}); nothing forgotten")


def _forget_versions(cursor: sqlite3.Cursor, documents: frozenset[int]) -> None:
    """Take back the versions the forgotten documents are (those made from documents stored
    before snapshots were kept), and the items left without any. A version a snapshot saw is
    part of that snapshot's record, which forgetting cannot take back: it is refused."""
    keys = [str(document) for document in documents]
    snapshot_files = {origin for (origin,) in cursor.execute("SELECT origin FROM snapshots")}
    if snapshot_files:
        query = "SELECT origin FROM documents WHERE id"
        from_snapshots = [
            origin
            for (origin,) in rows_in(cursor, query, keys)
            if origin.rpartition("#")[0] in snapshot_files
        ]
        if from_snapshots:
            raise CommuniqueError(
                f"{len(from_snapshots)} of the documents to forget were loaded from a snapshot;"
                " forgetting a snapshot's records is not supported, nothing forgotten"
            )
    found = list(rows_in(cursor, "SELECT id, item_id FROM versions WHERE document_id", keys))
    if not found:
        return
    versions = [str(version) for version, _ in found]
    seen = list(
        rows_in(cursor, "SELECT DISTINCT version_id FROM sightings WHERE version_id", versions)
    )
    if seen:
        raise CommuniqueError(
            f"{len(seen)} of the documents to forget are versions of archive items that"
            " snapshots saw; forgetting a snapshot's records is not supported, nothing forgotten"
        )
    items = sorted({str(item) for _, item in found})
    for start in range(0, len(versions), 500):
        some = versions[start : start + 500]
        marks = ", ".join("?" for _ in some)
        cursor.execute(
            f"UPDATE items SET current_version_id = NULL WHERE current_version_id IN ({marks})",
            some,
        )
        cursor.execute(f"DELETE FROM versions WHERE id IN ({marks})", some)
    for start in range(0, len(items), 500):
        some = items[start : start + 500]
        marks = ", ".join("?" for _ in some)
        cursor.execute(
            f"""UPDATE items SET current_version_id =
                    (SELECT max(v.id) FROM versions v WHERE v.item_id = items.id)
                WHERE id IN ({marks}) AND current_version_id IS NULL""",
            some,
        )
        cursor.execute(
            f"""DELETE FROM items WHERE id IN ({marks}) AND current_version_id IS NULL
                AND NOT EXISTS (SELECT 1 FROM titles t WHERE t.item_id = items.id)
                AND NOT EXISTS (SELECT 1 FROM changes c WHERE c.item_id = items.id)""",
            some,
        )


def forget(
    path: Path,
    shown: ForgetPlan,
    *,
    backup: bool,
    notice: Callable[[str], None],
    extractor: Extractor,
) -> list[str]:
    """Remove what `shown` counted, in one write transaction: all of it or, on any failure,
    nothing. It is counted again under the write lock, and refused if it changed since it
    was shown. The copy (unless `backup` is false) is taken under the same lock, so that it
    holds exactly what was there before. An article handed over to another capture is
    rewritten with `extractor`, the user's vocabularies included, as `reparse` would. Returns a
    note for each article that stays as it was because its capture no longer extracts to it."""
    notes: list[str] = []
    try:
        driver = write_connection(path)
    except sqlite3.Error as error:
        raise _failed(path, error) from None
    try:
        begin_immediate(driver)
        now = plan(driver, shown.names)
        if now != shown:
            raise CommuniqueError(
                f"{path}: changed while forgetting was being confirmed; nothing forgotten."
                " Run the command again"
            )
        if backup:
            backup_beside(
                path,
                "before-forget",
                before="forgetting",
                skip="add --no-backup if you keep copies of your own",
                notice=notice,
            )
        cursor = driver.cursor()
        _forget_versions(cursor, now.documents)
        _delete(cursor, "documents", now.documents)
        _delete(cursor, "articles", now.articles)
        for article, document in sorted(now.handed_over.items()):
            if not _rewrite_from(driver, article, document, extractor):
                notes.append(
                    f"article {article} stays as its forgotten capture gave it: document"
                    f" {document} no longer extracts to it; run `communique reparse`"
                )
        driver.commit()
    except sqlite3.Error as error:  # the transaction is rolled back
        raise _failed(path, error) from None
    finally:
        try:
            if driver.in_transaction:
                driver.rollback()
        except sqlite3.Error:  # closing it undoes the transaction anyway
            pass
        finally:
            driver.close()
            fold_log(path)
    return notes
