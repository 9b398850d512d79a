"""Helpers for pull-stream tests: a school on the server, and a station enrolled by token.

The station is enrolled through the real flow (an admin token, POST /api/v1/enroll), so
the server makes it its code issuer and knows its school, exactly as in production.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine
from sqlmodel import Session

from mcdesk.content.build import build_pack
from mcdesk.keys import PublisherKey, public_key_b64
from mcdesk.server.enrolment import new_enrol_token
from mcdesk.server.grants import add_grant
from mcdesk.server.publish import publish_file
from mcdesk.server.roster import import_roster_csv
from mcdesk.server.schools import add_school, add_teacher, find_class, find_learner
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine as make_store_engine
from mcdesk.store.migrate import upgrade
from mcdesk.store.tables import Station
from mcdesk.sync.appliers import STREAM_APPLIERS
from mcdesk.sync.enrol import enrol_station
from mcdesk.sync.pinning import pinned_server_key
from mcdesk.sync.pull import Applier, PullReport, pull_streams
from tests.server.conftest import RunningServer

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)

TEACHER_USER = "mlee"
TEACHER_PASSWORD = "chalk and cheese 42"
ROSTER_CSV = (
    "class,learner,external_id,pin\n"
    "Welding 1,Ana Ruiz,S-1,4821\n"
    "Welding 1,Ben Ode,S-2,139406\n"
    "CNC,Chi Li,S-3,\n"
)


@dataclass(frozen=True, slots=True)
class SchoolSetup:
    school_id: str
    teacher_id: str
    pins: dict[str, str]  # learner name -> PIN, given or issued


def set_up_school(
    engine: Engine, *, name: str = "Northside", username: str = TEACHER_USER, csv: str = ROSTER_CSV
) -> SchoolSetup:
    """A school with one teacher and a roster, through the admin functions."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        school = add_school(session, name=name, now=now)
        teacher = add_teacher(
            session,
            school_id=school.id,
            username=username,
            display_name="Ms Lee",
            password=TEACHER_PASSWORD,
            now=now,
        )
        report = import_roster_csv(session, school_id=school.id, text=csv, now=now)
        school_id, teacher_id = school.id, teacher.id
    pins = {}
    for line in csv.splitlines()[1:]:
        cells = line.split(",")
        if len(cells) > 3 and cells[3]:
            pins[cells[1]] = cells[3]
    pins |= {issued.learner: issued.pin for issued in report.pins}
    return SchoolSetup(school_id=school_id, teacher_id=teacher_id, pins=pins)


@dataclass
class EnrolledStation:
    """A station store enrolled on the running server with a one-time token."""

    database: Path
    key: Ed25519PrivateKey
    station_id: str
    server: RunningServer
    applied: list[str] = field(default_factory=list)

    def pull(self, appliers: Mapping[str, Applier] = STREAM_APPLIERS) -> PullReport:
        return pull_streams(
            database=self.database,
            station_key=self.key,
            station_id=self.station_id,
            server_url=self.server.base_url,
            server_public_key=self.server_key(),
            appliers=appliers,
        )

    def server_key(self) -> Ed25519PublicKey:
        """The key pinned at enrolment."""
        key = pinned_server_key(self.database)
        assert key is not None
        return key

    def query(self, sql: str, *parameters: object) -> list[tuple[object, ...]]:
        with opened(self.database, read_only=True) as connection:
            return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]


def new_store(folder: Path, *, name: str = "station") -> tuple[Path, str, Ed25519PrivateKey]:
    """A migrated station store with its station row (no demo); (database, id, key)."""
    database = folder / f"{name}-{uuid.uuid4().hex[:6]}.sqlite3"
    upgrade(database)
    key = Ed25519PrivateKey.generate()
    station_id = str(uuid.uuid4())
    engine = make_store_engine(database)
    try:
        with Session(engine) as session:
            session.add(
                Station(
                    id=station_id,
                    name=f"Lab {name}",
                    public_key=public_key_b64(key.public_key()),
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()
    finally:
        engine.dispose()
    return database, station_id, key


def enrol_store(
    server: RunningServer,
    *,
    school_id: str,
    database: Path,
    station_id: str,
    key: Ed25519PrivateKey,
    name: str = "Lab 1",
) -> EnrolledStation:
    """Enrol an existing store through a real token; the server seals its first slots."""
    with Session(server.engine) as session:
        token = new_enrol_token(
            session,
            school_id=school_id,
            station_name=name,
            ttl=timedelta(hours=1),
            now=datetime.now(UTC),
        )
    enrol_station(
        database=database,
        server_url=server.base_url,
        token=token,
        station_id=station_id,
        name=name,
        public_key_b64=public_key_b64(key.public_key()),
    )
    return EnrolledStation(database=database, key=key, station_id=station_id, server=server)


def enrolled_station(server: RunningServer, folder: Path, *, school_id: str) -> EnrolledStation:
    database, station_id, key = new_store(folder)
    return enrol_store(
        server, school_id=school_id, database=database, station_id=station_id, key=key
    )


def publish_and_grant(
    server: RunningServer,
    *,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    out: Path,
) -> tuple[SchoolSetup, str]:
    """The school, with a built sample pack published and granted to Welding 1; Ana's id."""
    built = build_pack(source, out / "sample.mcpack", publisher_key=publisher_key)
    school = set_up_school(server.engine)
    with Session(server.engine) as session:
        publish_file(
            session, path=built.output, pack_key_path=built.pack_key_file, trusted=trusted, now=NOW
        )
        welding = find_class(session, school_id=school.school_id, name="Welding 1").id
        ana = find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ana Ruiz"
        ).id
        add_grant(
            session, school_id=school.school_id, pack_id="sample-pack", class_id=welding,
            learner_id=None, opens_at=None, closes_at=None, now=NOW,
        )  # fmt: skip
    return school, ana
