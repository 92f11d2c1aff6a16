"""The tables: SQLAlchemy 2.0 typed models, the one definition migrations are checked against.

Users read the SQLite file directly, so names here are part of the interface: tables are plural
snake case, foreign keys are `<thing>_id`, dates are ISO text.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "CHANGE_KINDS",
    "DOCUMENT_STATUSES",
    "Archive",
    "Article",
    "Base",
    "Change",
    "Declaration",
    "DeclarationParty",
    "DeclarationPoint",
    "Document",
    "Item",
    "Party",
    "PointParty",
    "PointTopic",
    "Sighting",
    "Signatory",
    "Snapshot",
    "Source",
    "Title",
    "Topic",
    "Version",
    "described_by_models",
]

# Named constraints: SQLite does not name them itself, and Alembic's batch mode, which
# recreates tables to alter them, can only drop or keep a constraint it can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DOCUMENT_STATUSES = ("parsed", "incomplete", "failed", "no text")
DOCUMENT_FORMATS = ("text", "kcna-json")
"""text: a page capture; kcna-json: one record of a JSON archive shaped like kcna.kp scrapes."""
DATE_ORIGINS = ("record", "header", "dateline", "manifest")
"""Where an article's date came from: the archive record's own fields, the page's header line
(KCNA Watch, kcna.co.jp), the dateline, or the year a manifest gives."""
SIGNING_DATE_ORIGINS = ("text", "article")
"""Where a signing date came from: the text in full, or the year taken from the article's."""


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


"""parsed: an article was found; incomplete: stored, but headline or dateline are missing;
failed: extraction raised, the raw text is kept for a later `reparse`; no text: the input
carried nothing to extract (a photo or video record of an archive)."""


_SEARCH_INDEX = re.compile(r".+_fts(?:_(?:data|idx|content|docsize|config))?")
"""Full-text index tables (articles_fts and its shadow tables), made by migrations in raw SQL."""


def described_by_models(name: str | None, type_: str, _parents: object = None) -> bool:
    """Whether Alembic should compare this schema object with the models: everything but the
    full-text index tables, which SQLAlchemy cannot describe."""
    return not (type_ == "table" and name is not None and _SEARCH_INDEX.fullmatch(name))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Entity(Base):
    """What every table with its own identity shares: an integer key and a readable repr."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


class Source(Entity):
    """An organisation a text comes from (an agency) or passes through (a site, a distributor)."""

    __tablename__ = "sources"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(64))

    articles: Mapped[list[Article]] = relationship(back_populates="source")
    documents: Mapped[list[Document]] = relationship(
        back_populates="carrier", foreign_keys="Document.carrier_id"
    )


class Document(Entity):
    """One input exactly as received; never altered, so extraction can be redone from it."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_one_of("status", DOCUMENT_STATUSES), name="status"),
        CheckConstraint(_one_of("format", DOCUMENT_FORMATS), name="format"),
    )

    origin: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    raw_text: Mapped[str] = mapped_column(Text)
    encoding: Mapped[str] = mapped_column(String(32))
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    section: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    format: Mapped[str] = mapped_column(String(16), server_default="text")
    given_year: Mapped[int | None] = mapped_column(Integer)
    """The publication year a manifest gave with the input: kept so extraction can be rerun."""
    distributor_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    """A service the text passed through on its way to the carrier (Korea News Service)."""
    extraction_version: Mapped[int | None] = mapped_column(Integer, index=True)
    """The version of the extraction rules that made this document's rows; NULL for rows made
    before versions were recorded. Older ones are redone by `reparse --stale`."""

    carrier: Mapped[Source | None] = relationship(
        back_populates="documents", foreign_keys=[carrier_id]
    )
    distributor: Mapped[Source | None] = relationship(foreign_keys=[distributor_id])
    article: Mapped[Article | None] = relationship(back_populates="documents")


class Article(Entity):
    """A news article, however many captures of it were loaded."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint("published_month BETWEEN 1 AND 12", name="published_month"),
        CheckConstraint("published_day BETWEEN 1 AND 31", name="published_day"),
        CheckConstraint(_one_of("published_from", DATE_ORIGINS), name="published_from"),
        Index("ix_articles_published_on", "published_on"),
    )

    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    headline: Mapped[str | None] = mapped_column(Text)
    dateline_place: Mapped[str | None] = mapped_column(String(100))
    dateline_year: Mapped[int | None] = mapped_column(Integer)
    """The dateline's own date, when it gives one (revision 0007); the year only when the
    dateline states it."""
    dateline_month: Mapped[int | None] = mapped_column(Integer)
    dateline_day: Mapped[int | None] = mapped_column(Integer)
    published_year: Mapped[int | None] = mapped_column(Integer)
    published_month: Mapped[int | None] = mapped_column(Integer)
    published_day: Mapped[int | None] = mapped_column(Integer)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    published_from: Mapped[str | None] = mapped_column(String(16))
    lead: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)

    source: Mapped[Source | None] = relationship(back_populates="articles")
    documents: Mapped[list[Document]] = relationship(back_populates="article")
    declarations: Mapped[list[Declaration]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )


class Declaration(Entity):
    """A document an article publishes: a joint declaration, a statement, a treaty..."""

    __tablename__ = "declarations"
    __table_args__ = (
        CheckConstraint("signed_month BETWEEN 1 AND 12", name="signed_month"),
        CheckConstraint("signed_day BETWEEN 1 AND 31", name="signed_day"),
        CheckConstraint(_one_of("signed_from", SIGNING_DATE_ORIGINS), name="signed_from"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    signed_place: Mapped[str | None] = mapped_column(String(100))
    signed_year: Mapped[int | None] = mapped_column(Integer)
    signed_month: Mapped[int | None] = mapped_column(Integer)
    signed_day: Mapped[int | None] = mapped_column(Integer)
    intro: Mapped[str | None] = mapped_column(Text)
    signed_from: Mapped[str | None] = mapped_column(String(16))
    issuer: Mapped[str | None] = mapped_column(Text)
    """Who issued a unilateral document ("Foreign Ministry of the DPRK")."""
    issuer_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)

    article: Mapped[Article] = relationship(back_populates="declarations")
    issuer_party: Mapped[Party | None] = relationship(foreign_keys=[issuer_party_id])
    parties: Mapped[list[Party]] = relationship(
        secondary="declaration_parties", order_by="Party.id", viewonly=True
    )
    signatories: Mapped[list[Signatory]] = relationship(
        back_populates="declaration", cascade="all, delete-orphan", passive_deletes=True
    )
    points: Mapped[list[DeclarationPoint]] = relationship(
        back_populates="declaration",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DeclarationPoint.ordinal",
    )


class Party(Entity):
    """A state or organisation that takes positions in declarations."""

    __tablename__ = "parties"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), server_default="state")
    """state, international-organisation, state-body, political-party, civil-organisation,
    media or person (revision 0006)."""
    state_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    """The state an organisation or person belongs to."""
    speaks_for_state: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Whether what it says is its state's position (a ministry's is, an opposition party's is
    not)."""

    signatories: Mapped[list[Signatory]] = relationship(back_populates="party")
    points: Mapped[list[DeclarationPoint]] = relationship(
        secondary="point_parties", back_populates="parties"
    )


class Signatory(Entity):
    __tablename__ = "signatories"

    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)

    declaration: Mapped[Declaration] = relationship(back_populates="signatories")
    party: Mapped[Party | None] = relationship(back_populates="signatories")


class DeclarationPoint(Entity):
    """One paragraph of a declaration: a position, and (through point_parties) who holds it."""

    __tablename__ = "declaration_points"
    __table_args__ = (
        UniqueConstraint("declaration_id", "ordinal"),
        CheckConstraint("ordinal >= 1", name="ordinal"),
    )

    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(16))
    """The point's own number when the document numbers its points ("1", "a")."""

    declaration: Mapped[Declaration] = relationship(back_populates="points")
    parties: Mapped[list[Party]] = relationship(
        secondary="point_parties", back_populates="points", order_by="Party.id"
    )
    topics: Mapped[list[Topic]] = relationship(secondary="point_topics", order_by="Topic.id")


class PointParty(Base):
    """Which parties take the position a point states."""

    __tablename__ = "point_parties"

    point_id: Mapped[int] = mapped_column(
        ForeignKey("declaration_points.id", ondelete="CASCADE"), primary_key=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True, index=True)
    rule: Mapped[str | None] = mapped_column(String(32))
    """Why the party holds the point ("stance-subject", "both-sides", "document")."""


class DeclarationParty(Base):
    """The parties a declaration speaks for: its title's and signatories', or its issuer's."""

    __tablename__ = "declaration_parties"

    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="CASCADE"), primary_key=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True, index=True)
    rule: Mapped[str | None] = mapped_column(String(32))
    """Why the declaration speaks for the party ("issuer", "sender", "title", "signatory",
    "named-together")."""


class Topic(Entity):
    """A theme of the taxonomy that points are coded with."""

    __tablename__ = "topics"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class PointTopic(Base):
    """Which topics a point speaks of."""

    __tablename__ = "point_topics"

    point_id: Mapped[int] = mapped_column(
        ForeignKey("declaration_points.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True, index=True)


CHANGE_KINDS = ("new", "edited", "retitled", "withdrawn", "restored")
"""What can happen to an item between one snapshot of its archive and the next (revision
0010); docs/history.md defines each."""


class Archive(Entity):
    """A collection followed snapshot by snapshot, named when a snapshot is loaded (by default
    the site of its records' links, `kcna.kp`)."""

    __tablename__ = "archives"

    name: Mapped[str] = mapped_column(String(200), unique=True)


class Snapshot(Entity):
    """The complete contents of an archive on one day, as one file gave them."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("archive_id", "as_of"),)

    archive_id: Mapped[int] = mapped_column(ForeignKey("archives.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    """Of the file's bytes: the same snapshot loaded again is recognised, another refused."""
    records: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Item(Entity):
    """A link within an archive, whatever texts it carried over time."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("archive_id", "url"),)

    archive_id: Mapped[int] = mapped_column(ForeignKey("archives.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", use_alter=True), index=True
    )
    """The version its latest snapshot saw (of several, the one first seen last), or its
    latest document's for an item no snapshot has seen yet."""
    withdrawn: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Absent from the latest snapshot of its archive after having been present."""
    alternating: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Its texts went back to an earlier version: A→B→A is two versions and two edits."""


class Version(Entity):
    """One distinct text of an item (compared with runs of white space folded), and the first
    document that carried it: the raw record, verbatim, as every input is stored."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("item_id", "text_sha256"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    text_sha256: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    current: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Seen in the latest snapshot that holds its item (a link may carry several texts at
    once); 0 for a text no snapshot saw."""


class Title(Entity):
    """One distinct headline of an item, as extraction cleans it ("" for none)."""

    __tablename__ = "titles"
    __table_args__ = (UniqueConstraint("item_id", "headline"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    headline: Mapped[str] = mapped_column(Text)


class Sighting(Base):
    """Which snapshot saw which version of an item under which headline: about one row per
    item per snapshot (more where a link carries several texts in one snapshot)."""

    __tablename__ = "sightings"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it once)

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), primary_key=True, index=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id"), primary_key=True, index=True)


class Change(Entity):
    """What happened to an item between the previous snapshot of its archive (in as-of order)
    and this one; kept in step with the snapshots whatever order they are loaded in."""

    __tablename__ = "changes"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "item_id"),
        CheckConstraint(_one_of("change", CHANGE_KINDS), name="change"),
    )

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    change: Mapped[str] = mapped_column(String(16))
