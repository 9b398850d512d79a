"""The server's first tables: key, stations, nonces, events, receipts, flags.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "server_key",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("private_key_pem", sa.LargeBinary(), nullable=False),
        sa.Column("public_key", sa.String(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "station",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("public_key", sa.String(), nullable=False),
        sa.Column("school_id", sa.String(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
    )
    op.create_table(
        "nonce",
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), primary_key=True),
        sa.Column("nonce", sa.String(), primary_key=True),
        sa.Column("seen_at", WHEN, nullable=False),
    )
    op.create_index("ix_nonce_seen_at", "nonce", ["seen_at"])
    op.create_table(
        "event",
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), primary_key=True),
        sa.Column("event_id", sa.String(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("body_sha256", sa.String(), nullable=False),
        sa.Column("received_at", WHEN, nullable=False),
        sa.Column("flagged", sa.String(), nullable=True),
    )
    op.create_index("ix_event_seq", "event", ["seq"])
    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.UniqueConstraint("station_id", "event_id"),
    )
    op.create_table(
        "flag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), nullable=False),
        sa.Column("event_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_flag_station_id", "flag", ["station_id"])


def downgrade() -> None:
    for table in ("flag", "receipt", "event", "nonce", "station", "server_key"):
        op.drop_table(table)
