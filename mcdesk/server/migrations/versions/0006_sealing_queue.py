"""Code slots owed to a station, sealed off the request path under a lease.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("station_issuer") as batch:
        batch.add_column(
            sa.Column("slots_wanted", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("sealing_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("station_issuer") as batch:
        batch.drop_column("sealing_until")
        batch.drop_column("slots_wanted")
