"""The server's tables, in their own metadata (the station store has a ``station`` table too)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel
from sqlalchemy import Column, DateTime, LargeBinary, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from mcdesk.server.storable import storable_int, storable_text

FLAG_KINDS = frozenset(
    {
        "conflict",
        "chain_gap",
        "chain_fork",
        "bad_signature",
        "score_mismatch",
        "unknown_learner",
        "other_school",
        "not_granted",
        "unknown_announcement",  # a read of an announcement the school never posted
        "not_in_class",  # a read by a learner outside the announcement's class
        "allowance_used_twice",
        "allowance_mismatch",
    }
)


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


# An event's fields go into text and INTEGER columns as they are (mcdesk.server.storable).
StorableText = Annotated[str, AfterValidator(storable_text)]
StorableInt = Annotated[int, AfterValidator(storable_int)]


class PushedEvent(BaseModel):
    """One event in a push request; ``body`` is the canonical JSON text itself."""

    id: StorableText
    seq: StorableInt
    kind: StorableText
    body: str  # stored as bytes: any text
    body_sha256: StorableText


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
    password_hash: str | None = None  # mcdesk.passwords; None until a password is set
    role: str = "teacher"  # "teacher": their own classes; "admin": the whole school


class SchoolClass(ServerTable, table=True):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id")
    name: str
    teacher_id: str | None = Field(default=None, foreign_key="teacher.id")


class Learner(ServerTable, table=True):
    """A learner on a class roster; ``external_id`` is the school's own id when it has one."""

    __tablename__ = "learner"
    __table_args__ = (UniqueConstraint("class_id", "display_name"),)

    id: str = Field(primary_key=True)
    class_id: str = Field(foreign_key="school_class.id")
    display_name: str
    external_id: str | None = None
    pin_hash: str | None = None  # mcdesk.passwords; a learner without one cannot sign in


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
    station_name: str  # the name the operator gave the token: the station takes it
    server_key: str  # base64 of the server's raw Ed25519 public key


# --- Pull streams, grants, accommodations, the server as code issuer, content ---------


class Change(ServerTable, table=True):
    """One entry of a pull stream: the whole current document of an entity, or a deletion.

    ``id`` is the stream cursor. A station pulls ``id > cursor`` for its school (rows with
    ``school_id`` None go to every school) or for itself (``station_id``). Writers take a
    lock first (mcdesk.server.changes) so ids commit in order and no cursor skips one.
    """

    __tablename__ = "change"

    id: int | None = Field(default=None, primary_key=True)
    stream: str = Field(index=True)
    school_id: str | None = Field(default=None, index=True)
    station_id: str | None = Field(default=None, index=True)
    key: str  # the entity's id within its stream
    document: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(sa_column=_when())


class Grant(ServerTable, table=True):
    """A micro-credential opened to a class or one learner, between optional dates."""

    __tablename__ = "access_grant"

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    pack_id: str
    class_id: str | None = Field(default=None, foreign_key="school_class.id")
    learner_id: str | None = Field(default=None, foreign_key="learner.id")
    opens_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    closes_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    created_at: datetime = Field(sa_column=_when())


class Accommodation(ServerTable, table=True):
    """Extra assessment time for a learner (a multiplier of the time limit)."""

    __tablename__ = "accommodation"

    learner_id: str = Field(primary_key=True, foreign_key="learner.id")
    time_multiplier: float
    set_by: str
    set_at: datetime = Field(sa_column=_when())


class StationIssuer(ServerTable, table=True):
    """The server as code issuer for one station: its code secret and its exam key.

    Slots up to ``slots_through`` have been sealed and put in the station's code_slots
    stream; codes for any counter come from ``secret`` (mcdesk.protocol.codes.code_for).
    Slots up to ``slots_wanted`` are owed: a sealer holding the lease (``sealing_until``)
    seals them off the request path (mcdesk.server.sealer).
    """

    __tablename__ = "station_issuer"

    station_id: str = Field(primary_key=True, foreign_key="station.id")
    issuer_id: str
    secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    exam_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    slots_through: int = 0
    created_at: datetime = Field(sa_column=_when())
    slots_wanted: int = 0
    sealing_until: datetime | None = Field(default=None, sa_column=_when(nullable=True))


class PublishedPack(ServerTable, table=True):
    """A pack version the server serves: its signed manifest; files are content blobs."""

    __tablename__ = "published_pack"

    pack_id: str = Field(primary_key=True)
    version: str = Field(primary_key=True)
    manifest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    manifest_sha256: str
    size: int  # bytes of every file the pack lists
    published_at: datetime = Field(sa_column=_when())


class ContentBlob(ServerTable, table=True):
    """A pack file's bytes, addressed by SHA-256 and shared by every version using it."""

    __tablename__ = "content_blob"

    sha256: str = Field(primary_key=True)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ServerPackKey(ServerTable, table=True):
    """A pack's bank key, kept by the server to re-score results and wrap for stations."""

    __tablename__ = "pack_key"

    pack_id: str = Field(primary_key=True)
    key_id: str = Field(primary_key=True)
    key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=_when())


class Result(ServerTable, table=True):
    """A verified assessment result, with the server's own score (the one that counts)."""

    __tablename__ = "result"

    id: str = Field(primary_key=True)  # the result document's id
    station_id: str = Field(foreign_key="station.id", index=True)
    event_id: str
    attempt_id: str
    learner_id: str = Field(index=True)
    pack_id: str
    pack_version: str
    station_points: float
    max_points: float
    server_points: float | None = None  # None: no pack key here to re-score with
    passed: bool  # the server's verdict when re-scored, else the station's
    rescored: bool = False
    event_counter: int
    chain_hash: str
    received_at: datetime = Field(sa_column=_when())
    # Why this result does not count (a flag kind), None when it does: see
    # mcdesk.server.standing.counts, the one predicate for that.
    withheld: str | None = None


class ExamLogEntry(ServerTable, table=True):
    """A station's exam event-log entry as pushed: the server re-checks the hash chain."""

    __tablename__ = "exam_log"

    station_id: str = Field(primary_key=True, foreign_key="station.id")
    seq: int = Field(primary_key=True)
    hash: str
    prev_hash: str
    kind: str
    attempt_id: str | None = None


class PullItem(BaseModel):
    key: str
    document: dict[str, object] | None  # None: the entity was deleted


class PullResponse(BaseModel):
    stream: str
    items: list[PullItem]
    cursor: int
    more: bool


class SignedAnswer(BaseModel):
    """A server answer in the signed-file envelope (protocol.files), signed by the server key."""

    kind: str
    format: int
    body: str  # base64 of canonical JSON
    signature: str  # base64 Ed25519 by the server key over the body bytes
