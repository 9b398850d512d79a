"""The Teacher Resource Center's sign-in tables: wrong-password counts per name (written by
mcdesk.throttle), the key that signs its cookies, and signed-in browser sessions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field

from mcdesk.server.models import ServerTable, _when


class TeacherThrottle(ServerTable, table=True):
    """Wrong passwords on the server's teacher page, per name (written by mcdesk.throttle)."""

    __tablename__ = "teacher_throttle"

    subject: str = Field(primary_key=True)  # SHA-256 of the name as typed, normalised
    failures: int = 0
    wait_left: float = 0  # seconds of the wait still to serve at clock_at
    clock: str = ""  # always "wall": the server's own clock, shared by its workers
    clock_at: float = 0
    last_try: float = Field(default=0, index=True)  # wall-clock seconds; idle rows expire


class WebKey(ServerTable, table=True):
    """The key that signs the Teacher Resource Center's cookies; one row, made on first use."""

    __tablename__ = "web_key"

    id: str = Field(primary_key=True)
    key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=_when())


class WebSession(ServerTable, table=True):
    """A signed-in teacher's browser session; only the SHA-256 of its id is stored."""

    __tablename__ = "web_session"

    id_hash: str = Field(primary_key=True)
    teacher_id: str = Field(foreign_key="teacher.id", index=True)
    created_at: datetime = Field(sa_column=_when())
    last_seen: datetime = Field(sa_column=_when(index=True))
