"""Learners put on a station's school roster with a grant, as the server needs to count results."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from mcdesk.server.models import Grant, Learner, School, SchoolClass, Station


def admit(engine: Engine, *, station_id: str, learner_ids: Iterable[str], pack_id: str) -> None:
    """A school for the station (unless it has one), a class of these learners, a class grant.

    Rows go in directly because the tests' learner ids are fixed strings, where the roster
    import would make new ones.
    """
    now = datetime.now(UTC)
    with Session(engine) as session:
        station = session.get(Station, station_id)
        assert station is not None, f"register {station_id} first"
        if station.school_id is None:
            session.add(School(id=f"school-{station_id}", name=f"School of {station_id}"))
            station.school_id = f"school-{station_id}"
            session.add(station)
            session.flush()
        class_id = f"class-{station_id}-{pack_id}"
        session.add(SchoolClass(id=class_id, school_id=station.school_id, name=class_id))
        session.flush()
        for n, learner_id in enumerate(learner_ids):
            session.add(Learner(id=learner_id, class_id=class_id, display_name=f"Learner {n}"))
        session.add(
            Grant(
                id=f"grant-{class_id}",
                school_id=station.school_id,
                pack_id=pack_id,
                class_id=class_id,
                created_at=now,
            )
        )
        session.commit()
