"""The read side of snapshot history: the change list, and an item's versions with the
differences between them, word by word.
"""

from __future__ import annotations

import difflib
import itertools
import json
import sqlite3

from communique.errors import CommuniqueError
from communique.extract.snapshots import CHANGE_KINDS
from communique.read.filters import DateBound
from communique.read.listings import Listing, Row, _listing, _rows

__all__ = ["changes", "diff", "item_history"]


def changes(
    connection: sqlite3.Connection,
    *,
    since: DateBound | None = None,
    until: DateBound | None = None,
    change: str | None = None,
    archive: str | None = None,
) -> Listing:
    """One row per change, oldest first: what happened to which item as of which snapshot,
    with the item's current article and headline."""
    if change is not None and change not in CHANGE_KINDS:
        raise CommuniqueError(f"no change {change!r}; changes are {', '.join(CHANGE_KINDS)}")
    return _listing(
        connection,
        """
        SELECT as_of, change, archive, article_id, headline, alternating, withdrawn, url
        FROM change_overview
        WHERE (:since IS NULL OR as_of >= :since) AND (:until IS NULL OR as_of <= :until)
          AND (:change IS NULL OR change = :change) AND (:archive IS NULL OR archive = :archive)
        ORDER BY as_of, archive, CASE change WHEN 'new' THEN 1 WHEN 'edited' THEN 2
                 WHEN 'retitled' THEN 3 WHEN 'withdrawn' THEN 4 ELSE 5 END, url
        """,
        {
            "since": since.first if since else None,
            "until": until.last if until else None,
            "change": change,
            "archive": archive,
        },
    )


def _text(raw_text: str, format_: str) -> str:
    """A version's text: an archive record's story, a page capture's whole text."""
    if format_ == "kcna-json":
        story = json.loads(raw_text).get("story_text")
        return story if isinstance(story, str) else ""
    return raw_text


def diff(before: str, after: str) -> list[dict[str, str]]:
    """The word-level operations that turn `before` into `after`: each {"op": "equal",
    "delete", "insert" or "replace", "before": words, "after": words}."""
    old, new = before.split(), after.split()
    operations = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        operations.append({"op": op, "before": " ".join(old[i1:i2]), "after": " ".join(new[j1:j2])})
    return operations


def _points(connection: sqlite3.Connection, article_id: int | None) -> list[str]:
    if article_id is None:
        return []
    return [
        text
        for (text,) in connection.execute(
            "SELECT p.text FROM declaration_points p JOIN declarations dc"
            " ON dc.id = p.declaration_id WHERE dc.article_id = ? ORDER BY dc.id, p.ordinal",
            [article_id],
        )
    ]


def _item_ids(connection: sqlite3.Connection, key: str) -> list[int]:
    if key.isdigit():
        found = connection.execute(
            "SELECT DISTINCT v.item_id FROM versions v JOIN documents d ON d.id = v.document_id"
            " WHERE d.article_id = ? ORDER BY v.item_id",
            [int(key)],
        ).fetchall()
        if not found:
            raise CommuniqueError(
                f"article {key} is no version of any archive item; `communique changes` lists"
                " the items that changed"
            )
    else:
        found = connection.execute(
            "SELECT id FROM items WHERE url = ? ORDER BY id", [key]
        ).fetchall()
        if not found:
            raise CommuniqueError(f"no item has the link {key!r}")
    return [item for (item,) in found]


def item_history(connection: sqlite3.Connection, key: str) -> list[Row]:
    """The items a link (or an article's versions) names: for each, its versions in the order
    snapshots first saw them, with the days that saw each, its changes, and between
    consecutive versions the word-level differences and the points that changed."""
    histories = []
    for item_id in _item_ids(connection, key):
        (item,) = _rows(
            connection,
            "SELECT it.id, it.url, ar.name AS archive, it.withdrawn, it.alternating"
            " FROM items it JOIN archives ar ON ar.id = it.archive_id WHERE it.id = :id",
            {"id": item_id},
        )
        versions = _rows(
            connection,
            """
            SELECT v.id, v.document_id, d.article_id, d.raw_text, d.format,
                   (SELECT min(sn.as_of) FROM sightings si
                      JOIN snapshots sn ON sn.id = si.snapshot_id
                     WHERE si.version_id = v.id) AS first_seen
            FROM versions v JOIN documents d ON d.id = v.document_id
            WHERE v.item_id = :id
            ORDER BY first_seen IS NULL, first_seen, v.id
            """,
            {"id": item_id},
        )
        for number, version in enumerate(versions, 1):
            version["number"] = number
            version["text"] = _text(version.pop("raw_text"), version.pop("format"))
            version["seen"] = [
                day
                for (day,) in connection.execute(
                    "SELECT DISTINCT sn.as_of FROM sightings si"
                    " JOIN snapshots sn ON sn.id = si.snapshot_id"
                    " WHERE si.version_id = ? ORDER BY sn.as_of",
                    [version["id"]],
                )
            ]
            version["headlines"] = [
                headline
                for (headline,) in connection.execute(
                    "SELECT DISTINCT t.headline FROM sightings si"
                    " JOIN titles t ON t.id = si.title_id WHERE si.version_id = ? ORDER BY t.id",
                    [version["id"]],
                )
            ]
        item["versions"] = versions
        item["changes"] = _rows(
            connection,
            "SELECT sn.as_of, c.change FROM changes c JOIN snapshots sn ON sn.id = c.snapshot_id"
            " WHERE c.item_id = :id ORDER BY sn.as_of",
            {"id": item_id},
        )
        item["diffs"] = []
        for before, after in itertools.pairwise(versions):
            old_points = _points(connection, before["article_id"])
            new_points = _points(connection, after["article_id"])
            item["diffs"].append(
                {
                    "from": before["number"],
                    "to": after["number"],
                    "operations": diff(before["text"], after["text"]),
                    "points_removed": [p for p in old_points if p not in new_points],
                    "points_added": [p for p in new_points if p not in old_points],
                }
            )
        histories.append(item)
    return histories
