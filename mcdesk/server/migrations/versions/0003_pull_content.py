"""Pull streams, grants, accommodations, the server as issuer, content, results.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("teacher") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(), nullable=True))
    with op.batch_alter_table("school_class") as batch:
        batch.add_column(sa.Column("teacher_id", sa.String(), nullable=True))
        batch.create_foreign_key("fk_school_class_teacher", "teacher", ["teacher_id"], ["id"])
    with op.batch_alter_table("learner") as batch:
        batch.add_column(sa.Column("pin_hash", sa.String(), nullable=True))
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("stream", sa.String(), nullable=False, index=True),
        sa.Column("school_id", sa.String(), nullable=True, index=True),
        sa.Column("station_id", sa.String(), nullable=True, index=True),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "access_grant",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False, index=True),
        sa.Column("pack_id", sa.String(), nullable=False),
        sa.Column("class_id", sa.String(), sa.ForeignKey("school_class.id"), nullable=True),
        sa.Column("learner_id", sa.String(), sa.ForeignKey("learner.id"), nullable=True),
        sa.Column("opens_at", WHEN, nullable=True),
        sa.Column("closes_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "accommodation",
        sa.Column("learner_id", sa.String(), sa.ForeignKey("learner.id"), primary_key=True),
        sa.Column("time_multiplier", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", WHEN, nullable=False),
    )
    op.create_table(
        "station_issuer",
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), primary_key=True),
        sa.Column("issuer_id", sa.String(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("exam_key", sa.LargeBinary(), nullable=False),
        sa.Column("slots_through", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "published_pack",
        sa.Column("pack_id", sa.String(), primary_key=True),
        sa.Column("version", sa.String(), primary_key=True),
        sa.Column("manifest", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("manifest_sha256", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("published_at", WHEN, nullable=False),
    )
    op.create_table(
        "content_blob",
        sa.Column("sha256", sa.String(), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "pack_key",
        sa.Column("pack_id", sa.String(), primary_key=True),
        sa.Column("key_id", sa.String(), primary_key=True),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "result",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column(
            "station_id", sa.String(), sa.ForeignKey("station.id"), nullable=False, index=True
        ),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("attempt_id", sa.String(), nullable=False),
        sa.Column("learner_id", sa.String(), nullable=False, index=True),
        sa.Column("pack_id", sa.String(), nullable=False),
        sa.Column("pack_version", sa.String(), nullable=False),
        sa.Column("station_points", sa.Float(), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("server_points", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("rescored", sa.Boolean(), nullable=False),
        sa.Column("event_counter", sa.Integer(), nullable=False),
        sa.Column("chain_hash", sa.String(), nullable=False),
        sa.Column("received_at", WHEN, nullable=False),
    )
    op.create_table(
        "exam_log",
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("attempt_id", sa.String(), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "exam_log",
        "result",
        "pack_key",
        "content_blob",
        "published_pack",
        "station_issuer",
        "accommodation",
        "access_grant",
        "change",
    ):
        op.drop_table(table)
    with op.batch_alter_table("learner") as batch:
        batch.drop_column("pin_hash")
    with op.batch_alter_table("school_class") as batch:
        batch.drop_constraint("fk_school_class_teacher", type_="foreignkey")
        batch.drop_column("teacher_id")
    with op.batch_alter_table("teacher") as batch:
        batch.drop_column("password_hash")
