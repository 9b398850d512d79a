"""Catalog search by lesson section: the index is made again, empty, and refilled.

Each lesson is now indexed as one row per heading section (see mcdesk.store.search_index),
so a snippet tokenizes a section, not a whole lesson. The table's columns are unchanged;
its rows are not, so the old index is dropped and today's code fills the new one.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The DDL as this revision ran it, frozen: a revision never imports a live constant.
CREATE_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE catalog_search USING fts5("
    "pack_id UNINDEXED, skill_id UNINDEXED, title, keywords, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')"
)


def upgrade() -> None:
    # Empty and made again; live code fills it once the whole upgrade is done
    # (mcdesk.store.migrate.SEARCH_INDEX_EMPTIED).
    op.execute("DROP TABLE IF EXISTS catalog_search")
    op.execute(CREATE_SEARCH_TABLE)


def downgrade() -> None:
    pass  # whole-lesson rows and section rows answer the same queries with one table shape
