"""The Codes page's read: the next unlock codes of every station of the teacher's school.

Codes are shown by number, as the station asks for them ("#12").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from mcdesk.server.issuer import CodeListing, StationCodesError, next_codes
from mcdesk.server.models import School, Station
from mcdesk.server.web.access import Viewer

CODES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class SchoolCodes:
    """What the Codes page shows: who, which school, each station's next codes."""

    teacher: str
    school: str
    listings: list[CodeListing]
    waiting: list[str]  # stations the server does not issue codes for yet


def codes_for(session: Session, *, viewer: Viewer) -> SchoolCodes:
    """The next codes of every station of the teacher's school that is not revoked."""
    school = session.get(School, viewer.school_id)
    stations = session.exec(
        select(Station)
        .where(col(Station.school_id) == viewer.school_id, col(Station.revoked_at).is_(None))
        .order_by(col(Station.name))
    ).all()
    listings, waiting = [], []
    for station in stations:
        try:
            listings.append(next_codes(session, station=station, count=CODES_SHOWN))
        except StationCodesError:
            waiting.append(station.name)
    return SchoolCodes(
        viewer.display_name, "" if school is None else school.name, listings, waiting
    )
