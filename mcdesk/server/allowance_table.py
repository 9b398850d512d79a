"""The ``allowance`` table (revision 0011): a teacher's exception for one learner, and why;
its first use as a station reported it (revision 0014)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field

from mcdesk.server.models import ServerTable


class Allowance(ServerTable, table=True):
    """An extra attempt, a waived review or a cleared lockout, and why (the learner's record)."""

    __tablename__ = "allowance"

    id: str = Field(primary_key=True)
    learner_id: str = Field(foreign_key="learner.id", index=True)
    pack_id: str | None = None  # None for a cleared lockout
    kind: str
    reason: str
    granted_by: str = Field(foreign_key="teacher.id")
    granted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # The form that asked for it: a form sent twice (a double click, two workers) records
    # one allowance, because the second insert meets this unique value.
    form_id: str = Field(unique=True)
    # The first use a station reported (mcdesk.server.allowance_use): the attempt, the
    # station's time of it, the station and the event; all None while unused.
    used_attempt_id: str | None = None
    used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    used_station_id: str | None = None
    used_event_id: str | None = None
