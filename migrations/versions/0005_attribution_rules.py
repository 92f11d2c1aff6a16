"""Every attribution says why, and every document says which extraction made its rows.

`point_parties.rule` and `declaration_parties.rule` name the rule of extraction that made each
attribution ("stance-subject", "both-sides", "document", "issuer", "sender", "title",
"signatory", "named-together"); `documents.extraction_version` is the version of the rules
that produced the document's rows. Rows already stored keep what they hold and get NULL in
both: they came from an extraction that did not record its rules, which `communique reparse
--stale` redoes. Added columns only, so the upgrade rewrites no table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("point_parties", sa.Column("rule", sa.String(length=32), nullable=True))
    op.add_column("declaration_parties", sa.Column("rule", sa.String(length=32), nullable=True))
    op.add_column("documents", sa.Column("extraction_version", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_documents_extraction_version"), "documents", ["extraction_version"], unique=False
    )


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35 and later): no table is rebuilt, so the views that read
    # these tables stay as they are.
    op.drop_index(op.f("ix_documents_extraction_version"), table_name="documents")
    op.execute("ALTER TABLE documents DROP COLUMN extraction_version")
    op.execute("ALTER TABLE declaration_parties DROP COLUMN rule")
    op.execute("ALTER TABLE point_parties DROP COLUMN rule")
