"""SQLModel tables of the station store. Migrations in ``migrations/`` create them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, LargeBinary, String
from sqlmodel import Field, SQLModel


class Station(SQLModel, table=True):
    """This computer: one row, made on first run."""

    id: str = Field(primary_key=True)
    name: str
    public_key: str
    created_at: datetime


class School(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str


class Teacher(SQLModel, table=True):
    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id")
    username: str = Field(unique=True)
    display_name: str
    password_hash: str


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id")
    teacher_id: str = Field(foreign_key="teacher.id")
    name: str


class Learner(SQLModel, table=True):
    id: str = Field(primary_key=True)
    class_id: str = Field(foreign_key="school_class.id", index=True)
    display_name: str
    pin_hash: str


class Blob(SQLModel, table=True):
    """A pack file's bytes, addressed by SHA-256 (shared by every pack version using it)."""

    sha256: str = Field(primary_key=True)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Pack(SQLModel, table=True):
    """An installed micro-credential: its verified, signed manifest and where it came from."""

    id: str = Field(primary_key=True)
    version: str
    title: str
    career_cluster: str = Field(index=True)
    summary: str
    skill_titles: str  # JSON list, so the catalog lists skills without parsing manifests
    preview: bool
    publisher_key_id: str
    manifest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    installed_at: datetime


class PackFile(SQLModel, table=True):
    __tablename__ = "pack_file"

    pack_id: str = Field(
        sa_column=Column(String, ForeignKey("pack.id", ondelete="CASCADE"), primary_key=True)
    )
    path: str = Field(primary_key=True)
    sha256: str = Field(foreign_key="blob.sha256")
    size: int


class AccessGrant(SQLModel, table=True):
    """A micro-credential opened to a class or one learner; pack_id '*' means all of them."""

    __tablename__ = "access_grant"

    id: str = Field(primary_key=True)
    pack_id: str = Field(index=True)
    class_id: str | None = Field(default=None, foreign_key="school_class.id")
    learner_id: str | None = Field(default=None, foreign_key="learner.id")
    opens_at: datetime | None = None
    closes_at: datetime | None = None


class SignInThrottle(SQLModel, table=True):
    """Wrong PINs or passwords per person, kept across restarts (written by mcdesk.throttle)."""

    __tablename__ = "signin_throttle"

    subject: str = Field(primary_key=True)  # "learner:<id>" or "teacher:<id>"
    failures: int = 0
    wait_left: float = 0  # seconds of the wait still to serve at clock_at
    clock: str = ""  # the clock clock_at was read on: this run of the app's monotonic clock
    clock_at: float = 0
    last_try: float = 0  # wall-clock seconds, for nothing but tidying


class SkillProgress(SQLModel, table=True):
    __tablename__ = "skill_progress"

    learner_id: str = Field(foreign_key="learner.id", primary_key=True)
    pack_id: str = Field(primary_key=True)
    skill_id: str = Field(primary_key=True)
    first_opened_at: datetime
    last_opened_at: datetime
    studied_at: datetime | None = None
    active_seconds: int = 0


class SelfCheckRun(SQLModel, table=True):
    __tablename__ = "selfcheck_run"

    id: str = Field(primary_key=True)
    learner_id: str = Field(foreign_key="learner.id", index=True)
    pack_id: str
    skill_id: str
    finished_at: datetime
    correct: int
    total: int
    responses: str  # JSON: item id -> response


class LearnerPrefs(SQLModel, table=True):
    __tablename__ = "learner_prefs"

    learner_id: str = Field(foreign_key="learner.id", primary_key=True)
    text_scale: int = 100
    high_contrast: bool = False


class OutboxEvent(SQLModel, table=True):
    """An event waiting to be pushed, written in the same transaction as its change."""

    __tablename__ = "outbox"

    id: str = Field(primary_key=True)  # UUIDv7
    seq: int = Field(unique=True)  # the station's event counter: strictly increasing
    kind: str
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # canonical JSON
    created_at: datetime
    # Events carrying a running total (active time) replace their unsent predecessor.
    coalesce_key: str | None = Field(default=None, index=True)


class SyncReceipt(SQLModel, table=True):
    """The server's signed receipt for a pushed outbox event: holding it means "sent"."""

    __tablename__ = "receipt"

    event_id: str = Field(primary_key=True)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # canonical JSON
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # server Ed25519
    received_at: str  # as the server wrote it in the receipt body


class SyncState(SQLModel, table=True):
    """Sync facts kept between runs: the pinned server key, the last push."""

    __tablename__ = "sync_state"

    key: str = Field(primary_key=True)
    value: str


class RemotePack(SQLModel, table=True):
    """A micro-credential in the server's catalog index, as last pulled.

    Listing here does not install anything: ``mcdesk.sync.content`` downloads the pack
    and installs it only once every file is there and verified.
    """

    __tablename__ = "remote_pack"

    pack_id: str = Field(primary_key=True)
    version: str
    title: str
    career_cluster: str
    summary: str
    preview: bool
    manifest_sha256: str
    size: int  # bytes of every file the pack lists
    file_count: int
    updated_at: datetime
    last_error: str | None = None  # why the last download or install of it failed
