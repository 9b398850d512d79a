"""An allowance used on one station reaches the server and every other station.

Real stations (migrated SQLite stores, the exam engine, the push and pull clients), a
real server on loopback, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, select

from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.retake import retake_allowed
from mcdesk.keys import public_key_b64
from mcdesk.protocol.allowances import AllowanceUse, use_body
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.ids import uuid7
from mcdesk.server.admin import register_station
from mcdesk.server.allowance_table import Allowance
from mcdesk.server.allowances import allow
from mcdesk.server.models import Change, Event, Flag, Learner, PublishedPack, Teacher
from mcdesk.server.models import Result as ResultRow
from mcdesk.server.schools import find_learner
from mcdesk.sync.apply_allowances import apply_allowances
from mcdesk.sync.apply_roster import apply_roster
from mcdesk.sync.client import PushReport, fetch_server_key, push_once
from mcdesk.sync.pull import pull_streams
from tests.exam.bank import VERSION, blueprint, make_bank
from tests.server.client import push
from tests.server.conftest import RunningServer
from tests.server.pulling import SchoolSetup, new_store, set_up_school
from tests.server.test_teacher_throttle import Workers, four_workers  # noqa: F401  (fixture)
from tests.server.web.http import WebClient

PACK = "sample-pack"
RULE = {"requires_review": False, "max_attempts_per_day": 1}
STREAMS = {"roster": apply_roster, "allowances": apply_allowances}
BANK = make_bank()
TODAY = datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Lab:
    """A station store registered with the server for the school."""

    database: Path
    id: str
    key: Ed25519PrivateKey
    server: RunningServer

    def pull(self) -> None:
        pull_streams(
            database=self.database, station_key=self.key, station_id=self.id,
            server_url=self.server.base_url,
            server_public_key=fetch_server_key(self.server.base_url), appliers=STREAMS,
        )  # fmt: skip

    def push(self) -> PushReport:
        return push_once(
            database=self.database, station_key=self.key, station_id=self.id,
            server_url=self.server.base_url,
            server_public_key=fetch_server_key(self.server.base_url),
        )  # fmt: skip

    def offered(self, learner_id: str) -> tuple[str, ...]:
        """The allowances the retake rule would use for the learner's next attempt."""
        with sqlite3.connect(self.database) as connection:
            decision = retake_allowed(
                connection, learner_id=learner_id, pack_id=PACK,
                blueprint=blueprint(retake=RULE), now=TODAY,
            )  # fmt: skip
        return decision.allowances if decision.allowed else ()

    def used_by(self, allowance_id: str) -> object:
        with sqlite3.connect(self.database) as connection:
            row = connection.execute(
                "SELECT used_by_attempt FROM allowance WHERE id = ?", (allowance_id,)
            ).fetchone()
        return None if row is None else row[0]

    def spend_today(self, learner_id: str) -> None:
        """Today's one attempt, ended earlier on this station (the limit is reached)."""
        with sqlite3.connect(self.database) as connection:
            connection.execute(
                "INSERT INTO attempt (id, learner_id, pack_id, pack_version, seed, form, state,"
                " time_limit_s, created_at, ended_at, passed) VALUES (?, ?, ?, ?, 1,"
                " '{\"items\": []}', 'scored', 1800, ?, ?, 0)",
                (uuid7(), learner_id, PACK, VERSION, TODAY.isoformat(), TODAY.isoformat()),
            )

    def sit(self, learner_id: str, *, finish: bool = False) -> str:
        """The exam engine starts the attempt the allowance lets through; its id."""
        engine = ExamEngine(database=self.database, station_key=self.key)
        try:
            attempt_id = engine.create_attempt(
                learner_id=learner_id, pack_id=PACK, pack_version=VERSION,
                blueprint=blueprint(retake=RULE), bank=BANK, allowances=self.offered(learner_id),
            )  # fmt: skip
            if finish:
                engine.unlock(attempt_id, action="start", counter=1)
                engine.start()
                engine.submit()
            return attempt_id
        finally:
            engine.close()


def lab(server: RunningServer, folder: Path, school: SchoolSetup, name: str) -> Lab:
    database, station_id, key = new_store(folder, name=name)
    with Session(server.engine) as session:
        register_station(
            session, station_id=station_id, name=f"Lab {name}",
            public_key_b64=public_key_b64(key.public_key()), now=TODAY,
            school_id=school.school_id,
        )  # fmt: skip
    made = Lab(database, station_id, key, server)
    made.pull()
    return made


def ana_of(server: RunningServer, school: SchoolSetup) -> Learner:
    with Session(server.engine) as session:
        return find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ana Ruiz"
        )


def listed_on_server(session: Session) -> None:
    """The pack as the server lists it, so a teacher may allow a retake of it (``allow``
    refuses a pack this server never published). The stations here sit a bank made by
    tests/exam/bank.py, so the server's row names another version: their results stay
    not re-scored, as a result of a version the server lacks does."""
    if session.exec(select(PublishedPack).where(col(PublishedPack.pack_id) == PACK)).first():
        return
    manifest = b'{"id": "sample-pack", "version": "0.0.0-server"}'
    session.add(
        PublishedPack(
            pack_id=PACK, version="0.0.0-server", manifest=manifest, signature=b"",
            manifest_sha256=hashlib.sha256(manifest).hexdigest(), size=0, published_at=TODAY,
        )
    )  # fmt: skip
    session.flush()


def extra_attempt(server: RunningServer, school: SchoolSetup, learner_id: str) -> str:
    with Session(server.engine) as session:
        listed_on_server(session)
        made = allow(
            session, learner=session.get(Learner, learner_id), school_id=school.school_id,
            kind="extra_attempt", pack_id=PACK, reason="Fire drill", form_id=uuid7(),
            teacher=session.get(Teacher, school.teacher_id), now=TODAY,
        )  # fmt: skip
        assert made is not None
        return made.id


def stored(server: RunningServer, allowance_id: str) -> Allowance:
    with Session(server.engine) as session:
        row = session.get(Allowance, allowance_id)
        assert row is not None
        return row


def flags(server: RunningServer, kind: str) -> list[Flag]:
    with Session(server.engine) as session:
        return list(session.exec(select(Flag).where(col(Flag.kind) == kind)).all())


def changes_of(server: RunningServer, allowance_id: str) -> int:
    with Session(server.engine) as session:
        found = session.exec(select(Change).where(col(Change.key) == f"allowance:{allowance_id}"))
        return len(found.all())


@dataclass(frozen=True, slots=True)
class TwoLabs:
    ana: Learner
    one: Lab
    two: Lab
    allowance: str


def two_labs(server: RunningServer, tmp_path: Path) -> TwoLabs:
    """Two stations with Ana's extra attempt pulled, each with today's attempt spent."""
    school = set_up_school(server.engine)
    ana = ana_of(server, school)
    one, two = (lab(server, tmp_path, school, name) for name in ("one", "two"))
    allowance = extra_attempt(server, school, ana.id)
    for station in (one, two):
        station.pull()
        station.spend_today(ana.id)
    return TwoLabs(ana, one, two, allowance)


def test_a_use_pushed_by_one_station_stops_the_other_offering_it(
    server: RunningServer, tmp_path: Path
) -> None:
    labs = two_labs(server, tmp_path)
    ana, one, two, allowance = labs.ana, labs.one, labs.two, labs.allowance
    for station in (one, two):
        assert station.offered(ana.id) == (allowance,)  # both stations offer it

    attempt = one.sit(ana.id)
    assert one.push().accepted == 1
    row = stored(server, allowance)
    assert (row.used_attempt_id, row.used_station_id) == (attempt, one.id)
    assert row.used_at is not None

    two.pull()  # its next pull: the allowance arrives used
    assert two.offered(ana.id) == ()
    assert two.used_by(allowance) == attempt
    one.pull()
    assert one.used_by(allowance) == attempt  # its own use kept
    assert flags(server, "allowance_used_twice") == []

    teacher = WebClient(server.base_url)
    assert teacher.sign_in().status_code == 303
    page = teacher.get(f"/teacher/classes/{ana.class_id}/learners/{ana.id}").text
    when = row.used_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert f"Used on <time>{when}</time> at Lab one" in page


def test_both_stations_using_it_offline_keep_both_results_and_flag_it_once(
    server: RunningServer, tmp_path: Path
) -> None:
    labs = two_labs(server, tmp_path)
    ana, one, two, allowance = labs.ana, labs.one, labs.two, labs.allowance
    first, second = one.sit(ana.id, finish=True), two.sit(ana.id, finish=True)  # both offline

    assert one.push().rejected == []
    assert two.push().rejected == []  # the second use is accepted, not refused
    assert stored(server, allowance).used_attempt_id == first  # the first to arrive
    (flag,) = flags(server, "allowance_used_twice")
    assert flag.station_id == two.id
    assert second in flag.detail
    assert first in flag.detail
    with Session(server.engine) as session:
        results = session.exec(select(ResultRow.attempt_id)).all()
        event = session.get(Event, (two.id, flag.event_id))
    assert sorted(results) == sorted([first, second])  # both results kept
    assert event is not None
    assert event.flagged == "allowance_used_twice"
    two.pull()
    assert two.used_by(allowance) == second  # the station's own record stands
    assert two.push().accepted == 0  # nothing left to send, nothing flagged again
    assert len(flags(server, "allowance_used_twice")) == 1


def _use_event(use: AllowanceUse, *, seq: int = 1, **changes: Any) -> dict[str, Any]:
    body = canonical_json({"kind": "allowance_used", **use_body(use), **changes})
    return {
        "id": uuid7(unix_ms=int(use.used_at.timestamp() * 1000)),
        "seq": seq,
        "kind": "allowance_used",
        "body": body.decode("utf-8"),
        "body_sha256": hashlib.sha256(body).hexdigest(),
    }


def test_the_same_use_sent_again_is_recorded_once(server: RunningServer, tmp_path: Path) -> None:
    school = set_up_school(server.engine)
    ana = ana_of(server, school)
    one = lab(server, tmp_path, school, "one")
    allowance = extra_attempt(server, school, ana.id)
    use = AllowanceUse(allowance, uuid7(), ana.id, PACK, TODAY)
    event = _use_event(use)
    answers = [push(server.base_url, one, [event]) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json()["accepted"] == [event["id"]]
    assert [a.json()["duplicate"] for a in answers[1:]] == [[event["id"]]] * 2
    receipts = {a.json()["receipts"][0]["body"] for a in answers}
    assert len(receipts) == 1  # the original receipt, each time
    again = _use_event(use, seq=2)  # the same use under a new event id: counted already
    assert push(server.base_url, one, [again]).json()["accepted"] == [again["id"]]
    assert stored(server, allowance).used_event_id == event["id"]
    assert changes_of(server, allowance) == 2  # granted, used: once
    assert flags(server, "allowance_used_twice") == []


def test_uses_that_do_not_fit_are_refused_or_flagged_and_change_nothing(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    other_school = set_up_school(server.engine, name="Southside", username="okoro")
    ana = ana_of(server, school)
    with Session(server.engine) as session:
        ben = find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ben Ode"
        ).id
    one = lab(server, tmp_path, school, "one")
    elsewhere = lab(server, tmp_path, other_school, "elsewhere")
    allowance = extra_attempt(server, school, ana.id)
    use = AllowanceUse(allowance, uuid7(), ana.id, PACK, TODAY)
    malformed = [
        _use_event(use, allowance_id="x" * 65),
        _use_event(use, attempt_id="a b"),
        _use_event(use, used_at="2026-11-22T09:00:00"),  # no zone
        _use_event(use, used_at="yesterday"),
        _use_event(use, pack_id=7),
    ]
    answer = push(server.base_url, one, malformed).json()
    assert [r["reason"] for r in answer["rejected"]] == ["malformed"] * 5
    misfits = [
        (one, _use_event(AllowanceUse("no-such-allowance", uuid7(), ana.id, PACK, TODAY))),
        (one, _use_event(AllowanceUse(allowance, uuid7(), ben, PACK, TODAY))),
        (one, _use_event(AllowanceUse(allowance, uuid7(), ana.id, "other-pack", TODAY))),
        (elsewhere, _use_event(use)),  # a station of another school
    ]
    for station, event in misfits:
        answer = push(server.base_url, station, [event]).json()
        assert answer["accepted"] == [event["id"]]  # kept as evidence, flagged
    assert len(flags(server, "allowance_mismatch")) == 4
    assert stored(server, allowance).used_event_id is None
    assert changes_of(server, allowance) == 1
    one.pull()
    assert one.used_by(allowance) is None


def test_eight_stations_pushing_one_allowances_use_at_once_store_one_use(
    server: RunningServer, tmp_path: Path
) -> None:
    pushed_at_once(server, tmp_path)


def test_the_same_on_four_workers_with_postgresql(four_workers: Workers, tmp_path: Path) -> None:  # noqa: F811
    """`mcdesk server --workers 4`: the pushes land on four processes at once."""
    pushed_at_once(RunningServer(four_workers.url, four_workers.engine), tmp_path)


def pushed_at_once(server: RunningServer, tmp_path: Path) -> None:
    """Eight stations push their use of one allowance, and the first its use 8 times more,
    all at the same moment: one use stored, every other station's flagged once, no error."""
    school = set_up_school(server.engine)
    ana = ana_of(server, school)
    labs = [lab(server, tmp_path, school, f"n{n}") for n in range(8)]
    allowance = extra_attempt(server, school, ana.id)
    uses = [
        _use_event(AllowanceUse(allowance, uuid7(), ana.id, PACK, TODAY + timedelta(seconds=n)))
        for n in range(8)
    ]
    start = threading.Barrier(16)

    def send(n: int) -> requests.Response:
        start.wait(timeout=60)  # each station's use, and the first station's 8 times more
        return push(server.base_url, labs[n if n < 8 else 0], [uses[n if n < 8 else 0]])

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(send, range(16)))
    assert {a.status_code for a in answers} == {200}
    row = stored(server, allowance)
    winner = [u["id"] for u in uses].index(row.used_event_id)
    assert row.used_station_id == labs[winner].id
    assert len(flags(server, "allowance_used_twice")) == 7  # every other station, once
    assert changes_of(server, allowance) == 2
    with Session(server.engine) as session:
        kept = session.exec(select(Event).where(col(Event.kind) == "allowance_used")).all()
    assert len(kept) == 8  # every use kept as an event, the repeated one once
