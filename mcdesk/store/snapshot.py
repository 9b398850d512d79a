"""A fresh station store in one step: the schema every migration leaves, frozen as SQL.

A first run used to build its store by importing Alembic and SQLAlchemy and running
revisions 0001..head one by one, about a second before the sign-in screen could show.
``create_fresh_store`` runs this DDL with raw sqlite3 in one transaction and stamps
``alembic_version`` at the revision it equals, so later upgrades carry on from there.
tests/store/test_snapshot.py builds a store both ways and compares ``sqlite_master``
(whitespace aside) and the revision: a new revision fails that test until ``SCHEMA``
and ``SNAPSHOT_REVISION`` are brought level with it (the test prints the new DDL).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mcdesk.store.connection import connect

SNAPSHOT_REVISION = "0014"

# sqlite_master after `upgrade(head)` on an empty file, in creation order; SQLite makes
# the search index's shadow tables and sqlite_sequence itself.
SCHEMA = """
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE station (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    public_key VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);

CREATE TABLE school (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    PRIMARY KEY (id)
);

CREATE TABLE teacher (
    id VARCHAR NOT NULL,
    school_id VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    display_name VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(school_id) REFERENCES school (id),
    UNIQUE (username)
);

CREATE TABLE school_class (
    id VARCHAR NOT NULL,
    school_id VARCHAR NOT NULL,
    teacher_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(school_id) REFERENCES school (id),
    FOREIGN KEY(teacher_id) REFERENCES teacher (id)
);

CREATE TABLE learner (
    id VARCHAR NOT NULL,
    class_id VARCHAR NOT NULL,
    display_name VARCHAR NOT NULL,
    pin_hash VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(class_id) REFERENCES school_class (id)
);

CREATE INDEX ix_learner_class_id ON learner (class_id);

CREATE TABLE blob (
    sha256 VARCHAR NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (sha256)
);

CREATE TABLE pack (
    id VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    career_cluster VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    skill_titles VARCHAR NOT NULL,
    preview BOOLEAN NOT NULL,
    publisher_key_id VARCHAR NOT NULL,
    manifest BLOB NOT NULL,
    signature BLOB NOT NULL,
    installed_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_pack_career_cluster ON pack (career_cluster);

CREATE TABLE pack_file (
    pack_id VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (pack_id, path),
    FOREIGN KEY(pack_id) REFERENCES pack (id) ON DELETE CASCADE,
    FOREIGN KEY(sha256) REFERENCES blob (sha256)
);

CREATE TABLE access_grant (
    id VARCHAR NOT NULL,
    pack_id VARCHAR NOT NULL,
    class_id VARCHAR,
    learner_id VARCHAR,
    opens_at DATETIME,
    closes_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(class_id) REFERENCES school_class (id),
    FOREIGN KEY(learner_id) REFERENCES learner (id)
);

CREATE INDEX ix_access_grant_pack_id ON access_grant (pack_id);

CREATE TABLE skill_progress (
    learner_id VARCHAR NOT NULL,
    pack_id VARCHAR NOT NULL,
    skill_id VARCHAR NOT NULL,
    first_opened_at DATETIME NOT NULL,
    last_opened_at DATETIME NOT NULL,
    studied_at DATETIME,
    active_seconds INTEGER NOT NULL,
    PRIMARY KEY (learner_id, pack_id, skill_id),
    FOREIGN KEY(learner_id) REFERENCES learner (id)
);

CREATE TABLE selfcheck_run (
    id VARCHAR NOT NULL,
    learner_id VARCHAR NOT NULL,
    pack_id VARCHAR NOT NULL,
    skill_id VARCHAR NOT NULL,
    finished_at DATETIME NOT NULL,
    correct INTEGER NOT NULL,
    total INTEGER NOT NULL,
    responses VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(learner_id) REFERENCES learner (id)
);

CREATE INDEX ix_selfcheck_run_learner_id ON selfcheck_run (learner_id);

CREATE TABLE learner_prefs (
    learner_id VARCHAR NOT NULL,
    text_scale INTEGER NOT NULL,
    high_contrast BOOLEAN NOT NULL,
    PRIMARY KEY (learner_id),
    FOREIGN KEY(learner_id) REFERENCES learner (id)
);

CREATE TABLE outbox (
    id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    body BLOB NOT NULL,
    created_at DATETIME NOT NULL,
    coalesce_key VARCHAR,
    PRIMARY KEY (id),
    UNIQUE (seq)
);

CREATE INDEX ix_outbox_coalesce_key ON outbox (coalesce_key);

CREATE TABLE exam_key_slot (
        counter INTEGER PRIMARY KEY,
        salt BLOB NOT NULL,
        nonce BLOB NOT NULL,
        sealed_key BLOB NOT NULL,
        scrypt_n INTEGER NOT NULL,
        scrypt_r INTEGER NOT NULL,
        scrypt_p INTEGER NOT NULL,
        issuer_id TEXT NOT NULL,
        used_at TEXT
    );

CREATE TABLE wrapped_pack_key (
        pack_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        nonce BLOB NOT NULL,
        wrapped BLOB NOT NULL,
        PRIMARY KEY (pack_id, key_id)
    );

CREATE TABLE issuer (
        id TEXT PRIMARY KEY,
        teacher_id TEXT REFERENCES teacher(id),
        station_id TEXT NOT NULL,
        salt BLOB NOT NULL,
        nonce BLOB NOT NULL,
        sealed_secret BLOB NOT NULL,
        created_at TEXT NOT NULL
    );

CREATE TABLE code_entry (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        counter INTEGER NOT NULL,
        action TEXT NOT NULL,
        ok INTEGER NOT NULL,
        attempt_id TEXT,
        at TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );

CREATE TABLE accommodation (
        learner_id TEXT PRIMARY KEY REFERENCES learner(id),
        time_multiplier REAL NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
    );

CREATE TABLE attempt (
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
    );

CREATE INDEX ix_attempt_learner_pack ON attempt (learner_id, pack_id);

CREATE TABLE attempt_answer (
        attempt_id TEXT NOT NULL REFERENCES attempt(id),
        item_id TEXT NOT NULL,
        response TEXT,
        flagged INTEGER NOT NULL DEFAULT 0,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, item_id)
    );

CREATE TABLE exam_event (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        attempt_id TEXT,
        body BLOB NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        signature BLOB NOT NULL
    );

CREATE TABLE exam_result (
        id TEXT PRIMARY KEY,
        attempt_id TEXT NOT NULL UNIQUE,
        body BLOB NOT NULL,
        signature BLOB NOT NULL
    );

CREATE TABLE receipt (
    event_id VARCHAR NOT NULL,
    body BLOB NOT NULL,
    signature BLOB NOT NULL,
    received_at VARCHAR NOT NULL,
    PRIMARY KEY (event_id)
);

CREATE TABLE sync_state (
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY ("key")
);

CREATE TABLE remote_pack (
    pack_id VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    career_cluster VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    preview BOOLEAN NOT NULL,
    manifest_sha256 VARCHAR NOT NULL,
    size INTEGER NOT NULL,
    file_count INTEGER NOT NULL,
    updated_at DATETIME NOT NULL,
    last_error VARCHAR,
    PRIMARY KEY (pack_id)
);

CREATE TABLE signin_throttle (
    subject VARCHAR NOT NULL PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    wait_left FLOAT NOT NULL DEFAULT 0,
    clock VARCHAR NOT NULL DEFAULT '',
    clock_at FLOAT NOT NULL DEFAULT 0,
    last_try FLOAT NOT NULL DEFAULT 0
);

CREATE TABLE code_throttle (
    subject VARCHAR NOT NULL PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    wait_left FLOAT NOT NULL DEFAULT 0,
    clock VARCHAR NOT NULL DEFAULT '',
    clock_at FLOAT NOT NULL DEFAULT 0,
    last_try FLOAT NOT NULL DEFAULT 0
);

CREATE TABLE badge (
        credential_id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        result_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('issued', 'revoked')),
        jwt TEXT NOT NULL,
        assertion_jws TEXT,
        verify_url TEXT,
        issued_at TEXT NOT NULL,
        revoked_reason TEXT,
        received_at TEXT NOT NULL
    );

CREATE INDEX ix_badge_learner ON badge (learner_id, pack_id);

CREATE TABLE announcement (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL,
        text TEXT NOT NULL,
        due_on TEXT,
        posted_at TEXT NOT NULL,
        posted_by TEXT NOT NULL
    );

CREATE INDEX ix_announcement_class ON announcement (class_id, posted_at);

CREATE TABLE allowance (
        id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        used_by_attempt TEXT
    );

CREATE INDEX ix_allowance_learner_pack ON allowance (learner_id, pack_id);

CREATE TABLE announcement_read (
        learner_id TEXT NOT NULL,
        announcement_id TEXT NOT NULL,
        read_at TEXT NOT NULL,
        PRIMARY KEY (learner_id, announcement_id)
    );

CREATE VIRTUAL TABLE catalog_search USING fts5(
    pack_id UNINDEXED,
    skill_id UNINDEXED,
    title,
    keywords,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE INDEX ix_attempt_started ON attempt (created_at, id);

CREATE INDEX ix_exam_event_attempt ON exam_event (attempt_id, kind);
"""


def is_empty(connection: sqlite3.Connection) -> bool:
    """Whether the database has no schema at all (a file just created, or zero bytes)."""
    return connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None


def create_fresh_store(database: Path) -> None:
    """Give an empty store the head schema and revision, all or nothing (raw sqlite3)."""
    connection = connect(database)
    try:
        if not is_empty(connection):
            raise ValueError(f"{database} already has tables: a fresh store starts empty")
        # executescript commits first and runs statements as given, so the transaction
        # is spelled out: a crash half-way leaves an empty file, which the next start
        # fills again.
        connection.executescript(
            "BEGIN IMMEDIATE;\n"
            + SCHEMA
            + f"\nINSERT INTO alembic_version (version_num) VALUES ('{SNAPSHOT_REVISION}');"
            + "\nCOMMIT;"
        )
    finally:
        connection.close()
