"""Create the schema: sources, documents, articles, declarations, points, parties.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("slug", name=op.f("uq_parties_slug")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_sources_slug")),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("headline", sa.Text(), nullable=True),
        sa.Column("dateline_place", sa.String(length=100), nullable=True),
        sa.Column("published_year", sa.Integer(), nullable=True),
        sa.Column("published_month", sa.Integer(), nullable=True),
        sa.Column("published_day", sa.Integer(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("lead", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "published_day BETWEEN 1 AND 31", name=op.f("ck_articles_published_day")
        ),
        sa.CheckConstraint(
            "published_month BETWEEN 1 AND 12", name=op.f("ck_articles_published_month")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_articles_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_articles_fingerprint")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_published_on", ["published_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_source_id"), ["source_id"], unique=False)

    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("signed_place", sa.String(length=100), nullable=True),
        sa.Column("signed_year", sa.Integer(), nullable=True),
        sa.Column("signed_month", sa.Integer(), nullable=True),
        sa.Column("signed_day", sa.Integer(), nullable=True),
        sa.Column("intro", sa.Text(), nullable=True),
        sa.CheckConstraint("signed_day BETWEEN 1 AND 31", name=op.f("ck_declarations_signed_day")),
        sa.CheckConstraint(
            "signed_month BETWEEN 1 AND 12", name=op.f("ck_declarations_signed_month")
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_declarations_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declarations_article_id"), ["article_id"], unique=False
        )

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=False),
        sa.Column("carrier_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('parsed', 'incomplete', 'failed', 'no text')",
            name=op.f("ck_documents_status"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_documents_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["sources.id"], name=op.f("fk_documents_carrier_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("sha256", name=op.f("uq_documents_sha256")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_carrier_id"), ["carrier_id"], unique=False)

    op.create_table(
        "declaration_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.CheckConstraint("ordinal >= 1", name=op.f("ck_declaration_points_ordinal")),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_declaration_points_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_points")),
        sa.UniqueConstraint(
            "declaration_id", "ordinal", name=op.f("uq_declaration_points_declaration_id_ordinal")
        ),
    )
    op.create_table(
        "signatories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_signatories_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_signatories_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatories")),
    )
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signatories_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signatories_party_id"), ["party_id"], unique=False)

    op.create_table(
        "point_parties",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_point_parties_party_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["declaration_points.id"],
            name=op.f("fk_point_parties_point_id_declaration_points"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("point_id", "party_id", name=op.f("pk_point_parties")),
    )
    with op.batch_alter_table("point_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_parties_party_id"), ["party_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("point_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_parties_party_id"))

    op.drop_table("point_parties")
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signatories_party_id"))
        batch_op.drop_index(batch_op.f("ix_signatories_declaration_id"))

    op.drop_table("signatories")
    op.drop_table("declaration_points")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_carrier_id"))
        batch_op.drop_index(batch_op.f("ix_documents_article_id"))

    op.drop_table("documents")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_article_id"))

    op.drop_table("declarations")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_source_id"))
        batch_op.drop_index("ix_articles_published_on")

    op.drop_table("articles")
    op.drop_table("sources")
    op.drop_table("parties")
