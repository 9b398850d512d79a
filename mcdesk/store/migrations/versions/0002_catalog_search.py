"""Catalog search: an FTS5 index over titles, skills, keywords and lesson text.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# The DDL as this revision ran it, frozen: a revision never imports a live constant.
CREATE_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE catalog_search USING fts5("
    "pack_id UNINDEXED, skill_id UNINDEXED, title, keywords, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)


def upgrade() -> None:
    # Left empty: packs installed by the release before this one are indexed by live code
    # once the whole upgrade is done (mcdesk.store.migrate.SEARCH_INDEX_EMPTIED).
    op.execute(CREATE_SEARCH_TABLE)


def downgrade() -> None:
    op.execute("DROP TABLE catalog_search")
