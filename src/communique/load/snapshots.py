"""Recording a snapshot: which versions of which items an archive held on one day, and what
changed since the snapshot before it.

The snapshot's records are loaded first, as any archive's are (each a document, stored once);
this module then records, in one transaction, the snapshot, its items, versions, headlines and
sightings, and brings the archive's changes up to date from this snapshot on, in as-of order.
Changes depend only on the snapshots stored, never on the order they came in: loading them
in any order gives the same history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from communique.db.database import rows_in
from communique.errors import CommuniqueError, InputRefused
from communique.extract.snapshots import CHANGE_KINDS, Sighted, archive_name, sighted
from communique.inputs.json_archives import ArchiveProblem, read_archive

__all__ = ["SnapshotResult", "read_snapshot", "record_snapshot"]

TABLES = ("archives", "snapshots", "items", "versions", "titles", "sightings", "changes")
"""The tables a snapshot writes, and nothing else does."""


@dataclass(frozen=True)
class SnapshotRecords:
    """A snapshot file read: its sha256, each record's document sha256 and sighting, and
    the records not stored yet (index, exact text, link), the only ones left to load."""

    sha256: str
    records: list[tuple[str, Sighted]]
    unstored: list[tuple[int, str, str, str]] = field(default_factory=list)
    """(index, document sha256, exact text, link) of each record not stored yet."""


@dataclass
class SnapshotResult:
    archive: str
    as_of: dt.date
    unchanged: bool = False
    """The same snapshot was loaded before: nothing was written."""
    changes: Counter[str] = field(default_factory=Counter)
    """The changes since the snapshot before it, by kind."""
    previous: dt.date | None = None
    later: int = 0
    """How many later snapshots' changes were worked out again (a snapshot loaded late)."""

    def line(self) -> str:
        counts = ", ".join(f"{self.changes[kind]} {kind}" for kind in CHANGE_KINDS)
        since = f"since {self.previous.isoformat()}" if self.previous else "first snapshot"
        head = f"snapshot of {self.archive} as of {self.as_of.isoformat()}"
        if self.unchanged:
            return f"{head}: already loaded, unchanged"
        later = (
            f"; changes of {self.later} later snapshot(s) worked out again" if self.later else ""
        )
        return f"{head} ({since}): {counts}{later}"


def read_snapshot(
    path: Path, stored: Callable[[list[str]], set[str]] | None = None, batch: int = 500
) -> SnapshotRecords:
    """Every record of the file with its sighting; a file that cannot be read whole is
    refused, since a snapshot is the archive's complete contents. `stored` says which of a
    batch of document digests are stored already: the texts of the others are kept, to be
    loaded (in a daily snapshot, a few dozen), and the file is read only once."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    records: list[tuple[str, Sighted]] = []
    unstored: list[tuple[int, str, str, str]] = []
    pending: list[tuple[int, str, str, str]] = []

    def settle() -> None:
        known = stored([sha for _, sha, _, _ in pending]) if stored else set()
        unstored.extend(entry for entry in pending if entry[1] not in known)
        pending.clear()

    for item in read_archive(path):
        if isinstance(item, ArchiveProblem):
            where = f"record {item.index}: " if item.index is not None else ""
            raise InputRefused(f"{path}: {where}{item.reason}; a snapshot must be read whole")
        seen = sighted(item.record)
        if seen is None:
            raise InputRefused(
                f"{path}: record {item.index} has no link; every record of a snapshot needs one"
            )
        sha = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        records.append((sha, seen))
        pending.append((item.index, sha, item.text, seen.url))
        if len(pending) >= batch:
            settle()
    settle()
    return SnapshotRecords(digest.hexdigest(), records, unstored)


def _get_or_add(
    cursor: sqlite3.Cursor, table: str, columns: tuple[str, str], keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """The ids of rows of `table` keyed by (parent id, text), adding those missing."""
    wanted = set(keys)
    parent, text = columns
    cursor.executemany(
        f"INSERT OR IGNORE INTO {table} ({parent}, {text}) VALUES (?, ?)", sorted(wanted)
    )
    parents = sorted({str(key[0]) for key in wanted})
    query = f"SELECT {parent}, {text}, id FROM {table} WHERE {parent}"
    return {(row[0], row[1]): row[2] for row in rows_in(cursor, query, parents)}


def _state(cursor: sqlite3.Cursor, snapshot_id: int) -> State:
    """What a snapshot saw of each item: its versions and its headlines."""
    state: State = {}
    for item_id, version_id, title_id in cursor.execute(
        "SELECT v.item_id, si.version_id, si.title_id FROM sightings si"
        " JOIN versions v ON v.id = si.version_id WHERE si.snapshot_id = ?",
        [snapshot_id],
    ):
        versions, titles = state.setdefault(item_id, (set(), set()))
        versions.add(version_id)
        titles.add(title_id)
    return state


def _seen_before(cursor: sqlite3.Cursor, item_id: int, archive_id: int, as_of: str) -> bool:
    return (
        cursor.execute(
            "SELECT 1 FROM versions v JOIN sightings si ON si.version_id = v.id"
            " JOIN snapshots sn ON sn.id = si.snapshot_id"
            " WHERE v.item_id = ? AND sn.archive_id = ? AND sn.as_of < ? LIMIT 1",
            [item_id, archive_id, as_of],
        ).fetchone()
        is not None
    )


def _rework_changes(
    cursor: sqlite3.Cursor, archive_id: int, as_of: str, known: dict[int, State] | None = None
) -> tuple[set[int], int]:
    """Work out the archive's changes again from the snapshot as of `as_of` on, pair by pair
    in as-of order. Returns the items whose changes were touched, and how many snapshots
    after `as_of` were worked out again."""
    snapshots = cursor.execute(
        "SELECT id, as_of FROM snapshots WHERE archive_id = ? ORDER BY as_of", [archive_id]
    ).fetchall()
    start = next(index for index, (_, date) in enumerate(snapshots) if date >= as_of)
    affected = snapshots[start:]
    marks = ", ".join("?" for _ in affected)
    ids = [snapshot_id for snapshot_id, _ in affected]
    touched = {
        item
        for (item,) in cursor.execute(
            f"SELECT item_id FROM changes WHERE snapshot_id IN ({marks})", ids
        )
    }
    cursor.execute(f"DELETE FROM changes WHERE snapshot_id IN ({marks})", ids)
    known = known or {}

    def state(snapshot_id: int) -> State:
        return known[snapshot_id] if snapshot_id in known else _state(cursor, snapshot_id)

    before = state(snapshots[start - 1][0]) if start else {}
    rows: list[tuple[int, int, str]] = []
    for snapshot_id, date in affected:
        now = state(snapshot_id)
        for item, (versions, titles) in now.items():
            if item not in before:
                kind = "restored" if _seen_before(cursor, item, archive_id, date) else "new"
            elif before[item][0] != versions:
                kind = "edited"
            elif before[item][1] != titles:
                kind = "retitled"
            else:
                continue
            rows.append((snapshot_id, item, kind))
        rows.extend((snapshot_id, item, "withdrawn") for item in before.keys() - now.keys())
        before = now
    cursor.executemany("INSERT INTO changes (snapshot_id, item_id, change) VALUES (?, ?, ?)", rows)
    touched.update(item for _, item, _ in rows)
    return touched, len(affected) - 1


def _update_items(cursor: sqlite3.Cursor, items: set[int]) -> None:
    """Bring the items' current version, withdrawn mark and alternation, and their versions'
    `current`, up to date from their sightings and changes. The current version is the one
    the latest snapshot saw; of several, the one first seen last (the newest text), then the
    lowest text digest, whatever order the snapshots were loaded in. Items no snapshot saw
    keep theirs."""
    ordered = sorted(str(item) for item in items)
    days: dict[int, dict[str, set[int]]] = {}
    first_seen: dict[int, str] = {}
    digests: dict[int, str] = {}
    query = """SELECT v.item_id, v.id, v.text_sha256, sn.as_of FROM versions v
               JOIN sightings si ON si.version_id = v.id
               JOIN snapshots sn ON sn.id = si.snapshot_id WHERE v.item_id"""
    for item_id, version_id, digest, as_of in rows_in(cursor, query, ordered):
        days.setdefault(item_id, {}).setdefault(as_of, set()).add(version_id)
        digests[version_id] = digest
        if version_id not in first_seen or as_of < first_seen[version_id]:
            first_seen[version_id] = as_of
    latest_change: dict[int, tuple[str, str]] = {}
    query = """SELECT c.item_id, sn.as_of, c.change FROM changes c
               JOIN snapshots sn ON sn.id = c.snapshot_id WHERE c.item_id"""
    for item_id, as_of, change in rows_in(cursor, query, ordered):
        if item_id not in latest_change or as_of > latest_change[item_id][0]:
            latest_change[item_id] = (as_of, change)
    current_versions: list[tuple[int]] = []
    updates: list[tuple[int, int, int, int]] = []
    for item_id, by_day in days.items():
        latest = by_day[max(by_day)]
        current = max(sorted(latest, key=digests.__getitem__), key=first_seen.__getitem__)
        current_versions.extend((version,) for version in latest)
        withdrawn = latest_change.get(item_id, ("", ""))[1] == "withdrawn"
        updates.append((current, int(withdrawn), int(_alternates(by_day)), item_id))
    cursor.executemany(
        "UPDATE versions SET current = 0 WHERE item_id = ? AND current",
        [(item,) for item in days],
    )
    cursor.executemany("UPDATE versions SET current = 1 WHERE id = ?", current_versions)
    cursor.executemany(
        "UPDATE items SET current_version_id = ?, withdrawn = ?, alternating = ? WHERE id = ?",
        updates,
    )


def _alternates(texts_by_day: dict[str, set[int]]) -> bool:
    """Whether the item's texts went back to texts it had before another text came between."""
    runs: list[frozenset[int]] = []
    for day in sorted(texts_by_day):
        texts = frozenset(texts_by_day[day])
        if not runs or runs[-1] != texts:
            runs.append(texts)
    return len(runs) != len(set(runs))


def clash_message(origin: str, name: str, day: str, other: str) -> str:
    return (
        f"{origin}: another snapshot of {name} as of {day} is already loaded (from {other});"
        " give this one another --as-of or --archive"
    )


def archive_of(read: SnapshotRecords, archive: str | None) -> str:
    """The archive a snapshot is of: the name given, else its records' most common site."""
    if archive:
        return archive
    return Counter(archive_name(seen.url) for _, seen in read.records).most_common(1)[0][0]


def clash(cursor: sqlite3.Cursor, read: SnapshotRecords, name: str, day: str) -> str | None:
    """Where another snapshot of the archive on that day was loaded from, if one with other
    bytes was: asked before anything of this one is stored."""
    found = cursor.execute(
        "SELECT sn.sha256, sn.origin FROM snapshots sn JOIN archives ar ON ar.id = sn.archive_id"
        " WHERE ar.name = ? AND sn.as_of = ?",
        [name, day],
    ).fetchone()
    if found is None or found[0] == read.sha256:
        return None
    return str(found[1])


def record_snapshot(
    connection: sqlite3.Connection,
    read: SnapshotRecords,
    origin: str,
    as_of: dt.date,
    archive: str | None,
) -> SnapshotResult:
    """Record the snapshot read from `origin`, whose records are all stored as documents,
    in one transaction on `connection` (a write connection, outside any transaction)."""
    if not read.records:
        raise InputRefused(f"{origin}: the snapshot holds no record")
    name = archive_of(read, archive)
    result = SnapshotResult(name, as_of)
    day = as_of.isoformat()
    with closing(connection.cursor()) as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            cursor.execute("INSERT OR IGNORE INTO archives (name) VALUES (?)", [name])
            (archive_id,) = cursor.execute(
                "SELECT id FROM archives WHERE name = ?", [name]
            ).fetchone()
            other = clash(cursor, read, name, day)
            if other is not None:
                raise CommuniqueError(clash_message(origin, name, day, other))
            if cursor.execute(
                "SELECT 1 FROM snapshots WHERE archive_id = ? AND as_of = ?", [archive_id, day]
            ).fetchone():
                cursor.execute("ROLLBACK")
                result.unchanged = True
                return result
            ids, previous_state = _known_from_previous(cursor, archive_id, day)
            unknown = [
                (sha, seen)
                for sha, seen in read.records
                if (seen.url, seen.text_sha256, seen.headline) not in ids
            ]
            ids.update(_ids_of(cursor, archive_id, unknown))
            (snapshot_id,) = cursor.execute(
                "INSERT INTO snapshots (archive_id, as_of, origin, sha256, records, loaded_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    archive_id,
                    day,
                    origin,
                    read.sha256,
                    len(read.records),
                    dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" "),
                ],
            ).fetchone()
            seen_now = {
                ids[(seen.url, seen.text_sha256, seen.headline)] for _, seen in read.records
            }
            cursor.executemany(
                "INSERT INTO sightings (snapshot_id, version_id, title_id) VALUES (?, ?, ?)",
                sorted((snapshot_id, version, title) for _, version, title in seen_now),
            )
            now: State = {}
            for item, version, title in seen_now:
                versions, titles = now.setdefault(item, (set(), set()))
                versions.add(version)
                titles.add(title)
            _first_documents(cursor, read, ids, seen_now, previous_state, day)
            known_states = {snapshot_id: now}
            if previous_state is not None:
                known_states[previous_state[0]] = previous_state[1]
            touched, result.later = _rework_changes(cursor, archive_id, day, known_states)
            _update_items(cursor, touched)
            result.changes = Counter(
                kind
                for (kind,) in cursor.execute(
                    "SELECT change FROM changes WHERE snapshot_id = ?", [snapshot_id]
                )
            )
            previous = cursor.execute(
                "SELECT max(as_of) FROM snapshots WHERE archive_id = ? AND as_of < ?",
                [archive_id, day],
            ).fetchone()[0]
            result.previous = dt.date.fromisoformat(previous) if previous else None
            cursor.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                cursor.execute("ROLLBACK")
            raise
    return result


Key = tuple[str, str, str]
"""What a record says of its item: link, folded text's sha256, cleaned headline."""
State = dict[int, tuple[set[int], set[int]]]
"""What a snapshot saw of each item: its versions and its headlines (titles)."""


def _known_from_previous(
    cursor: sqlite3.Cursor, archive_id: int, day: str
) -> tuple[dict[Key, tuple[int, int, int]], tuple[int, State] | None]:
    """The ids (item, version, title) of every record the archive's previous snapshot saw,
    by what the record says, and that snapshot's state: in a daily snapshot nearly every
    record says what it said the day before, and needs no look-up of its own."""
    previous = cursor.execute(
        "SELECT id FROM snapshots WHERE archive_id = ? AND as_of < ? ORDER BY as_of DESC LIMIT 1",
        [archive_id, day],
    ).fetchone()
    if previous is None:
        return {}, None
    ids: dict[Key, tuple[int, int, int]] = {}
    state: State = {}
    for url, text_sha, headline, item, version, title in cursor.execute(
        """SELECT it.url, v.text_sha256, t.headline, it.id, v.id, t.id FROM sightings si
           JOIN versions v ON v.id = si.version_id JOIN items it ON it.id = v.item_id
           JOIN titles t ON t.id = si.title_id WHERE si.snapshot_id = ?""",
        [previous[0]],
    ):
        ids[(url, text_sha, headline)] = (item, version, title)
        versions, titles = state.setdefault(item, (set(), set()))
        versions.add(version)
        titles.add(title)
    return ids, (previous[0], state)


def _ids_of(
    cursor: sqlite3.Cursor, archive_id: int, records: list[tuple[str, Sighted]]
) -> dict[Key, tuple[int, int, int]]:
    """The ids (item, version, title) of records the previous snapshot did not see as they
    are, adding the items, versions and titles that are new."""
    if not records:
        return {}
    urls = sorted({seen.url for _, seen in records})
    cursor.executemany(
        "INSERT OR IGNORE INTO items (archive_id, url) VALUES (?, ?)",
        [(archive_id, url) for url in urls],
    )
    query = f"SELECT url, id FROM items WHERE archive_id = {int(archive_id)} AND url"
    items: dict[str, int] = {row[0]: row[1] for row in rows_in(cursor, query, urls)}
    documents = _document_ids(cursor, [sha for sha, _ in records])
    versions = _versions(cursor, records, items, documents)
    titles = _get_or_add(
        cursor, "titles", ("item_id", "headline"), ((items[s.url], s.headline) for _, s in records)
    )
    return {
        (seen.url, seen.text_sha256, seen.headline): (
            items[seen.url],
            versions[(items[seen.url], seen.text_sha256)],
            titles[(items[seen.url], seen.headline)],
        )
        for _, seen in records
    }


def _first_documents(
    cursor: sqlite3.Cursor,
    read: SnapshotRecords,
    ids: dict[Key, tuple[int, int, int]],
    seen_now: set[tuple[int, int, int]],
    previous: tuple[int, State] | None,
    day: str,
) -> None:
    """Point each version this snapshot saw first (of the snapshots loaded) at this file's
    first record of it: a version's document is the first record of the earliest snapshot
    that saw it, whatever order the snapshots came in. Only versions the previous snapshot
    did not see can be seen first now: in a daily snapshot, the new ones."""
    before = {v for versions, _ in (previous[1].values() if previous else ()) for v in versions}
    candidates = sorted({str(version) for _, version, _ in seen_now} - {str(v) for v in before})
    if not candidates:
        return
    query = """SELECT si.version_id FROM sightings si JOIN snapshots sn ON sn.id = si.snapshot_id
               WHERE si.version_id"""
    earlier = {
        version
        for (version,) in rows_in(
            cursor, query.replace("WHERE", f"WHERE sn.as_of < '{day}' AND"), candidates
        )
    }
    firsts: dict[int, str] = {}
    for sha, seen in read.records:
        version = ids[(seen.url, seen.text_sha256, seen.headline)][1]
        if str(version) in candidates and version not in earlier:
            firsts.setdefault(version, sha)
    documents = _document_ids(cursor, list(firsts.values()))
    cursor.executemany(
        "UPDATE versions SET document_id = ? WHERE id = ? AND document_id != ?",
        [(documents[sha], version, documents[sha]) for version, sha in firsts.items()],
    )


def _document_ids(cursor: sqlite3.Cursor, shas: list[str]) -> dict[str, int]:
    from communique.db.database import stored_documents

    wanted = sorted(set(shas))
    found = {sha: stored[0] for sha, stored in stored_documents(cursor, wanted).items()}
    if len(found) != len(wanted):
        raise CommuniqueError(
            f"{len(wanted) - len(found)} record(s) of the snapshot are not stored; the snapshot"
            " is not recorded"
        )
    return found


def _versions(
    cursor: sqlite3.Cursor,
    records: list[tuple[str, Sighted]],
    items: dict[str, int],
    documents: dict[str, int],
) -> dict[tuple[int, str], int]:
    """The version of each (item, text), adding new ones with the first record's document."""
    first: dict[tuple[int, str], int] = {}
    for sha, seen in records:
        first.setdefault((items[seen.url], seen.text_sha256), documents[sha])
    item_ids = sorted({str(item) for item, _ in first})
    query = "SELECT item_id, text_sha256, id FROM versions WHERE item_id"
    found = {(row[0], row[1]): row[2] for row in rows_in(cursor, query, item_ids)}
    missing = [(key, document) for key, document in first.items() if key not in found]
    for (item_id, text_sha), document_id in missing:
        (found[(item_id, text_sha)],) = cursor.execute(
            "INSERT INTO versions (item_id, text_sha256, document_id) VALUES (?, ?, ?)"
            " RETURNING id",
            [item_id, text_sha, document_id],
        ).fetchone()
    return found
