"""Catalog search: prefix indexes, so search-as-you-type on two or three letters is fast.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlite3

from alembic import op

from mcdesk.content.search_index import CREATE_SEARCH_TABLE, rebuild_search_index

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # FTS5 options cannot be altered in place: build the index again from the packs.
    op.execute("DROP TABLE IF EXISTS catalog_search")
    op.execute(CREATE_SEARCH_TABLE)
    raw = op.get_bind().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    rebuild_search_index(raw)


def downgrade() -> None:
    pass  # the table without prefix indexes answers the same queries, only slower
