"""Snapshot history: archives followed day by day, their items, versions and changes.

An archive (named when a snapshot is loaded) holds items (links); every distinct text of an
item is a version, pointing at the first document that carried it; `sightings` say which
snapshot saw which version under which headline (`titles`), about one row per item per
snapshot; `changes` say what happened to each item between one snapshot and the next in
as-of order (new, edited, retitled, withdrawn, restored). The view `change_overview` gives the
changes with their archive, dates, link, and the item's current article and headline.

Documents stored before this revision become the first versions of their links: each
document with a URL makes an item of the archive named after the URL's site (`kcna.kp`), and
each distinct text under a link (compared with runs of white space folded) a version, in the
order the documents were stored. No snapshot saw them, so they have no sightings and no
changes. The upgrade reads every document with a URL once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGE_KINDS = ("new", "edited", "retitled", "withdrawn", "restored")

CHANGE_OVERVIEW = """
CREATE VIEW change_overview AS
SELECT c.id,
       ar.name AS archive,
       sn.as_of,
       (SELECT max(p.as_of) FROM snapshots p
         WHERE p.archive_id = sn.archive_id AND p.as_of < sn.as_of) AS previous_as_of,
       c.change,
       it.url,
       it.id AS item_id,
       d.article_id,
       coalesce(a.headline,
                (SELECT t.headline FROM sightings si JOIN titles t ON t.id = si.title_id
                  WHERE si.snapshot_id = c.snapshot_id AND t.item_id = it.id
                  ORDER BY t.id DESC LIMIT 1)) AS headline,
       it.alternating,
       it.withdrawn
FROM changes c
JOIN snapshots sn ON sn.id = c.snapshot_id
JOIN archives ar ON ar.id = sn.archive_id
JOIN items it ON it.id = c.item_id
LEFT JOIN versions v ON v.id = it.current_version_id
LEFT JOIN documents d ON d.id = v.document_id
LEFT JOIN articles a ON a.id = d.article_id
"""


def _archive_name(url: str) -> str:
    """The site of a link, without `www.`: the default name of its archive."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _text(raw_text: str, format_: str) -> str:
    """The text of a stored document, as snapshots compare them: an archive record's story,
    a page capture's whole text."""
    if format_ == "kcna-json":
        try:
            record = json.loads(raw_text)
        except ValueError:
            return raw_text
        story = record.get("story_text") if isinstance(record, dict) else None
        return story if isinstance(story, str) else ""
    return raw_text


def _folded_sha256(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _documents_with_links(connection: sa.Connection) -> Iterator[tuple[int, str, str, str]]:
    """The stored documents that have a link, a page at a time: never the whole store in
    memory at once."""
    last = 0
    while True:
        page = connection.execute(
            sa.text(
                "SELECT id, url, raw_text, format FROM documents"
                " WHERE url IS NOT NULL AND id > :last ORDER BY id LIMIT 500"
            ),
            {"last": last},
        ).fetchall()
        if not page:
            return
        for row in page:
            yield (int(row[0]), str(row[1]), str(row[2]), str(row[3]))
        last = int(page[-1][0])


def _first_versions() -> None:
    """Every stored document with a URL becomes a version of its link's item."""
    connection = op.get_bind()
    archives: dict[str, int] = {}
    items: dict[tuple[int, str], int] = {}
    versions: dict[tuple[int, str], int] = {}
    for document_id, url, raw_text, format_ in _documents_with_links(connection):
        name = _archive_name(url)
        if name not in archives:
            archives[name] = connection.execute(
                sa.text("INSERT INTO archives (name) VALUES (:name) RETURNING id"), {"name": name}
            ).scalar_one()
        key = (archives[name], url)
        if key not in items:
            items[key] = connection.execute(
                sa.text(
                    "INSERT INTO items (archive_id, url, withdrawn, alternating)"
                    " VALUES (:archive, :url, 0, 0) RETURNING id"
                ),
                {"archive": key[0], "url": url},
            ).scalar_one()
        text_key = (items[key], _folded_sha256(_text(raw_text, format_)))
        if text_key not in versions:
            versions[text_key] = connection.execute(
                sa.text(
                    "INSERT INTO versions (item_id, text_sha256, document_id)"
                    " VALUES (:item, :sha, :document) RETURNING id"
                ),
                {"item": text_key[0], "sha": text_key[1], "document": document_id},
            ).scalar_one()
        connection.execute(
            sa.text("UPDATE items SET current_version_id = :version WHERE id = :item"),
            {"version": versions[text_key], "item": text_key[0]},
        )


def upgrade() -> None:
    op.create_table(
        "archives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archives")),
        sa.UniqueConstraint("name", name=op.f("uq_archives_name")),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archive_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["archive_id"], ["archives.id"], name=op.f("fk_snapshots_archive_id_archives")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint("archive_id", "as_of", name=op.f("uq_snapshots_archive_id_as_of")),
    )
    op.create_index(op.f("ix_snapshots_archive_id"), "snapshots", ["archive_id"], unique=False)
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archive_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("alternating", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["archive_id"], ["archives.id"], name=op.f("fk_items_archive_id_archives")
        ),
        # SQLite resolves a reference when a row is written, so it may name a later table.
        sa.ForeignKeyConstraint(
            ["current_version_id"],
            ["versions.id"],
            name=op.f("fk_items_current_version_id_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("archive_id", "url", name=op.f("uq_items_archive_id_url")),
    )
    op.create_index(op.f("ix_items_archive_id"), "items", ["archive_id"], unique=False)
    op.create_index(
        op.f("ix_items_current_version_id"), "items", ["current_version_id"], unique=False
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_versions_document_id_documents")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_versions_item_id_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
        sa.UniqueConstraint("item_id", "text_sha256", name=op.f("uq_versions_item_id_text_sha256")),
    )
    op.create_index(op.f("ix_versions_document_id"), "versions", ["document_id"], unique=False)
    op.create_index(op.f("ix_versions_item_id"), "versions", ["item_id"], unique=False)
    op.create_table(
        "titles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_titles_item_id_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_titles")),
        sa.UniqueConstraint("item_id", "headline", name=op.f("uq_titles_item_id_headline")),
    )
    op.create_index(op.f("ix_titles_item_id"), "titles", ["item_id"], unique=False)
    op.create_table(
        "sightings",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_sightings_snapshot_id_snapshots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["title_id"], ["titles.id"], name=op.f("fk_sightings_title_id_titles")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name=op.f("fk_sightings_version_id_versions")
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "version_id", "title_id", name=op.f("pk_sightings")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_sightings_title_id"), "sightings", ["title_id"], unique=False)
    op.create_index(op.f("ix_sightings_version_id"), "sightings", ["version_id"], unique=False)
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "change IN ({})".format(", ".join(f"'{kind}'" for kind in CHANGE_KINDS)),
            name=op.f("ck_changes_change"),
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_changes_item_id_items")),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_changes_snapshot_id_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        sa.UniqueConstraint("snapshot_id", "item_id", name=op.f("uq_changes_snapshot_id_item_id")),
    )
    op.create_index(op.f("ix_changes_item_id"), "changes", ["item_id"], unique=False)
    op.execute(CHANGE_OVERVIEW)
    _first_versions()


def downgrade() -> None:
    op.execute("DROP VIEW change_overview")
    for table in ("changes", "sightings", "titles"):
        op.drop_table(table)
    # items and versions refer to each other: the reference is cleared before either goes.
    op.execute("UPDATE items SET current_version_id = NULL")
    for table in ("versions", "items", "snapshots", "archives"):
        op.drop_table(table)
