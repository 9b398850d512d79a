"""The study tally's tables: per learner, skill and station, and each learner's events."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field

from mcdesk.server.models import ServerTable


class StudyTally(ServerTable, table=True):
    """One learner's study of one skill as one station reported it, folded from its events.

    Each column combines in any order (or, max, newest run, sum), so concurrent pushes
    update a row with one upsert each and the row equals a fold of every stored event.
    """

    __tablename__ = "study_tally"

    learner_id: str = Field(primary_key=True)
    pack_id: str = Field(primary_key=True)
    skill_id: str = Field(primary_key=True)
    station_id: str = Field(primary_key=True, foreign_key="station.id")
    opened: bool = False
    marked: bool = False  # "studied" marked at the end of the lesson
    seconds: int = 0  # the station's running total: the largest one seen
    run_id: str | None = None  # the newest self-check run (UUIDv7 ids sort by time)
    run_credit: float | None = None
    run_total: int | None = None
    links: int = 0  # outside links opened from the lesson
    last_ms: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # The newest event that reviews the skill (mcdesk.protocol.review; revision 0015).
    reviewed_ms: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class LearnerEvent(ServerTable, table=True):
    """Which stored events name which learner: a learner's timeline reads these rows."""

    __tablename__ = "learner_event"

    station_id: str = Field(primary_key=True, foreign_key="station.id")
    event_id: str = Field(primary_key=True)
    learner_id: str = Field(index=True)
    kind: str
    at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
