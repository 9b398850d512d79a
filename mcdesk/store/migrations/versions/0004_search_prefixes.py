"""Catalog search: prefix indexes, so search-as-you-type on two or three letters is fast.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# The DDL as this revision ran it, frozen: a revision never imports a live constant.
CREATE_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE catalog_search USING fts5("
    "pack_id UNINDEXED, skill_id UNINDEXED, title, keywords, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')"
)


def upgrade() -> None:
    # FTS5 options cannot be altered in place: the table is made again, empty, and live
    # code fills it once the whole upgrade is done (mcdesk.store.migrate.SEARCH_INDEX_EMPTIED).
    op.execute("DROP TABLE IF EXISTS catalog_search")
    op.execute(CREATE_SEARCH_TABLE)


def downgrade() -> None:
    pass  # the table without prefix indexes answers the same queries, only slower
