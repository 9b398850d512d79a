"""The live board's tables: each station's latest live state, and proctor commands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field

from mcdesk.server.models import ServerTable


def _when(*, nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class LiveState(ServerTable, table=True):
    """A station's latest live report (one row per station, replaced on each report)."""

    __tablename__ = "live_state"

    station_id: str = Field(primary_key=True, foreign_key="station.id")
    learner_id: str | None = Field(default=None, index=True)
    document: str  # the report as canonical JSON, checked and bounded (mcdesk.sync.live_report)
    received_at: datetime = Field(sa_column=_when())
    changed_at: datetime = Field(sa_column=_when(index=True))  # the last report that differed


class ProctorCommand(ServerTable, table=True):
    """A teacher's remote action for one station and one attempt, signed by the server key."""

    __tablename__ = "proctor_command"

    id: str = Field(primary_key=True)
    station_id: str = Field(foreign_key="station.id", index=True)
    attempt_id: str
    action: str
    minutes: int = 0
    counter: int  # the code number the command carries (the code a teacher would type)
    envelope: str  # the signed command as sent (JSON of the signed-file envelope)
    issued_by: str = Field(foreign_key="teacher.id")
    created_at: datetime = Field(sa_column=_when())
    expires_at: datetime = Field(sa_column=_when())
    delivered_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    acked_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    outcome: str | None = None  # "done", or the station's reason for refusing
