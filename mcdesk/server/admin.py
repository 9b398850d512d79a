"""Operator actions on stations (the enrolment flow and its CLI come later)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mcdesk.protocol.ids import BadStationId, check_station_id
from mcdesk.server.models import Station, StationCreate
from mcdesk.server.signer import public_key_from_b64


class StationError(Exception):
    """A station cannot be registered or changed as asked."""


def register_station(
    session: Session,
    *,
    station_id: str,
    name: str,
    public_key_b64: str,
    now: datetime,
    school_id: str | None = None,
) -> Station:
    """Register a station's public key so its signed requests are accepted."""
    try:
        check_station_id(station_id)
    except BadStationId as exc:
        raise StationError(str(exc)) from None
    try:
        public_key_from_b64(public_key_b64)
    except ValueError as exc:  # binascii.Error is a ValueError
        raise StationError(f"not an Ed25519 public key: {exc}") from exc
    if session.get(Station, station_id) is not None:
        raise StationError(f"station {station_id!r} is registered already")
    create = StationCreate(id=station_id, name=name, public_key=public_key_b64, school_id=school_id)
    station = Station.model_validate(create, update={"created_at": now})
    session.add(station)
    session.commit()
    session.refresh(station)
    return station


def revoke_station(session: Session, *, station_id: str, now: datetime) -> Station:
    """Refuse every later request from a station; its stored events stay."""
    station = session.get(Station, station_id)
    if station is None:
        raise StationError(f"no station {station_id!r}")
    if station.revoked_at is None:
        station.revoked_at = now
        session.add(station)
        session.commit()
        session.refresh(station)
    return station
