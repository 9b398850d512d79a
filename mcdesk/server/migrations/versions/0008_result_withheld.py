"""Results that do not count: why each is withheld (learner, school or grant check).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: every result stored before this check counted, and still does.
    with op.batch_alter_table("result") as batch:
        batch.add_column(sa.Column("withheld", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("result") as batch:
        batch.drop_column("withheld")
