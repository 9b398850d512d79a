"""Catalog search: an FTS5 index over titles, skills, keywords and lesson text.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlite3

from alembic import op

from mcdesk.content.search_index import CREATE_SEARCH_TABLE, rebuild_search_index

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(CREATE_SEARCH_TABLE)
    # Packs installed by the release before this one get indexed now.
    raw = op.get_bind().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    rebuild_search_index(raw)


def downgrade() -> None:
    op.execute("DROP TABLE catalog_search")
