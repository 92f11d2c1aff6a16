"""Record archives and capture facts: formats, distributors, date origins, issuers,
document parties, point labels.

Existing rows are filled in where 0001's data allows: a year that 0001 stored came from the
manifest (0001 read no year from datelines), and a declaration speaks for its signatories'
parties. Everything else is left NULL until `communique reparse` runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "declaration_parties",
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_declaration_parties_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_declaration_parties_party_id_parties")
        ),
        sa.PrimaryKeyConstraint("declaration_id", "party_id", name=op.f("pk_declaration_parties")),
    )
    with op.batch_alter_table("declaration_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declaration_parties_party_id"), ["party_id"], unique=False
        )

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_from", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_articles_published_from"),
            "published_from IN ('record', 'header', 'dateline', 'manifest')",
        )

    with op.batch_alter_table("declaration_points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=16), nullable=True))

    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_from", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("issuer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("issuer_party_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_declarations_issuer_party_id"), ["issuer_party_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_declarations_issuer_party_id_parties"),
            "parties",
            ["issuer_party_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_declarations_signed_from"), "signed_from IN ('text', 'article')"
        )

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("format", sa.String(length=16), server_default="text", nullable=False)
        )
        batch_op.add_column(sa.Column("given_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("distributor_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_documents_distributor_id"), ["distributor_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_distributor_id_sources"), "sources", ["distributor_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_documents_format"), "format IN ('text', 'kcna-json')"
        )

    op.execute(
        "UPDATE articles SET published_from = CASE WHEN published_year IS NOT NULL"
        " THEN 'manifest' WHEN published_month IS NOT NULL THEN 'dateline' END"
    )
    op.execute(
        "UPDATE documents SET given_year = (SELECT a.published_year FROM articles a"
        " WHERE a.id = documents.article_id)"
    )
    op.execute(
        "INSERT INTO declaration_parties (declaration_id, party_id)"
        " SELECT DISTINCT declaration_id, party_id FROM signatories WHERE party_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_documents_format"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_documents_distributor_id_sources"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_documents_distributor_id"))
        batch_op.drop_column("distributor_id")
        batch_op.drop_column("given_year")
        batch_op.drop_column("format")

    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_declarations_signed_from"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_declarations_issuer_party_id_parties"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_declarations_issuer_party_id"))
        batch_op.drop_column("issuer_party_id")
        batch_op.drop_column("issuer")
        batch_op.drop_column("signed_from")

    with op.batch_alter_table("declaration_points", schema=None) as batch_op:
        batch_op.drop_column("label")

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_articles_published_from"), type_="check")
        batch_op.drop_column("published_from")

    with op.batch_alter_table("declaration_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declaration_parties_party_id"))

    op.drop_table("declaration_parties")
