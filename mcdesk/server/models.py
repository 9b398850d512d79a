"""The server's tables, in their own metadata (the station store has a ``station`` table too)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, LargeBinary, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

FLAG_KINDS = frozenset({"conflict", "chain_gap", "bad_signature", "score_mismatch"})


class ServerTable(SQLModel, registry=registry()):
    """Base of every server table: a metadata apart from the station store's."""


def _when(*, nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class ServerKey(ServerTable, table=True):
    """The server's Ed25519 key; the newest row signs receipts."""

    __tablename__ = "server_key"

    id: str = Field(primary_key=True)  # mcdesk.keys.key_id of the public key
    private_key_pem: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    public_key: str  # base64 of the raw 32 bytes
    created_at: datetime = Field(sa_column=_when())


class StationBase(ServerTable):
    name: str
    public_key: str  # base64 of the raw 32-byte Ed25519 public key
    school_id: str | None = None


class Station(StationBase, table=True):
    """A registered station; revoked stations are refused, never deleted."""

    __tablename__ = "station"

    id: str = Field(primary_key=True)
    created_at: datetime = Field(sa_column=_when())
    revoked_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class StationCreate(StationBase):
    id: str


class StationPublic(StationBase):
    id: str
    revoked_at: datetime | None


class Nonce(ServerTable, table=True):
    """A request nonce seen recently: the unique pair refuses a replay."""

    __tablename__ = "nonce"

    station_id: str = Field(primary_key=True, foreign_key="station.id")
    nonce: str = Field(primary_key=True)
    seen_at: datetime = Field(sa_column=_when(index=True))


class Event(ServerTable, table=True):
    """A pushed outbox event, stored once per (station, event id)."""

    __tablename__ = "event"

    station_id: str = Field(primary_key=True, foreign_key="station.id")
    event_id: str = Field(primary_key=True)  # the station's UUIDv7
    seq: int = Field(index=True)
    kind: str
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # canonical JSON
    body_sha256: str
    received_at: datetime = Field(sa_column=_when())
    flagged: str | None = None


class Receipt(ServerTable, table=True):
    """The signed receipt of a stored event; a duplicate push gets this same receipt back."""

    __tablename__ = "receipt"
    __table_args__ = (UniqueConstraint("station_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: str = Field(foreign_key="station.id")
    event_id: str
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # canonical JSON
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Flag(ServerTable, table=True):
    """Something a person should look at: a conflict, a chain gap, a bad signature."""

    __tablename__ = "flag"

    id: int | None = Field(default=None, primary_key=True)
    station_id: str = Field(foreign_key="station.id", index=True)
    event_id: str | None = None
    kind: str  # one of FLAG_KINDS
    detail: str
    created_at: datetime = Field(sa_column=_when())


class PushedEvent(BaseModel):
    """One event in a push request; ``body`` is the canonical JSON text itself."""

    id: str
    seq: int
    kind: str
    body: str
    body_sha256: str


class PushRequest(BaseModel):
    events: list[PushedEvent]


class ReceiptPublic(BaseModel):
    event_id: str
    body: str  # canonical JSON text, signed as its UTF-8 bytes
    signature: str  # base64 Ed25519 by the server key


class Rejection(BaseModel):
    id: str
    reason: str


class PushResponse(BaseModel):
    accepted: list[str] = []
    duplicate: list[str] = []
    rejected: list[Rejection] = []
    receipts: list[ReceiptPublic] = []


class School(ServerTable, table=True):
    __tablename__ = "school"

    id: str = Field(primary_key=True)
    name: str = Field(unique=True)


class Teacher(ServerTable, table=True):
    __tablename__ = "teacher"

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id")
    username: str = Field(unique=True)
    display_name: str


class SchoolClass(ServerTable, table=True):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id")
    name: str


class Learner(ServerTable, table=True):
    """A learner on a class roster; ``external_id`` is the school's own id when it has one."""

    __tablename__ = "learner"
    __table_args__ = (UniqueConstraint("class_id", "display_name"),)

    id: str = Field(primary_key=True)
    class_id: str = Field(foreign_key="school_class.id")
    display_name: str
    external_id: str | None = None


class EnrolToken(ServerTable, table=True):
    """A one-time enrolment token; only its SHA-256 is kept, the token is shown once."""

    __tablename__ = "enrol_token"

    token_hash: str = Field(primary_key=True)  # sha256 hex of the token text
    school_id: str = Field(foreign_key="school.id")
    station_name: str
    expires_at: datetime = Field(sa_column=_when())
    used_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    station_id: str | None = None


class EnrolRequest(BaseModel):
    token: str
    station_id: str
    name: str
    public_key: str


class EnrolResponse(BaseModel):
    station_id: str
    school: str
    server_key: str  # base64 of the server's raw Ed25519 public key
