"""This station's identity: an Ed25519 key made on first run and its row in the store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine
from sqlmodel import Session, select

from mcdesk.keys import public_key_b64, read_private_key, write_private_key
from mcdesk.protocol.ids import new_station_id
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import Station


def ensure_station_key(path: Path) -> Ed25519PrivateKey:
    """The station's private key, created with mode 0600 the first time."""
    if path.exists():
        return read_private_key(path)
    key = Ed25519PrivateKey.generate()
    write_private_key(path, key)
    return key


def ensure_station(*, engine: Engine, key_path: Path, name: str, now: datetime) -> Station:
    """The station row for this key, created on first run (and after a store was reset)."""
    key = ensure_station_key(key_path)
    public = public_key_b64(key.public_key())
    with Session(engine) as session:
        station = session.exec(select(Station)).first()
        if station is None:
            station = Station(id=new_station_id(), name=name, public_key=public, created_at=now)
            session.add(station)
            session.commit()
            session.refresh(station)
        return station


def rename_station(database: Path, name: str) -> None:
    """The name the school server knows this station by (from enrolment)."""
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            station = session.exec(select(Station)).first()
            if station is None:  # no identity row yet: first run will take the settings' name
                return
            station.name = name.strip()[:100] or station.name
            session.add(station)
            session.commit()
    finally:
        engine.dispose()
