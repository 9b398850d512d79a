"""A provisioned station in a real assessment, talking to the board over the live channel.

The station is provisioned by file for the running server's school (tests/server/badging.py),
so the server is its code issuer, exactly as a lab is set up; its ``ExamDesk`` is the one
the screens drive, and its ``LiveLink`` is the channel the live worker runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from mcdesk.exam.desk import ExamDesk
from mcdesk.exam.remote import Ack, apply_command
from mcdesk.keys import PublisherKey, read_private_key
from mcdesk.paths import Paths
from mcdesk.protocol.codes import code_for
from mcdesk.server.models import Station, StationIssuer
from mcdesk.server.schools import add_teacher
from mcdesk.sync.live_link import Exchange, LiveLink
from mcdesk.sync.live_report import Activity, live_report
from tests.server.badging import Lab, provisioned_lab
from tests.server.web.harness import OTHER_USER, PASSWORD, TrcServer

PACK = "sample-pack"


@dataclass
class LiveStation:
    """One station: its exam desk, its live channel, and what its screens show."""

    lab: Lab
    trc: TrcServer
    desk: ExamDesk
    link: LiveLink
    activity: Activity = field(default_factory=Activity)
    acks: list[Ack] = field(default_factory=list)

    @property
    def station_id(self) -> str:
        return self.link.station_id

    @property
    def database(self) -> Path:
        return self.lab.home.database

    def code(self, counter: int) -> str:
        with Session(self.trc.server.engine) as session:
            issuer = session.get(StationIssuer, self.station_id)
            assert issuer is not None
            return code_for(issuer.secret, station_id=self.station_id, counter=counter)

    def report(self) -> Exchange:
        """Post the live report (with the acks owed); what came back."""
        acks = [ack.document() for ack in self.acks]
        self.acks = []
        return self.link.exchange(live_report(self.database, self.activity, acks=acks))

    def apply(self, exchange: Exchange) -> list[Ack]:
        """Apply the commands as the exam flow does; their acks go with the next report."""
        done = [
            apply_command(self.desk, c, waiting=self.activity.waiting) for c in exchange.commands
        ]
        self.acks.extend(done)
        return done

    def crash(self) -> str:
        """The station restarts mid-attempt: a new desk, the attempt interrupted; its id."""
        self.desk.close()
        self.desk = ExamDesk(self.database, station_key=read_private_key(self.lab.home.station_key))
        (interrupted,) = self.desk.interrupted()
        return interrupted.attempt_id

    def events(self, kind: str) -> list[bytes]:
        with sqlite3.connect(self.database) as raw:
            return [body for (body,) in raw.execute(
                "SELECT body FROM exam_event WHERE kind = ? ORDER BY seq", (kind,)
            )]  # fmt: skip


@dataclass(frozen=True, slots=True)
class LabKit:
    """What provisioning Lab 9 by file takes: its home, a folder, the pack's source and keys."""

    home: Paths
    tmp_path: Path
    source: Path
    publisher_key: Path
    trusted: dict[str, PublisherKey]
    capsys: pytest.CaptureFixture[str]

    def provision(self, trc: TrcServer) -> Lab:
        """Lab 9 provisioned by file for Northside, the sample pack granted to Ana's class."""
        return provisioned_lab(
            trc.server, home=self.home, tmp_path=self.tmp_path, source=self.source,
            publisher_key=self.publisher_key, trusted=self.trusted, capsys=self.capsys,
        )  # fmt: skip


def live_station(trc: TrcServer, kit: LabKit) -> LiveStation:
    """Lab 9 provisioned for Northside (mlee teaches Welding 1, Ana's class); okafor too."""
    lab = kit.provision(trc)
    with Session(trc.server.engine) as session:
        station = session.get(Station, lab.station_id())
        assert station is not None
        assert station.school_id is not None
        add_teacher(
            session, school_id=station.school_id, username=OTHER_USER, display_name="Okafor",
            password=PASSWORD, now=datetime.now(UTC),
        )  # fmt: skip
    key = read_private_key(kit.home.station_key)
    server_key = lab.server_key()
    desk = ExamDesk(kit.home.database, station_key=key)
    link = LiveLink(trc.base_url, lab.station_id(), key, server_key)
    return LiveStation(lab=lab, trc=trc, desk=desk, link=link)


def sit_down(station: LiveStation) -> str:
    """Ana signs in and starts the sample assessment with code #1; the attempt id."""
    outcome = station.desk.start(
        learner_id=station.lab.learner_id, pack_id=PACK, code=station.code(1)
    )
    assert outcome.ok, outcome.message
    assert outcome.sitting is not None
    attempt_id = outcome.sitting.attempt_id
    station.activity = Activity(
        learner_id=station.lab.learner_id,
        learner_name="Ana Ruiz",
        doing="assessment",
        title="Sample",
        attempt_id=attempt_id,
    )
    return attempt_id


@pytest.fixture(name="lab_kit")
def lab_kit_fixture(
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> LabKit:
    return LabKit(home, tmp_path, source, publisher_key, trusted, capsys)


@pytest.fixture(name="station")
def station_fixture(trc: TrcServer, lab_kit: LabKit) -> Iterator[LiveStation]:
    """Lab 9, a real station on the board's live channel; closed after the test."""
    made = live_station(trc, lab_kit)
    yield made
    made.desk.close()
    made.link.close()
