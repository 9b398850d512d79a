"""Assessments: key slots and unlock codes, accommodations, attempts and answers, the
station's signed exam event log, and signed results.

Plain SQL rather than SQLModel tables: the exam engine reads and writes these with raw
sqlite3 (one durable transaction per answer, no ORM on that path).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = (
    """CREATE TABLE exam_key_slot (
        counter INTEGER PRIMARY KEY,
        salt BLOB NOT NULL,
        nonce BLOB NOT NULL,
        sealed_key BLOB NOT NULL,
        scrypt_n INTEGER NOT NULL,
        scrypt_r INTEGER NOT NULL,
        scrypt_p INTEGER NOT NULL,
        issuer_id TEXT NOT NULL,
        used_at TEXT
    )""",
    """CREATE TABLE wrapped_pack_key (
        pack_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        nonce BLOB NOT NULL,
        wrapped BLOB NOT NULL,
        PRIMARY KEY (pack_id, key_id)
    )""",
    """CREATE TABLE issuer (
        id TEXT PRIMARY KEY,
        teacher_id TEXT REFERENCES teacher(id),
        station_id TEXT NOT NULL,
        salt BLOB NOT NULL,
        nonce BLOB NOT NULL,
        sealed_secret BLOB NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE code_entry (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        counter INTEGER NOT NULL,
        action TEXT NOT NULL,
        ok INTEGER NOT NULL,
        attempt_id TEXT,
        at TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE code_throttle (
        subject TEXT PRIMARY KEY,
        failures INTEGER NOT NULL DEFAULT 0,
        wait_until TEXT
    )""",
    """CREATE TABLE accommodation (
        learner_id TEXT PRIMARY KEY REFERENCES learner(id),
        time_multiplier REAL NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
    )""",
    """CREATE TABLE attempt (
        id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        seed INTEGER NOT NULL,
        form TEXT NOT NULL,
        state TEXT NOT NULL,
        time_limit_s REAL NOT NULL,
        extra_s REAL NOT NULL DEFAULT 0,
        elapsed_s REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        ended_at TEXT,
        score REAL,
        max_score REAL,
        passed INTEGER,
        result_id TEXT
    )""",
    "CREATE INDEX ix_attempt_learner_pack ON attempt (learner_id, pack_id)",
    """CREATE TABLE attempt_answer (
        attempt_id TEXT NOT NULL REFERENCES attempt(id),
        item_id TEXT NOT NULL,
        response TEXT,
        flagged INTEGER NOT NULL DEFAULT 0,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, item_id)
    )""",
    """CREATE TABLE exam_event (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        attempt_id TEXT,
        body BLOB NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        signature BLOB NOT NULL
    )""",
    """CREATE TABLE exam_result (
        id TEXT PRIMARY KEY,
        attempt_id TEXT NOT NULL UNIQUE,
        body BLOB NOT NULL,
        signature BLOB NOT NULL
    )""",
)

DROP_ORDER = (
    "exam_result",
    "exam_event",
    "attempt_answer",
    "attempt",
    "accommodation",
    "code_throttle",
    "code_entry",
    "issuer",
    "wrapped_pack_key",
    "exam_key_slot",
)


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    for table in DROP_ORDER:
        op.execute(f"DROP TABLE {table}")
